import { z } from 'zod';
import { SigningError } from './errors.js';

// Wire schemas of `/exchange` answers (doc 3.3). HTTP status is 200 even for logical errors.

const Oid = z.number().int().nonnegative();
/** decimal string as the venue prints it (may carry trailing zeros) */
const DecimalString = z.string().regex(/^-?\d+(?:\.\d+)?$/);

export const OrderStatusWire = z.union([
  z.object({ resting: z.object({ oid: Oid, cloid: z.string().optional() }) }),
  z.object({
    filled: z.object({
      totalSz: DecimalString,
      avgPx: DecimalString,
      oid: Oid,
      cloid: z.string().optional(),
    }),
  }),
  z.object({ error: z.string() }),
  // venue: bare strings for trigger orders and TP/SL children ([NK])
  z.literal('waitingForFill'),
  z.literal('waitingForTrigger'),
]);
export type OrderStatusWire = z.infer<typeof OrderStatusWire>;

export const CancelStatusWire = z.union([z.literal('success'), z.object({ error: z.string() })]);
export type CancelStatusWire = z.infer<typeof CancelStatusWire>;

export const OrderResponseWire = z.object({
  type: z.union([z.literal('order'), z.literal('batchModify')]),
  data: z.object({ statuses: z.array(OrderStatusWire) }),
});
export type OrderResponseWire = z.infer<typeof OrderResponseWire>;

export const CancelResponseWire = z.object({
  type: z.union([z.literal('cancel'), z.literal('cancelByCloid')]),
  data: z.object({ statuses: z.array(CancelStatusWire) }),
});
export type CancelResponseWire = z.infer<typeof CancelResponseWire>;

export const TwapOrderResponseWire = z.object({
  type: z.literal('twapOrder'),
  data: z.object({
    status: z.union([z.object({ running: z.object({ twapId: Oid }) }), z.object({ error: z.string() })]),
  }),
});
export type TwapOrderResponseWire = z.infer<typeof TwapOrderResponseWire>;

/** Outer shape only; the `ok` payload is checked per `type` so a malformed known type never passes as "other". */
export const ExchangeResponseWire = z.union([
  z.object({ status: z.literal('ok'), response: z.looseObject({ type: z.string() }) }),
  z.object({ status: z.literal('err'), response: z.string() }),
]);
export type ExchangeResponseWire = z.infer<typeof ExchangeResponseWire>;

// ---------------------------------------------------------------- typed result

/** What a venue error string means, for retry and reporting decisions. */
export type VenueErrorReason =
  | 'tick'
  | 'min-notional'
  | 'margin'
  | 'reduce-only'
  | 'post-only-would-match'
  | 'ioc-no-match'
  | 'invalid-tpsl'
  | 'invalid-size'
  | 'price-too-far'
  | 'no-liquidity'
  | 'open-interest-cap'
  | 'insufficient-balance'
  | 'post-upgrade'
  | 'order-not-found'
  | 'unknown-signer'
  | 'nonce'
  | 'rate-limit'
  | 'vault-not-registered'
  | 'expired'
  | 'schedule-cancel-volume'
  | 'unknown';

export interface VenueError {
  /** the venue's text, verbatim */
  readonly message: string;
  readonly reason: VenueErrorReason;
}

// Order matters: first match wins. Strings from doc 3.3, 3.2 and 7.3.
const REASONS: readonly (readonly [RegExp, VenueErrorReason])[] = [
  [/divisible by tick size/i, 'tick'],
  [/minimum value of/i, 'min-notional'],
  [/insufficient margin|margin tier limit/i, 'margin'],
  [/reduce only order would increase position/i, 'reduce-only'],
  [/post only order would have immediately matched/i, 'post-only-would-match'],
  [/only post-only orders allowed immediately after network upgrade/i, 'post-upgrade'],
  [/could not immediately match/i, 'ioc-no-match'],
  [/invalid tp\/sl price/i, 'invalid-tpsl'],
  [/invalid size|zero size/i, 'invalid-size'],
  [/too far from oracle|away from the reference price|more aggressive than oracle/i, 'price-too-far'],
  [/no liquidity available/i, 'no-liquidity'],
  [/open interest/i, 'open-interest-cap'],
  [/insufficient spot balance/i, 'insufficient-balance'],
  [/never placed, already canceled, or filled/i, 'order-not-found'],
  [
    /user or api wallet .* does not exist|must deposit before performing actions|unable to recover signer/i,
    'unknown-signer',
  ],
  [/invalid nonce/i, 'nonce'],
  [/too many cumulative requests|too many requests/i, 'rate-limit'],
  [/vault not registered/i, 'vault-not-registered'],
  [/already expired/i, 'expired'],
  [/scheduled cancel time until enough volume/i, 'schedule-cancel-volume'],
];

/** Maps a venue error string to a reason (`unknown` when no rule matches). */
export function classifyVenueError(message: string): VenueError {
  for (const [pattern, reason] of REASONS) if (pattern.test(message)) return { message, reason };
  return { message, reason: 'unknown' };
}

export type OrderOutcome =
  | { readonly kind: 'resting'; readonly oid: number; readonly cloid?: string }
  | {
      readonly kind: 'filled';
      readonly oid: number;
      /** decimal string as sent by the venue */
      readonly totalSz: string;
      /** decimal string as sent by the venue */
      readonly avgPx: string;
      readonly cloid?: string;
    }
  | { readonly kind: 'error'; readonly error: VenueError }
  | { readonly kind: 'waitingForFill' }
  | { readonly kind: 'waitingForTrigger' };

export type CancelOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'error'; readonly error: VenueError };

export type ExchangeResult =
  /** one outcome per order, in request order (order, batchModify) */
  | { readonly kind: 'orders'; readonly statuses: readonly OrderOutcome[] }
  /** one outcome per cancel, in request order */
  | { readonly kind: 'cancels'; readonly statuses: readonly CancelOutcome[] }
  /** pre-validation failed: one error for the whole n-item batch (doc 3.3) */
  | { readonly kind: 'batchRejected'; readonly error: VenueError }
  /** `{type:"default"}`: modify, leverage, scheduleCancel, noop, transfers… */
  | { readonly kind: 'accepted' }
  | { readonly kind: 'twapRunning'; readonly twapId: number }
  | { readonly kind: 'twapError'; readonly error: VenueError }
  /** `status:"err"`: the whole request was refused (signature, nonce, rate limit…) */
  | { readonly kind: 'rejected'; readonly error: VenueError }
  /** HTTP 429: the per-IP budget is exhausted (doc 7.3) */
  | { readonly kind: 'rateLimited' }
  /** an `ok` answer of a type this package does not model */
  | { readonly kind: 'okOther'; readonly type: string };

export interface ParseOptions {
  /** how many orders/cancels the request carried; enables the one-error-per-batch check */
  readonly expected?: number;
}

function check<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  throw new SigningError('invalid-response', `invalid ${what}: ${problems}`, { cause: result.error });
}

function orderOutcome(status: OrderStatusWire): OrderOutcome {
  if (status === 'waitingForFill' || status === 'waitingForTrigger') return { kind: status };
  if ('resting' in status) {
    const { oid, cloid } = status.resting;
    return cloid === undefined ? { kind: 'resting', oid } : { kind: 'resting', oid, cloid };
  }
  if ('filled' in status) {
    const { oid, totalSz, avgPx, cloid } = status.filled;
    return cloid === undefined
      ? { kind: 'filled', oid, totalSz, avgPx }
      : { kind: 'filled', oid, totalSz, avgPx, cloid };
  }
  return { kind: 'error', error: classifyVenueError(status.error) };
}

function cancelOutcome(status: CancelStatusWire): CancelOutcome {
  return status === 'success'
    ? { kind: 'success' }
    : { kind: 'error', error: classifyVenueError(status.error) };
}

/** One error for an n-item batch is a batch rejection; any other count mismatch is corrupt. */
function batchCheck<T extends { kind: string }>(
  statuses: readonly T[],
  options: ParseOptions,
  what: string,
): { readonly kind: 'batchRejected'; readonly error: VenueError } | undefined {
  const expected = options.expected;
  if (expected === undefined || statuses.length === expected) return undefined;
  const only = statuses[0];
  if (statuses.length === 1 && only?.kind === 'error' && 'error' in only) {
    return { kind: 'batchRejected', error: only.error as VenueError };
  }
  throw new SigningError('invalid-response', `${what}: ${statuses.length} statuses for ${expected} items`);
}

/** Parses an `/exchange` JSON body (HTTP 200) into a typed result. Throws `invalid-response` on corrupt data. */
export function parseExchangeResponse(body: unknown, options: ParseOptions = {}): ExchangeResult {
  const envelope = check(ExchangeResponseWire, body, 'exchange response');
  if (envelope.status === 'err') return { kind: 'rejected', error: classifyVenueError(envelope.response) };
  const type = envelope.response.type;
  switch (type) {
    case 'order':
    case 'batchModify': {
      const r = check(OrderResponseWire, envelope.response, `${type} response`);
      const statuses = r.data.statuses.map(orderOutcome);
      return batchCheck(statuses, options, `${type} response`) ?? { kind: 'orders', statuses };
    }
    case 'cancel':
    case 'cancelByCloid': {
      const r = check(CancelResponseWire, envelope.response, `${type} response`);
      const statuses = r.data.statuses.map(cancelOutcome);
      return batchCheck(statuses, options, `${type} response`) ?? { kind: 'cancels', statuses };
    }
    case 'default':
      return { kind: 'accepted' };
    case 'twapOrder': {
      const r = check(TwapOrderResponseWire, envelope.response, 'twapOrder response');
      const s = r.data.status;
      return 'running' in s
        ? { kind: 'twapRunning', twapId: s.running.twapId }
        : { kind: 'twapError', error: classifyVenueError(s.error) };
    }
    default:
      return { kind: 'okOther', type };
  }
}

/**
 * Parses an HTTP answer from `/exchange`: 429 is the per-IP limit (its body is `null` or absent,
 * doc 7.3 [UNCONFIRMED]), 200 carries a JSON body, anything else is an unexpected answer.
 */
export function parseExchangeHttpResponse(
  httpStatus: number,
  body: unknown,
  options: ParseOptions = {},
): ExchangeResult {
  if (httpStatus === 429) return { kind: 'rateLimited' };
  if (httpStatus !== 200) {
    throw new SigningError('invalid-response', `exchange answered HTTP ${httpStatus}`);
  }
  return parseExchangeResponse(body, options);
}
