// Adapter: the ExchangePort over @hyperflow/hyperliquid's ExchangeClient (REST or WS post, budgets
// debited first), with every SubmitOutcome mapped to what it means for one order.
import {
  type CloidResolution,
  type ExchangeClient,
  prepareRequest,
  type SubmitOutcome,
} from '@hyperflow/hyperliquid';
import type { ExchangeRequest } from '@hyperflow/signing';
import { assertNever } from '../errors.js';
import type { Resolution, VenueAnswer } from '../order/decider.js';
import type { ExchangePort, SendResult } from './ports.js';
import type { SubmissionQueue } from './queue.js';

const answer = (a: VenueAnswer): SendResult => ({ kind: 'answer', answer: a });

/** What one order's send outcome means. Pure. */
export function sendResultOf(out: SubmitOutcome): SendResult {
  switch (out.kind) {
    case 'answered': {
      const r = out.result;
      switch (r.kind) {
        case 'orders': {
          const st = r.statuses[0];
          if (st === undefined)
            return answer({ kind: 'unknown', reason: 'the venue answered without a status' });
          switch (st.kind) {
            case 'resting':
              return answer({ kind: 'resting', oid: st.oid });
            case 'filled':
              return answer({ kind: 'filled', oid: st.oid, totalSz: st.totalSz, avgPx: st.avgPx });
            case 'error':
              return answer({ kind: 'rejected', error: st.error.message });
            case 'waitingForFill':
            case 'waitingForTrigger':
              return answer({ kind: 'unknown', reason: st.kind });
            default:
              return assertNever(st, 'order status');
          }
        }
        case 'batchRejected':
          return answer({ kind: 'rejected', error: r.error.message });
        case 'rejected':
          // venue: the address budget refuses the request unexecuted; it may be resent (doc 7.3)
          return r.error.reason === 'rate-limit'
            ? answer({ kind: 'unknown', reason: `not executed: ${r.error.message}` })
            : answer({ kind: 'rejected', error: r.error.message });
        case 'cancels':
        case 'accepted':
        case 'twapRunning':
        case 'twapError':
        case 'okOther':
          return answer({ kind: 'unknown', reason: `unexpected answer to an order: ${r.kind}` });
        default:
          return assertNever(r, 'exchange result');
      }
    }
    case 'rateLimited':
      return answer({ kind: 'unknown', reason: `not executed, rate limited: ${out.detail}` });
    case 'refused':
      return answer({ kind: 'rejected', error: `HTTP ${out.httpStatus ?? '?'}: ${out.detail || 'refused'}` });
    case 'ambiguous':
      return answer({ kind: 'unknown', reason: `${out.cause}: ${out.detail}` });
    case 'duplicate':
      return { kind: 'duplicate' };
    case 'notSent':
      return out.reason === 'expired'
        ? answer({ kind: 'expired', reason: 'expiresAfter' })
        : answer({ kind: 'unknown', reason: `not sent (${out.reason}): ${out.detail}` });
    default:
      return assertNever(out, 'submit outcome');
  }
}

export function resolutionOf(r: CloidResolution): Resolution {
  return r.kind === 'found'
    ? { kind: 'found', status: r.status, oid: r.oid }
    : { kind: 'unknown', final: r.final };
}

const EXPIRED: SendResult = answer({ kind: 'expired', reason: 'expiresAfter' });

/**
 * A send the budget refused until the request's own expiresAfter can never be sent any more: it
 * expired unsent (not an unknown outcome to resend).
 */
export function budgetExpired(out: SubmitOutcome, nowMs: number): boolean {
  return (
    out.kind === 'notSent' &&
    out.reason === 'budget' &&
    out.prepared.expiresAfter !== undefined &&
    nowMs >= out.prepared.expiresAfter
  );
}

/**
 * The ExchangePort for one account (`user`: master or sub-account, never the agent). With a
 * `queue`, every send and resend waits there for its turn (cancels, then reduce-only, then entries).
 */
export function venueExchange(
  client: ExchangeClient,
  user: string,
  via: 'rest' | 'ws' = 'rest',
  opts: { readonly queue?: SubmissionQueue; readonly clock?: () => number } = {},
): ExchangePort {
  const clock = opts.clock ?? Date.now;
  const prepare = (request: Readonly<Record<string, unknown>>) =>
    prepareRequest(request as unknown as ExchangeRequest);
  const queued = (
    request: Readonly<Record<string, unknown>>,
    submit: (p: ReturnType<typeof prepare>) => Promise<SubmitOutcome>,
  ): Promise<SendResult> => {
    const prepared = prepare(request);
    const send = async () => {
      const out = await submit(prepared);
      return budgetExpired(out, clock()) ? EXPIRED : sendResultOf(out);
    };
    const { priority } = prepared.cost;
    if (opts.queue === undefined || priority === 'info') return send();
    return opts.queue.run({
      key:
        prepared.cloids.length === 1
          ? (prepared.cloids[0] as string).toLowerCase()
          : `nonce:${prepared.nonce}`,
      priority,
      ...(prepared.expiresAfter === undefined ? {} : { deadlineMs: prepared.expiresAfter }),
      send,
      expired: () => EXPIRED,
    });
  };
  return {
    via,
    send: (request) => queued(request, (p) => client.submitPrepared(p, { via })),
    resend: (request) => queued(request, (p) => client.resend(p, { via })),
    status: async (cloid, request) =>
      resolutionOf(await client.resolveByCloid(user, cloid, prepare(request))),
  };
}
