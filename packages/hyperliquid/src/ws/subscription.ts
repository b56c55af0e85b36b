// Generic handling of subscription objects: keys, ack matching and channel routing. Deliberately
// schema-free: the typed payload schemas live in messages.ts / parse.ts; the transport only needs
// the `type`, `coin`, `user`, `interval` and `dex` fields to route frames.

/** A venue subscription object, e.g. `{ type: 'l2Book', coin: 'BTC', nSigFigs: 5 }`. */
export type SubscriptionObject = Readonly<{ type: string } & Record<string, unknown>>;

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Lowercases `user` (venue: send addresses lowercased) and drops undefined fields. */
export function normalizeSubscription(sub: SubscriptionObject): SubscriptionObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sub)) {
    if (v === undefined) continue;
    out[k] = k === 'user' && typeof v === 'string' ? v.toLowerCase() : v;
  }
  return out as SubscriptionObject;
}

/** Stable identity of a subscription: canonical JSON with sorted keys. */
export function subscriptionKey(sub: SubscriptionObject): string {
  return canonicalJson(normalizeSubscription(sub));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * True when every field of `request` is present and equal in `echo`. The venue echoes a
 * normalized subscription with added defaults (l2Book gains `nSigFigs:null, mantissa:null`,
 * userFills gains `aggregateByTime:false`), so acks match by request ⊆ echo, not equality.
 */
export function isSubsetOf(request: unknown, echo: unknown): boolean {
  if (request === echo) return true;
  if (typeof request === 'string' && typeof echo === 'string') {
    return HEX_ADDRESS.test(request) && request.toLowerCase() === echo.toLowerCase();
  }
  if (Array.isArray(request)) {
    return (
      Array.isArray(echo) && echo.length === request.length && request.every((v, i) => isSubsetOf(v, echo[i]))
    );
  }
  if (request !== null && typeof request === 'object') {
    if (echo === null || typeof echo !== 'object' || Array.isArray(echo)) return false;
    const e = echo as Record<string, unknown>;
    return Object.entries(request as Record<string, unknown>).every(
      ([k, v]) => v === undefined || (k in e && isSubsetOf(v, e[k])),
    );
  }
  return false;
}

/** Channel names a subscription type's data arrives on. */
export function channelsFor(type: string): readonly string[] {
  switch (type) {
    // venue: userEvents data arrives on channel "user"
    case 'userEvents':
      return ['user'];
    // venue: activeAssetCtx for a spot coin arrives on "activeSpotAssetCtx"
    case 'activeAssetCtx':
      return ['activeAssetCtx', 'activeSpotAssetCtx'];
    default:
      return [type];
  }
}

/** Fields in a data frame that identify which subscription it belongs to. */
export interface RoutingHints {
  coin?: string;
  user?: string;
  interval?: string;
  dex?: string;
}

/** Extracts routing hints from a frame's `data` without validating it (schemas live elsewhere). */
export function routingHints(data: unknown): RoutingHints {
  // venue: trades and candle (docs form) are arrays; route by the first element. May be empty.
  const first = Array.isArray(data) ? data[0] : data;
  if (first === null || typeof first !== 'object') return {};
  const o = first as Record<string, unknown>;
  const hints: RoutingHints = {};
  const coin = typeof o.coin === 'string' ? o.coin : typeof o.s === 'string' ? o.s : undefined;
  if (coin !== undefined) hints.coin = coin;
  if (typeof o.user === 'string') hints.user = o.user.toLowerCase();
  if (typeof o.i === 'string') hints.interval = o.i;
  if (typeof o.dex === 'string' && o.dex !== '') hints.dex = o.dex;
  return hints;
}

/** True if a subscription is compatible with the frame's routing hints. */
export function matchesHints(sub: SubscriptionObject, hints: RoutingHints): boolean {
  if (hints.coin !== undefined && typeof sub.coin === 'string' && sub.coin !== hints.coin) return false;
  if (hints.user !== undefined && typeof sub.user === 'string' && sub.user.toLowerCase() !== hints.user) {
    return false;
  }
  if (hints.interval !== undefined && typeof sub.interval === 'string' && sub.interval !== hints.interval) {
    return false;
  }
  if (hints.dex !== undefined && typeof sub.dex === 'string' && sub.dex !== hints.dex) return false;
  return true;
}

/** The user address a user-specific subscription tracks (lowercased), if any. */
export function subscriptionUser(sub: SubscriptionObject): string | undefined {
  return typeof sub.user === 'string' ? sub.user.toLowerCase() : undefined;
}

/**
 * Types whose data carries no `user` field, so two users' streams on one socket cannot be told
 * apart (venue: orderUpdates and userEvents have no user field; the Python SDK refuses to multiplex).
 */
export const UNROUTABLE_BY_USER: ReadonlySet<string> = new Set([
  'orderUpdates',
  'userEvents',
  'notification',
]);
