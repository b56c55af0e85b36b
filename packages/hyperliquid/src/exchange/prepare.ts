// Pure: what a signed `/exchange` body costs and how urgent it is, and its frozen wire bytes.

import type { ExchangeRequest } from '@hyperflow/signing';
import type { Priority } from '../budget/port.js';
import { HyperliquidError } from '../errors.js';
import { exchangeWeight } from '../http/weights.js';

/** What one send of a request costs, and at which priority it queues. */
export interface RequestCost {
  /** per-IP weight (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits): 1 + floor(batch length / 40) */
  readonly ipWeight: number;
  /** per-address requests (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits): n for a batch of n orders/cancels/modifies, else 1 */
  readonly addressWeight: number;
  /** cancels (and noop, which kills an in-flight action) first, then reduce-only, then new risk */
  readonly priority: Priority;
  /** statuses the answer must carry (order, batchModify, cancel, cancelByCloid), for the parser */
  readonly expected: number | undefined;
}

/**
 * A signed request frozen for sending: `body` is the exact JSON sent over REST, `payload` the same
 * value (parsed back from `body`) sent as the WS post payload. A resend sends these same bytes.
 */
export interface PreparedRequest {
  readonly body: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly actionType: string;
  readonly nonce: number;
  /** ms; after it the venue refuses the action, so it can no longer land */
  readonly expiresAfter: number | undefined;
  /** cloids the action carries (orders, modifies), for resolving an ambiguous send */
  readonly cloids: readonly string[];
  readonly cost: RequestCost;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Batch items (order wires) and kind of an action, as far as cost and priority go. */
function itemsOf(action: Record<string, unknown>): {
  readonly orders: readonly Record<string, unknown>[];
  readonly batch: number;
  readonly expected: number | undefined;
} {
  const type = action.type;
  switch (type) {
    case 'order': {
      const orders = list(action.orders).map((o) => record(o) ?? {});
      return { orders, batch: orders.length, expected: orders.length };
    }
    case 'batchModify': {
      const modifies = list(action.modifies).map((m) => record(m) ?? {});
      const orders = modifies.map((m) => record(m.order) ?? {});
      return { orders, batch: modifies.length, expected: modifies.length };
    }
    case 'modify':
      return { orders: [record(action.order) ?? {}], batch: 1, expected: undefined };
    case 'cancel':
    case 'cancelByCloid': {
      const n = list(action.cancels).length;
      return { orders: [], batch: n, expected: n };
    }
    default:
      return { orders: [], batch: 0, expected: undefined };
  }
}

/** Cost and priority of an action (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits). Pure. */
export function requestCost(action: object): RequestCost {
  const a = record(action);
  const type = a?.type;
  if (a === undefined || typeof type !== 'string') {
    throw new HyperliquidError('exchange: the action has no string `type`');
  }
  const { orders, batch, expected } = itemsOf(a);
  let priority: Priority;
  if (type === 'cancel' || type === 'cancelByCloid' || type === 'scheduleCancel' || type === 'noop') {
    priority = 'cancel';
  } else if (orders.length > 0 && orders.every((o) => o.r === true)) {
    priority = 'reduceOnly';
  } else {
    priority = 'newOrder';
  }
  return { ipWeight: exchangeWeight(batch), addressWeight: Math.max(1, batch), priority, expected };
}

/**
 * Freezes a signed request (as produced by @hyperflow/signing) into the bytes that will be sent,
 * once. `priority` overrides the derived one (e.g. an exit order that is not flagged reduce-only).
 */
export function prepareRequest(
  request: ExchangeRequest,
  options: { readonly priority?: Priority } = {},
): PreparedRequest {
  if (!Number.isSafeInteger(request.nonce) || request.nonce <= 0) {
    throw new HyperliquidError(`exchange: nonce ${request.nonce} is not a positive integer`);
  }
  const body = JSON.stringify(request);
  const payload = deepFreeze(JSON.parse(body) as Record<string, unknown>);
  const action = record(payload.action) ?? {};
  const cost = requestCost(action);
  const cloids = itemsOf(action)
    .orders.map((o) => o.c)
    .filter((c): c is string => typeof c === 'string');
  return Object.freeze({
    body,
    payload,
    actionType: String(action.type),
    nonce: request.nonce,
    expiresAfter: request.expiresAfter,
    cloids: Object.freeze(cloids),
    cost: Object.freeze(options.priority === undefined ? cost : { ...cost, priority: options.priority }),
  });
}
