import { isCandleInterval } from '../market/candles.js';

/** A subscription as the venue echoes it back: normalized, defaults filled in. */
export type Subscription =
  | { type: 'allMids'; dex?: string }
  | { type: 'l2Book'; coin: string; nSigFigs: number | null; mantissa: number | null; fast?: boolean }
  | { type: 'trades'; coin: string }
  | { type: 'bbo'; coin: string }
  | { type: 'candle'; coin: string; interval: string }
  | { type: 'activeAssetCtx'; coin: string }
  | { type: 'orderUpdates'; user: string }
  | { type: 'userEvents'; user: string }
  | { type: 'userFills'; user: string; aggregateByTime: boolean }
  | { type: 'clearinghouseState'; user: string; dex?: string }
  | { type: 'openOrders'; user: string; dex?: string }
  | { type: 'twapStates'; user: string; dex?: string }
  | { type: 'spotState'; user: string; ignorePortfolioMargin?: boolean }
  | { type: 'activeAssetData'; user: string; coin: string }
  | { type: 'userFundings'; user: string }
  | { type: 'userTwapSliceFills'; user: string }
  | { type: 'userTwapHistory'; user: string }
  | { type: 'userNonFundingLedgerUpdates'; user: string }
  | { type: 'webData3'; user: string }
  | { type: 'notification'; user: string };

export type SubscriptionParse =
  | { readonly kind: 'ok'; readonly sub: Subscription }
  /** the request does not deserialize at all */
  | { readonly kind: 'malformed' }
  /** it deserializes but names nothing the venue serves */
  | { readonly kind: 'invalid' };

const USER_RE = /^0x[0-9a-fA-F]{40}$/;

/** Normalizes like the venue (l2Book gains nSigFigs/mantissa null, userFills gains aggregateByTime false). */
export function parseSubscription(
  raw: unknown,
  coins: ReadonlySet<string>,
  dexes: ReadonlySet<string> = new Set(),
): SubscriptionParse {
  if (typeof raw !== 'object' || raw === null || !('type' in raw)) return { kind: 'malformed' };
  const r = raw as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const coin = str('coin');
  const user = str('user');
  const withCoin = (make: (c: string) => Subscription): SubscriptionParse => {
    if (coin === undefined) return { kind: 'malformed' };
    return coins.has(coin) ? { kind: 'ok', sub: make(coin) } : { kind: 'invalid' };
  };
  const withUser = (make: (u: string) => Subscription): SubscriptionParse => {
    if (user === undefined) return { kind: 'malformed' };
    return USER_RE.test(user) ? { kind: 'ok', sub: make(user.toLowerCase()) } : { kind: 'invalid' };
  };
  switch (r.type) {
    case 'allMids': {
      const dex = str('dex');
      if (dex !== undefined && dex !== '' && !dexes.has(dex)) return { kind: 'invalid' };
      return { kind: 'ok', sub: dex === undefined ? { type: 'allMids' } : { type: 'allMids', dex } };
    }
    case 'l2Book': {
      const n = r.nSigFigs ?? null;
      const m = r.mantissa ?? null;
      // venue: nSigFigs 2..5; mantissa only with nSigFigs 5
      if (n !== null && !(typeof n === 'number' && [2, 3, 4, 5].includes(n))) return { kind: 'invalid' };
      if (m !== null && !(typeof m === 'number' && [1, 2, 5].includes(m) && n === 5))
        return { kind: 'invalid' };
      if (r.fast !== undefined && typeof r.fast !== 'boolean') return { kind: 'malformed' };
      return withCoin((c) => ({
        type: 'l2Book',
        coin: c,
        nSigFigs: n as number | null,
        mantissa: m as number | null,
        ...(typeof r.fast === 'boolean' ? { fast: r.fast } : {}),
      }));
    }
    case 'trades':
      return withCoin((c) => ({ type: 'trades', coin: c }));
    case 'bbo':
      return withCoin((c) => ({ type: 'bbo', coin: c }));
    case 'activeAssetCtx':
      return withCoin((c) => ({ type: 'activeAssetCtx', coin: c }));
    case 'candle': {
      const interval = str('interval');
      if (interval === undefined) return { kind: 'malformed' };
      if (!isCandleInterval(interval)) return { kind: 'invalid' };
      return withCoin((c) => ({ type: 'candle', coin: c, interval }));
    }
    case 'orderUpdates':
      return withUser((u) => ({ type: 'orderUpdates', user: u }));
    case 'userEvents':
      return withUser((u) => ({ type: 'userEvents', user: u }));
    case 'userFills': {
      if (r.aggregateByTime !== undefined && typeof r.aggregateByTime !== 'boolean')
        return { kind: 'malformed' };
      const agg = r.aggregateByTime === true;
      return withUser((u) => ({ type: 'userFills', user: u, aggregateByTime: agg }));
    }
    case 'clearinghouseState':
    case 'openOrders':
    case 'twapStates': {
      const t = r.type;
      const dex = str('dex');
      if (r.dex !== undefined && dex === undefined) return { kind: 'malformed' };
      if (dex !== undefined && dex !== '' && !dexes.has(dex)) return { kind: 'invalid' };
      return withUser((u) => ({ type: t, user: u, ...(dex === undefined ? {} : { dex }) }));
    }
    case 'spotState': {
      // [NK] names the flag ignorePortfolioMargin, the doc isPortfolioMargin [UNCONFIRMED]: both accepted
      const flag = r.ignorePortfolioMargin ?? r.isPortfolioMargin;
      if (flag !== undefined && typeof flag !== 'boolean') return { kind: 'malformed' };
      return withUser((u) => ({
        type: 'spotState',
        user: u,
        ...(flag === undefined ? {} : { ignorePortfolioMargin: flag }),
      }));
    }
    case 'activeAssetData': {
      if (coin === undefined) return { kind: 'malformed' };
      // venue: perps only (spot pairs are "PURR/USDC" or "@index")
      if (!coins.has(coin) || coin.includes('/') || coin.startsWith('@')) return { kind: 'invalid' };
      return withUser((u) => ({ type: 'activeAssetData', user: u, coin }));
    }
    case 'userFundings':
    case 'userTwapSliceFills':
    case 'userTwapHistory':
    case 'userNonFundingLedgerUpdates':
    case 'webData3':
    case 'notification': {
      const t = r.type;
      return withUser((u) => ({ type: t, user: u }));
    }
    default:
      return { kind: 'malformed' };
  }
}

/** Identity of a subscription: its normalized JSON. */
export function subscriptionKey(s: Subscription): string {
  return JSON.stringify(s);
}

/** The user a subscription tracks, if any (venue: cap on unique users). */
export function trackedUser(s: Subscription): string | undefined {
  return 'user' in s ? s.user : undefined;
}
