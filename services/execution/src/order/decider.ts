// The order aggregate: one order's life as events on its own subject. Pure decider:
// `decide(command, state) → events`, `evolve(state, event) → state`. Side effects (risk engine,
// signing, the venue) happen outside; their results come in as commands, so every step is
// recorded before the next one is taken (write-ahead: `orderSubmitted` is appended before the
// request leaves, so a crash after sending is found as "submitted, no answer" on restart).
import type {
  Net,
  OrderEvent,
  OrderFilled,
  OrderRequested,
  OrderSigned,
  TimeInForce,
} from '@hyperflow/contracts';
import { fx, max, str, ZERO } from '../decimal/fixed.js';
import { assertNever, ExecutionError } from '../errors.js';
import type { OrderIntent } from './intent.js';

export type OrderStatus =
  | 'none'
  | 'requested'
  | 'riskChecked'
  | 'riskRejected'
  | 'signed'
  | 'submitted'
  | 'unknown'
  | 'resting'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

export interface OrderState {
  readonly status: OrderStatus;
  readonly net: Net | undefined;
  readonly requested: OrderRequested | undefined;
  readonly signed: OrderSigned | undefined;
  /** how many times the signed request was (or was about to be) sent */
  readonly attempts: number;
  readonly via: 'rest' | 'ws' | 'dryRun' | undefined;
  readonly oid: number | undefined;
  /** cumulative filled size, decimal string */
  readonly filledSz: string;
  /** the last venue status learned by reconciliation */
  readonly venueStatus: string | undefined;
  /** trade ids of the fills already recorded (the venue's userFills snapshots repeat them) */
  readonly fillTids: readonly number[];
}

export function initialOrderState(): OrderState {
  return {
    status: 'none',
    net: undefined,
    requested: undefined,
    signed: undefined,
    attempts: 0,
    via: undefined,
    oid: undefined,
    filledSz: '0',
    venueStatus: undefined,
    fillTids: [],
  };
}

/** Finished: nothing more will happen to it (a dry-run order is finished once recorded). */
export function isTerminal(s: OrderState): boolean {
  switch (s.status) {
    case 'riskRejected':
    case 'filled':
    case 'canceled':
    case 'rejected':
    case 'expired':
      return true;
    case 'submitted':
      return s.via === 'dryRun';
    case 'none':
    case 'requested':
    case 'riskChecked':
    case 'signed':
    case 'unknown':
    case 'resting':
      return false;
    default:
      return assertNever(s.status, 'order status');
  }
}

/** Sent (or maybe sent) and not yet answered: needs the venue's word, by resend or orderStatus. */
export function needsResolution(s: OrderState): boolean {
  return (s.status === 'submitted' && s.via !== 'dryRun') || s.status === 'unknown';
}

/** A check that failed before anything was signed: a risk rule, or a venue rule (tick, lot, coin). */
export interface Refusal {
  readonly rule: string;
  readonly reason: string;
}

/** What signing produced (the nonce is spent whether or not this is recorded). */
export interface SignedOrder {
  readonly asset: number;
  readonly px: string;
  readonly sz: string;
  readonly tif: TimeInForce;
  readonly nonce: number;
  readonly expiresAfterMs: number | undefined;
  readonly signer: string;
  readonly request: Record<string, unknown>;
}

/** The venue's answer for this one order, transport details already mapped. */
export type VenueAnswer =
  | { readonly kind: 'resting'; readonly oid: number }
  | { readonly kind: 'filled'; readonly oid: number; readonly totalSz: string; readonly avgPx: string }
  /** the venue refused the order (or the whole request): never executed */
  | { readonly kind: 'rejected'; readonly error: string }
  /** it may or may not have landed (timeout, dropped socket, 5xx), or it was not sent and may be resent */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** one fill from the account's fill stream (userFills), identified by its trade id */
  | {
      readonly kind: 'fill';
      readonly oid: number;
      readonly tid: number;
      readonly sz: string;
      readonly px: string;
      readonly fee?: string;
    }
  /** canceled at the venue (our cancel, the kill switch, or the venue's own) */
  | { readonly kind: 'canceled'; readonly reason: string; readonly oid?: number }
  /** it can no longer land: its `expiresAfter` passed before it could be (re)sent */
  | { readonly kind: 'expired'; readonly reason: 'expiresAfter' | 'budgetDeadline' };

/** What `orderStatus` by cloid said. */
export type Resolution =
  | {
      readonly kind: 'found';
      /** venue status string (doc 2.6) */
      readonly status: string;
      readonly oid: number;
    }
  /** the venue does not know the cloid; `final` once the signed request can no longer land */
  | { readonly kind: 'unknown'; readonly final: boolean };

export type OrderCommand =
  | {
      readonly type: 'request';
      readonly net: Net;
      readonly orderId: string;
      readonly signalId: string;
      readonly strategy: string;
      readonly intent: OrderIntent;
      readonly expiresAtMs: number;
      /** undefined = every check passed (`checks` lists them) */
      readonly refusal: Refusal | undefined;
      readonly checks: readonly string[];
      readonly nowMs: number;
    }
  /** the risk check of an order whose request was recorded alone (a crash between the two appends) */
  | {
      readonly type: 'riskCheck';
      readonly refusal: Refusal | undefined;
      readonly checks: readonly string[];
      readonly nowMs: number;
    }
  | { readonly type: 'sign'; readonly signed: SignedOrder; readonly nowMs: number }
  | { readonly type: 'submit'; readonly via: 'rest' | 'ws' | 'dryRun'; readonly nowMs: number }
  /** the signal's deadline passed before the order was sent */
  | { readonly type: 'expire'; readonly nowMs: number }
  /** the identical signed request again, after an unknown outcome (never a re-signed one) */
  | { readonly type: 'resend'; readonly via: 'rest' | 'ws'; readonly nowMs: number }
  | { readonly type: 'recordAnswer'; readonly answer: VenueAnswer; readonly nowMs: number }
  | { readonly type: 'resolve'; readonly resolution: Resolution; readonly nowMs: number };

const CANCELED = /canceled$|^scheduledCancel$/i;
const REJECTED = /rejected$/i;

function base(s: OrderState, nowMs: number, id: string) {
  const r = s.requested;
  if (r === undefined || s.net === undefined) {
    throw new ExecutionError('an order event before its orderRequested');
  }
  return { v: 1 as const, net: s.net, id: `${r.orderId}:${id}`, orderId: r.orderId, atMs: Math.floor(nowMs) };
}

function filledEvent(
  s: OrderState,
  nowMs: number,
  oid: number,
  totalSz: string,
  avgPx: string,
): OrderFilled | undefined {
  const sz = fx(s.requested?.sz ?? '0');
  const total = fx(totalSz);
  const fill = total - fx(s.filledSz);
  if (fill <= ZERO) return undefined;
  const remaining = max(sz - total, ZERO);
  return {
    type: 'orderFilled',
    ...base(s, nowMs, `filled:${totalSz}`),
    oid,
    fillSz: str(fill),
    fillPx: avgPx,
    filledSz: str(total),
    remainingSz: str(remaining),
    complete: remaining === ZERO,
  };
}

function answerEvents(s: OrderState, a: VenueAnswer, nowMs: number): OrderEvent[] {
  const attempt = s.attempts;
  switch (a.kind) {
    case 'resting':
      return s.status === 'resting'
        ? []
        : [{ type: 'orderResting', ...base(s, nowMs, 'resting'), oid: a.oid }];
    case 'filled': {
      const fill = filledEvent(s, nowMs, a.oid, a.totalSz, a.avgPx);
      const events: OrderEvent[] = fill === undefined ? [] : [fill];
      // venue: the unfilled part of an IOC is canceled, not left resting (doc 3.2)
      if (fill !== undefined && !fill.complete && s.signed?.tif === 'Ioc') {
        events.push({
          type: 'orderCanceled',
          ...base(s, nowMs, 'canceled'),
          oid: a.oid,
          reason: 'iocRemainderCanceled',
        });
      }
      return events;
    }
    case 'rejected':
      return [{ type: 'orderRejected', ...base(s, nowMs, 'rejected'), error: a.error }];
    case 'unknown':
      return s.status === 'unknown'
        ? []
        : [{ type: 'orderOutcomeUnknown', ...base(s, nowMs, `unknown:${attempt}`), reason: a.reason }];
    case 'expired':
      return [{ type: 'orderExpired', ...base(s, nowMs, 'expired'), reason: a.reason }];
    case 'fill': {
      if (s.fillTids.includes(a.tid)) return [];
      const total = fx(s.filledSz) + fx(a.sz);
      const remaining = max(fx(s.requested?.sz ?? '0') - total, ZERO);
      return [
        {
          type: 'orderFilled',
          ...base(s, nowMs, `fill:${a.tid}`),
          oid: a.oid,
          fillSz: a.sz,
          fillPx: a.px,
          filledSz: str(total),
          remainingSz: str(remaining),
          tid: a.tid,
          ...(a.fee === undefined ? {} : { fee: a.fee }),
          complete: remaining === ZERO,
        },
      ];
    }
    case 'canceled': {
      const oid = a.oid ?? s.oid;
      return [
        {
          type: 'orderCanceled',
          ...base(s, nowMs, 'canceled'),
          ...(oid === undefined ? {} : { oid }),
          reason: a.reason,
        },
      ];
    }
    default:
      return assertNever(a, 'venue answer');
  }
}

function resolutionEvents(s: OrderState, r: Resolution, nowMs: number): OrderEvent[] {
  if (r.kind === 'unknown') {
    // the venue knew a resting order by its oid: an unknown cloid now is no proof it never existed
    if (!r.final || s.status === 'resting') return [];
    return [
      {
        type: 'orderReconciled',
        ...base(s, nowMs, 'reconciled:unknownOid'),
        venueStatus: 'unknownOid',
        differences: ['the venue never saw the order and its signed request can no longer land'],
      },
      { type: 'orderExpired', ...base(s, nowMs, 'expired'), reason: 'expiresAfter' },
    ];
  }
  const reconciled = (differences: string[]): OrderEvent => ({
    type: 'orderReconciled',
    ...base(s, nowMs, `reconciled:${r.status}`),
    venueStatus: r.status,
    differences,
  });
  const was = `we had ${s.status}`;
  if (r.status === 'open' || r.status === 'triggered') {
    if (s.status === 'resting') return [];
    return [
      reconciled([`${was}, the venue has it open as oid ${r.oid}`]),
      {
        type: 'orderResting',
        ...base(s, nowMs, 'resting'),
        oid: r.oid,
      },
    ];
  }
  if (r.status === 'filled') {
    // orderStatus carries no fill price: the fills themselves come from userFills
    return [reconciled([`${was}, the venue filled oid ${r.oid}; fill prices come from userFills`])];
  }
  if (CANCELED.test(r.status)) {
    return [
      reconciled([`${was}, the venue canceled oid ${r.oid} (${r.status})`]),
      { type: 'orderCanceled', ...base(s, nowMs, 'canceled'), oid: r.oid, reason: r.status },
    ];
  }
  if (REJECTED.test(r.status)) {
    return [
      reconciled([`${was}, the venue rejected it (${r.status})`]),
      { type: 'orderRejected', ...base(s, nowMs, 'rejected'), error: r.status },
    ];
  }
  return [reconciled([`${was}, the venue reports ${r.status}`])];
}

/** Decides what a command means for this order, given everything already recorded. Pure. */
export function decide(c: OrderCommand, s: OrderState): OrderEvent[] {
  switch (c.type) {
    case 'request': {
      // the signal was seen before (redelivery, replay, a second replica): nothing to do twice
      if (s.status !== 'none') return [];
      const requested: OrderRequested = {
        type: 'orderRequested',
        v: 1,
        net: c.net,
        id: `${c.orderId}:requested`,
        orderId: c.orderId,
        atMs: Math.floor(c.nowMs),
        signalId: c.signalId,
        strategy: c.strategy,
        coin: c.intent.coin,
        side: c.intent.side,
        sz: c.intent.sz,
        style: c.intent.style,
        ...(c.intent.limitPx === undefined ? {} : { limitPx: c.intent.limitPx }),
        reduceOnly: c.intent.reduceOnly,
        expiresAtMs: c.expiresAtMs,
      };
      const next = evolve(s, requested);
      if (c.nowMs > c.expiresAtMs) {
        return [requested, { type: 'orderExpired', ...base(next, c.nowMs, 'expired'), reason: 'signalTtl' }];
      }
      if (c.refusal !== undefined) {
        return [
          requested,
          {
            type: 'riskRejected',
            ...base(next, c.nowMs, 'riskRejected'),
            signalId: c.signalId,
            rule: c.refusal.rule,
            reason: c.refusal.reason,
          },
        ];
      }
      return [
        requested,
        { type: 'orderRiskChecked', ...base(next, c.nowMs, 'riskChecked'), checks: [...c.checks] },
      ];
    }
    case 'riskCheck': {
      if (s.status !== 'requested') return [];
      const r = s.requested;
      if (c.nowMs > (r?.expiresAtMs ?? 0)) {
        return [{ type: 'orderExpired', ...base(s, c.nowMs, 'expired'), reason: 'signalTtl' }];
      }
      if (c.refusal !== undefined) {
        return [
          {
            type: 'riskRejected',
            ...base(s, c.nowMs, 'riskRejected'),
            signalId: r?.signalId ?? '',
            rule: c.refusal.rule,
            reason: c.refusal.reason,
          },
        ];
      }
      return [{ type: 'orderRiskChecked', ...base(s, c.nowMs, 'riskChecked'), checks: [...c.checks] }];
    }
    case 'sign': {
      if (s.status !== 'riskChecked') return [];
      if (c.nowMs > (s.requested?.expiresAtMs ?? 0)) {
        return [{ type: 'orderExpired', ...base(s, c.nowMs, 'expired'), reason: 'signalTtl' }];
      }
      return [
        {
          type: 'orderSigned',
          ...base(s, c.nowMs, 'signed'),
          asset: c.signed.asset,
          px: c.signed.px,
          sz: c.signed.sz,
          tif: c.signed.tif,
          nonce: c.signed.nonce,
          ...(c.signed.expiresAfterMs === undefined ? {} : { expiresAfterMs: c.signed.expiresAfterMs }),
          signer: c.signed.signer.toLowerCase(),
          request: c.signed.request,
        },
      ];
    }
    case 'submit': {
      if (s.status !== 'signed') return [];
      if (c.nowMs > (s.requested?.expiresAtMs ?? 0)) {
        return [{ type: 'orderExpired', ...base(s, c.nowMs, 'expired'), reason: 'signalTtl' }];
      }
      return [{ type: 'orderSubmitted', ...base(s, c.nowMs, 'submitted:1'), via: c.via, attempt: 1 }];
    }
    case 'expire':
      if (s.status !== 'requested' && s.status !== 'riskChecked' && s.status !== 'signed') return [];
      if (c.nowMs <= (s.requested?.expiresAtMs ?? 0)) return [];
      return [{ type: 'orderExpired', ...base(s, c.nowMs, 'expired'), reason: 'signalTtl' }];
    case 'resend': {
      if (!needsResolution(s)) return [];
      const attempt = s.attempts + 1;
      return [{ type: 'orderSubmitted', ...base(s, c.nowMs, `submitted:${attempt}`), via: c.via, attempt }];
    }
    case 'recordAnswer':
      // an answer is only news for an order that was sent and not yet settled
      if (
        !needsResolution(s) &&
        !(
          s.status === 'resting' &&
          (c.answer.kind === 'filled' || c.answer.kind === 'canceled' || c.answer.kind === 'fill')
        )
      )
        return [];
      return answerEvents(s, c.answer, c.nowMs);
    case 'resolve':
      if (!needsResolution(s) && s.status !== 'resting') return [];
      return resolutionEvents(s, c.resolution, c.nowMs);
    default:
      return assertNever(c, 'order command');
  }
}

/** Applies one recorded event. Pure. */
export function evolve(s: OrderState, e: OrderEvent): OrderState {
  switch (e.type) {
    case 'orderRequested':
      return { ...s, status: 'requested', net: e.net, requested: e };
    case 'orderRiskChecked':
      return { ...s, status: 'riskChecked' };
    case 'riskRejected':
      return { ...s, status: 'riskRejected' };
    case 'orderSigned':
      return { ...s, status: 'signed', signed: e };
    case 'orderSubmitted':
      return { ...s, status: 'submitted', via: e.via, attempts: e.attempt };
    case 'orderResting':
      return { ...s, status: 'resting', oid: e.oid };
    case 'orderFilled':
      return {
        ...s,
        status: e.complete ? 'filled' : 'resting',
        oid: e.oid,
        filledSz: e.filledSz,
        fillTids: e.tid === undefined ? s.fillTids : [...s.fillTids, e.tid],
      };
    case 'orderCanceled':
      return { ...s, status: 'canceled', oid: e.oid ?? s.oid };
    case 'orderRejected':
      return { ...s, status: 'rejected' };
    case 'orderExpired':
      return { ...s, status: 'expired' };
    case 'orderOutcomeUnknown':
      return { ...s, status: 'unknown' };
    case 'orderReconciled':
      return {
        ...s,
        venueStatus: e.venueStatus,
        ...(e.venueStatus === 'filled' ? { status: 'filled' } : {}),
      };
    default:
      return assertNever(e, 'order event');
  }
}

export function replay(events: readonly OrderEvent[]): OrderState {
  return events.reduce(evolve, initialOrderState());
}
