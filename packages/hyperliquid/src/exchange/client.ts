// Sends signed `/exchange` requests over REST or WS post, under the per-IP and per-address
// budgets, and turns every answer (or the lack of one) into a typed outcome.
//
// Ambiguity (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/nonces-and-api-wallets): after a timeout, a dropped connection, a 5xx or an unreadable answer the
// action may or may not have reached the venue. It is reported as `ambiguous` with the frozen
// request and never re-signed. Two ways to settle it:
// - `resend(prepared)`: the same bytes again, while `expiresAfter` (or, without it,
//   `resendWindowMs` after the nonce) allows. If the first send landed, the venue refuses the
//   copy by its nonce (`duplicate`); if it did not, the copy is processed as the original would
//   have been. Use it first: it needs no cloid and settles a lost request at once.
// - `resolveByCloid(user, cloid, prepared)`: `orderStatus` by cloid on the info API. Use it for
//   orders with a cloid when the resend answered `duplicate` (to learn oid and status), or when
//   resending is no longer allowed. `unknown` is only final once the action can no longer land
//   (its `expiresAfter` has passed, plus `expirySettleMs`).

import {
  type ExchangeRequest,
  type ExchangeResult,
  parseExchangeResponse,
  type VenueError,
} from '@hyperflow/signing';
import type { AcquireOptions, ObservedUsage, Priority } from '../budget/port.js';
import { HyperliquidError } from '../errors.js';
import type { OrderStatusResponse } from '../http/schemas.js';
import { type PreparedRequest, prepareRequest } from './prepare.js';

/** The part of a RateBudget (budget/port.ts) the exchange client needs; the ledger fits. */
export interface ExchangeBudget {
  acquire(
    weight: number,
    options: AcquireOptions,
  ): Promise<{ readonly granted: boolean; readonly reason?: string }>;
  sync(observed: ObservedUsage): void;
}

/** A WS `post` (the venue WsClient / WsPool fit): resolves with the post response or its payload. */
export interface PostTransport {
  post(
    request: { readonly type: 'action'; readonly payload: unknown },
    options: { readonly timeoutMs: number },
  ): Promise<unknown>;
}

/** `orderStatus` by cloid (the InfoClient fits). */
export interface OrderStatusSource {
  orderStatusByCloid(user: string, cloid: string): Promise<OrderStatusResponse>;
}

export type Via = 'rest' | 'ws';

export interface ExchangeClientOptions {
  /** REST base (no `/exchange`), e.g. INFO_BASE_URLS.mainnet or a loopback server */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** WS post transport (the venue WsClient or WsPool) */
  readonly ws?: PostTransport;
  /** default: `ws` when a WS transport is given, else `rest` */
  readonly via?: Via;
  /** per send; default 10 000 ms */
  readonly timeoutMs?: number;
  /** per-IP weight budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits); WS posts are budgeted against it too (unconfirmed in the venue docs) */
  readonly ipBudget?: ExchangeBudget;
  /** per-address action budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits) of the account the actions are for */
  readonly addressBudget?: ExchangeBudget;
  /** how long a send may wait for budget; default 5 000 ms (never past expiresAfter) */
  readonly maxBudgetWaitMs?: number;
  /** resends of a body without expiresAfter are allowed this long after its nonce; default 30 000 ms */
  readonly resendWindowMs?: number;
  /** margin after expiresAfter before an unknown cloid counts as never placed; default 5 000 ms */
  readonly expirySettleMs?: number;
  readonly info?: OrderStatusSource;
  /** unix ms; default Date.now */
  readonly clock?: () => number;
}

export interface SendOptions {
  readonly via?: Via;
  readonly priority?: Priority;
  readonly timeoutMs?: number;
}

export type AmbiguousCause =
  | 'timeout'
  /** the connection failed after the request may have been written */
  | 'network'
  | 'connectionClosed'
  /** HTTP 5xx, or a WS post error mirroring one */
  | 'serverError'
  /** HTTP 200 whose body is not a valid exchange response */
  | 'unreadableResponse';

export type NotSentReason =
  /** the budget did not grant the weight before the deadline (or was closed) */
  | 'budget'
  /** past expiresAfter (a stale expiresAfter costs 5× address weight, venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint) or the resend window */
  | 'expired'
  /** the connection was refused or the socket was not open: nothing left this process */
  | 'unreachable'
  /** a local venue cap (WS in-flight posts, messages/min) refused it */
  | 'capExceeded';

interface Base {
  readonly prepared: PreparedRequest;
}
interface Sent extends Base {
  readonly via: Via;
}

export type SubmitOutcome =
  /** the venue answered with a readable body (HTTP 200 / WS action response) */
  | (Sent & { readonly kind: 'answered'; readonly result: Exclude<ExchangeResult, { kind: 'rateLimited' }> })
  /** HTTP 429 (or its WS mirror): per-IP limit; the action was not executed; the budget was re-synced */
  | (Sent & { readonly kind: 'rateLimited'; readonly detail: string })
  /** HTTP 4xx other than 429 (422: the body could not be deserialised); not executed */
  | (Sent & { readonly kind: 'refused'; readonly httpStatus: number | undefined; readonly detail: string })
  /** may or may not have reached the venue: resend `prepared` or resolve by cloid, never re-sign */
  | (Sent & { readonly kind: 'ambiguous'; readonly cause: AmbiguousCause; readonly detail: string })
  /** a resend the venue refused as a duplicate nonce: an earlier copy landed (resolve by cloid for its result) */
  | (Sent & { readonly kind: 'duplicate'; readonly error: VenueError })
  /** nothing was sent */
  | (Base & { readonly kind: 'notSent'; readonly reason: NotSentReason; readonly detail: string });

export type CloidResolution =
  | {
      readonly kind: 'found';
      /** order status string: open, filled, canceled, rejected, … (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) */
      readonly status: string;
      readonly oid: number;
      readonly statusTimestamp: number;
      readonly order: Extract<OrderStatusResponse, { status: 'order' }>['order']['order'];
    }
  /**
   * The venue does not know the cloid. `final`: the action can no longer land (expiresAfter +
   * expirySettleMs passed), so it was never placed; otherwise it may still be in flight.
   */
  | { readonly kind: 'unknown'; readonly final: boolean };

/** A send-side misconfiguration (no REST base, no WS transport, no info client). */
export class ExchangeClientError extends HyperliquidError {
  override name = 'ExchangeClientError';
}

const DUPLICATE_NONCE = /duplicate nonce/i;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.name}: ${err.message}${cause}`;
  }
  return String(err);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/**
 * The exchange client. Stateless between calls apart from its options: the per-signer nonce
 * sequence and signing belong to @hyperflow/signing's ExchangeSigner (drawn before `submit`).
 */
export class ExchangeClient {
  readonly #opts: ExchangeClientOptions;
  readonly #url: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #defaultVia: Via;

  constructor(options: ExchangeClientOptions) {
    this.#opts = options;
    this.#url = options.baseUrl === undefined ? undefined : `${options.baseUrl.replace(/\/+$/, '')}/exchange`;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#defaultVia = options.via ?? (options.ws ? 'ws' : 'rest');
    if (this.#defaultVia === 'rest' && this.#url === undefined) {
      throw new ExchangeClientError('exchange client: REST needs a baseUrl');
    }
    if (this.#defaultVia === 'ws' && options.ws === undefined) {
      throw new ExchangeClientError('exchange client: WS needs a post transport');
    }
  }

  /** Freezes and sends a signed request once. The outcome carries `prepared` for a resend. */
  submit(request: ExchangeRequest, options: SendOptions = {}): Promise<SubmitOutcome> {
    const prepared = prepareRequest(
      request,
      options.priority === undefined ? {} : { priority: options.priority },
    );
    return this.#send(prepared, options, false);
  }

  /** Sends an already prepared request (first send). */
  submitPrepared(
    prepared: PreparedRequest,
    options: Omit<SendOptions, 'priority'> = {},
  ): Promise<SubmitOutcome> {
    return this.#send(prepared, options, false);
  }

  /**
   * Sends the identical bytes of `prepared` again (after an ambiguous outcome). Refused as
   * `notSent: expired` once the action can no longer land: past `expiresAfter`, or, for a body
   * without it, `resendWindowMs` after its nonce (an unbounded resend could place a stale order).
   */
  resend(prepared: PreparedRequest, options: Omit<SendOptions, 'priority'> = {}): Promise<SubmitOutcome> {
    return this.#send(prepared, options, true);
  }

  /**
   * Settles an ambiguous order by its cloid with `orderStatus` (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint). `user` is the account the
   * order is for (master or sub-account/vault), never the agent address (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint).
   */
  async resolveByCloid(user: string, cloid: string, prepared?: PreparedRequest): Promise<CloidResolution> {
    const info = this.#opts.info;
    if (info === undefined)
      throw new ExchangeClientError('exchange client: resolveByCloid needs an info client');
    const r = await info.orderStatusByCloid(user, cloid);
    if (r.status === 'order') {
      return {
        kind: 'found',
        status: r.order.status,
        oid: r.order.order.oid,
        statusTimestamp: r.order.statusTimestamp,
        order: r.order.order,
      };
    }
    const settle = this.#opts.expirySettleMs ?? 5_000;
    const expiresAfter = prepared?.expiresAfter;
    return { kind: 'unknown', final: expiresAfter !== undefined && this.#clock() > expiresAfter + settle };
  }

  #expired(prepared: PreparedRequest, resend: boolean): string | undefined {
    const now = this.#clock();
    if (prepared.expiresAfter !== undefined) {
      return now >= prepared.expiresAfter
        ? `expiresAfter ${prepared.expiresAfter} has passed (now ${now})`
        : undefined;
    }
    if (!resend) return undefined;
    const window = this.#opts.resendWindowMs ?? 30_000;
    return now > prepared.nonce + window
      ? `resend window of ${window} ms after nonce ${prepared.nonce} has passed (now ${now})`
      : undefined;
  }

  /** IP first, then address: if the address budget then refuses, only cheap IP weight was spent. */
  async #acquire(prepared: PreparedRequest): Promise<string | undefined> {
    const now = this.#clock();
    const maxWait = this.#opts.maxBudgetWaitMs ?? 5_000;
    const deadlineMs = Math.min(now + maxWait, prepared.expiresAfter ?? Number.POSITIVE_INFINITY);
    const { priority, ipWeight, addressWeight } = prepared.cost;
    const steps: [string, ExchangeBudget | undefined, number][] = [
      ['ip', this.#opts.ipBudget, ipWeight],
      ['address', this.#opts.addressBudget, addressWeight],
    ];
    for (const [name, budget, weight] of steps) {
      if (budget === undefined) continue;
      const grant = await budget.acquire(weight, { priority, deadlineMs });
      if (!grant.granted) return `${name} budget refused weight ${weight} (${grant.reason ?? 'no reason'})`;
    }
    return undefined;
  }

  async #send(
    prepared: PreparedRequest,
    options: Omit<SendOptions, 'priority'>,
    resend: boolean,
  ): Promise<SubmitOutcome> {
    const via = options.via ?? this.#defaultVia;
    if (via === 'rest' ? this.#url === undefined : this.#opts.ws === undefined) {
      throw new ExchangeClientError(`exchange client: no ${via} transport configured`);
    }
    const expired = this.#expired(prepared, resend);
    if (expired !== undefined) return { kind: 'notSent', reason: 'expired', detail: expired, prepared };
    const refused = await this.#acquire(prepared);
    if (refused !== undefined) return { kind: 'notSent', reason: 'budget', detail: refused, prepared };
    // waiting for budget may have taken us past expiresAfter
    const expiredAfterWait = this.#expired(prepared, resend);
    if (expiredAfterWait !== undefined) {
      return { kind: 'notSent', reason: 'expired', detail: expiredAfterWait, prepared };
    }
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const outcome =
      via === 'rest' ? await this.#rest(prepared, timeoutMs) : await this.#ws(prepared, timeoutMs);
    return this.#settle(outcome, resend);
  }

  /** Budget re-sync and duplicate detection, common to both transports. */
  #settle(outcome: SubmitOutcome, resend: boolean): SubmitOutcome {
    if (outcome.kind === 'rateLimited') this.#opts.ipBudget?.sync({ kind: 'throttled' });
    if (outcome.kind !== 'answered' || outcome.result.kind !== 'rejected') return outcome;
    const { error } = outcome.result;
    // venue: "Too many cumulative requests sent (…)" is the address budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits)
    if (error.reason === 'rate-limit') this.#opts.addressBudget?.sync({ kind: 'throttled' });
    if (resend && error.reason === 'nonce' && DUPLICATE_NONCE.test(error.message)) {
      return { kind: 'duplicate', error, prepared: outcome.prepared, via: outcome.via };
    }
    return outcome;
  }

  #parse(prepared: PreparedRequest, via: Via, body: unknown): SubmitOutcome {
    try {
      const result = parseExchangeResponse(body, { expected: prepared.cost.expected });
      if (result.kind === 'rateLimited')
        return { kind: 'rateLimited', detail: 'rate limited', prepared, via };
      return { kind: 'answered', result, prepared, via };
    } catch (err) {
      return { kind: 'ambiguous', cause: 'unreadableResponse', detail: errorText(err), prepared, via };
    }
  }

  async #rest(prepared: PreparedRequest, timeoutMs: number): Promise<SubmitOutcome> {
    const via = 'rest';
    const url = this.#url;
    if (url === undefined) throw new ExchangeClientError('exchange client: REST needs a baseUrl');
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: prepared.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (isTimeout(err)) {
        return {
          kind: 'ambiguous',
          cause: 'timeout',
          detail: `no answer within ${timeoutMs} ms`,
          prepared,
          via,
        };
      }
      // undici wraps the socket error as `cause`; a refused connection never carried the body
      if (errorCode((err as { cause?: unknown }).cause) === 'ECONNREFUSED') {
        return { kind: 'notSent', reason: 'unreachable', detail: errorText(err), prepared };
      }
      return { kind: 'ambiguous', cause: 'network', detail: errorText(err), prepared, via };
    }
    if (status === 429)
      return { kind: 'rateLimited', detail: `HTTP 429 ${text.slice(0, 200)}`, prepared, via };
    if (status >= 500) {
      return {
        kind: 'ambiguous',
        cause: 'serverError',
        detail: `HTTP ${status} ${text.slice(0, 200)}`,
        prepared,
        via,
      };
    }
    if (status >= 400) {
      return { kind: 'refused', httpStatus: status, detail: text.slice(0, 500), prepared, via };
    }
    if (status !== 200) {
      return {
        kind: 'ambiguous',
        cause: 'serverError',
        detail: `HTTP ${status} ${text.slice(0, 200)}`,
        prepared,
        via,
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return {
        kind: 'ambiguous',
        cause: 'unreadableResponse',
        detail: `not JSON: ${errorText(err)}`,
        prepared,
        via,
      };
    }
    return this.#parse(prepared, via, json);
  }

  async #ws(prepared: PreparedRequest, timeoutMs: number): Promise<SubmitOutcome> {
    const via = 'ws';
    const ws = this.#opts.ws;
    if (ws === undefined) throw new ExchangeClientError('exchange client: WS needs a post transport');
    let response: unknown;
    try {
      response = await ws.post({ type: 'action', payload: prepared.payload }, { timeoutMs });
    } catch (err) {
      return wsFailure(err, prepared, timeoutMs);
    }
    // WsClient resolves `{ type: 'action', payload }`; a bare exchange body is accepted too
    const r = response as { type?: unknown; payload?: unknown } | null;
    const body =
      r !== null && typeof r === 'object' && r.type === 'action' && 'payload' in r ? r.payload : response;
    return this.#parse(prepared, via, body);
  }
}

/** Maps a WS post failure (WsError / CapExceededError codes, duck-typed) to an outcome. */
function wsFailure(err: unknown, prepared: PreparedRequest, timeoutMs: number): SubmitOutcome {
  const via = 'ws';
  const detail = errorText(err);
  if (err instanceof Error && err.name === 'CapExceededError') {
    return { kind: 'notSent', reason: 'capExceeded', detail, prepared };
  }
  const code = errorCode(err);
  switch (code) {
    case 'notConnected':
      return { kind: 'notSent', reason: 'unreachable', detail, prepared };
    case 'timeout':
      return {
        kind: 'ambiguous',
        cause: 'timeout',
        detail: `no answer within ${timeoutMs} ms`,
        prepared,
        via,
      };
    case 'connectionClosed':
    case 'clientClosed':
      return { kind: 'ambiguous', cause: 'connectionClosed', detail, prepared, via };
    case 'postRejected': {
      // venue: the error payload mirrors the HTTP status and description (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/post-requests, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits)
      const venue = (err as { venueMessage?: unknown }).venueMessage;
      const text = typeof venue === 'string' ? venue : detail;
      if (/\b429\b|too many/i.test(text)) return { kind: 'rateLimited', detail: text, prepared, via };
      const status = /\b([45]\d\d)\b/.exec(text)?.[1];
      if (status?.startsWith('4')) {
        return { kind: 'refused', httpStatus: Number(status), detail: text, prepared, via };
      }
      return { kind: 'ambiguous', cause: 'serverError', detail: text, prepared, via };
    }
    default:
      if (isTimeout(err)) {
        return {
          kind: 'ambiguous',
          cause: 'timeout',
          detail: `no answer within ${timeoutMs} ms`,
          prepared,
          via,
        };
      }
      return { kind: 'ambiguous', cause: 'network', detail, prepared, via };
  }
}
