import { z } from 'zod';
import { CANDLE_INTERVALS } from '../market/candles.js';
import { abs, formatDecimal, mul, SCALE } from '../market/decimal.js';
import type { Precision } from '../matching/book.js';
import { basicOrderWire } from '../matching/engine.js';
import type { Order } from '../matching/types.js';
import type { VenueState } from '../venue/state.js';

const User = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((s) => s.toLowerCase());

export const InfoRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('meta'), dex: z.string().optional() }),
  z.object({ type: z.literal('spotMeta') }),
  z.object({ type: z.literal('metaAndAssetCtxs'), dex: z.string().optional() }),
  z.object({ type: z.literal('spotMetaAndAssetCtxs') }),
  z.object({ type: z.literal('allMids'), dex: z.string().optional() }),
  z.object({
    type: z.literal('l2Book'),
    coin: z.string(),
    nSigFigs: z.number().int().nullish(),
    mantissa: z.number().int().nullish(),
  }),
  z.object({
    type: z.literal('candleSnapshot'),
    req: z.object({
      coin: z.string(),
      interval: z.enum(CANDLE_INTERVALS),
      startTime: z.number().int(),
      endTime: z.number().int().nullish(),
    }),
  }),
  z.object({ type: z.literal('recentTrades'), coin: z.string() }),
  z.object({ type: z.literal('orderStatus'), user: User, oid: z.union([z.number().int(), z.string()]) }),
  z.object({ type: z.literal('openOrders'), user: User, dex: z.string().optional() }),
  z.object({ type: z.literal('frontendOpenOrders'), user: User, dex: z.string().optional() }),
  z.object({ type: z.literal('userFills'), user: User, aggregateByTime: z.boolean().optional() }),
  z.object({
    type: z.literal('userFillsByTime'),
    user: User,
    startTime: z.number().int(),
    endTime: z.number().int().nullish(),
    aggregateByTime: z.boolean().optional(),
  }),
  z.object({ type: z.literal('clearinghouseState'), user: User, dex: z.string().optional() }),
  z.object({ type: z.literal('spotClearinghouseState'), user: User }),
  z.object({ type: z.literal('userRateLimit'), user: User }),
  z.object({ type: z.literal('exchangeStatus') }),
]);
export type InfoRequest = z.infer<typeof InfoRequest>;

const px = (v: bigint) => formatDecimal(v, 1);

export function meta(s: VenueState) {
  return {
    universe: s.universe.perps.map((p) => ({
      szDecimals: p.szDecimals,
      name: p.name,
      maxLeverage: p.maxLeverage,
      marginTableId: p.maxLeverage,
    })),
    marginTables: [...new Set(s.universe.perps.map((p) => p.maxLeverage))].map((lev) => [
      lev,
      { description: '', marginTiers: [{ lowerBound: '0.0', maxLeverage: lev }] },
    ]),
  };
}

export function spotMeta(s: VenueState) {
  return {
    universe: s.universe.spotPairs.map((p) => ({
      tokens: p.tokens,
      name: p.name,
      index: p.index,
      isCanonical: true,
    })),
    tokens: s.universe.spotTokens.map((t) => ({
      name: t.name,
      szDecimals: t.szDecimals,
      weiDecimals: t.weiDecimals,
      index: t.index,
      tokenId: t.tokenId,
      isCanonical: true,
      evmContract: null,
      fullName: null,
    })),
  };
}

/** venue: perp asset ctx, all numbers as strings */
export function perpCtx(s: VenueState, coin: string) {
  const e = s.engine;
  const book = e.book(coin);
  const mid = e.midPx(coin);
  const mark = e.markPx(coin);
  const vlm = e.dayVolume(coin);
  const start = e.markets.get(coin)?.initialPx ?? '0';
  const bid = book?.bestBid();
  const ask = book?.bestAsk();
  return {
    funding: '0.0000125',
    openInterest: formatDecimal(e.openInterest(coin), 1),
    prevDayPx: start,
    dayNtlVlm: formatDecimal(vlm.ntl, 1),
    premium: '0.0',
    oraclePx: px(mark),
    markPx: px(mark),
    midPx: mid === undefined ? null : px(mid),
    impactPxs: bid !== undefined && ask !== undefined ? [px(bid), px(ask)] : null,
    dayBaseVlm: formatDecimal(vlm.base, 1),
  };
}

/** venue: spot asset ctx (activeSpotAssetCtx / spotMetaAndAssetCtxs) */
export function spotCtx(s: VenueState, coin: string) {
  const e = s.engine;
  const mid = e.midPx(coin);
  const vlm = e.dayVolume(coin);
  return {
    prevDayPx: e.markets.get(coin)?.initialPx ?? '0',
    dayNtlVlm: formatDecimal(vlm.ntl, 1),
    markPx: px(e.markPx(coin)),
    midPx: mid === undefined ? null : px(mid),
    circulatingSupply: '1000000000.0',
    coin,
    totalSupply: '1000000000.0',
    dayBaseVlm: formatDecimal(vlm.base, 1),
  };
}

export function allMids(s: VenueState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const coin of s.engine.markets.keys()) {
    const mid = s.engine.midPx(coin);
    if (mid !== undefined) out[coin] = px(mid);
  }
  return out;
}

export function l2Book(s: VenueState, coin: string, depth: number, now: number, precision?: Precision) {
  const book = s.engine.book(coin);
  if (!book) return null;
  return { coin, time: now, levels: book.levels(depth, precision) };
}

function frontendOrder(o: Order) {
  const t = o.trigger;
  const orderType = t
    ? `${t.tpsl === 'tp' ? 'Take Profit' : 'Stop'} ${t.isMarket ? 'Market' : 'Limit'}`
    : 'Limit';
  const above = t ? (o.side === 'A') !== (t.tpsl === 'sl') : false;
  return {
    ...basicOrderWire(o),
    triggerCondition: t ? `Price ${above ? 'above' : 'below'} ${px(t.triggerPx)}` : 'N/A',
    isTrigger: t !== undefined,
    triggerPx: t ? px(t.triggerPx) : '0.0',
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType,
    tif: t ? null : o.tif,
    cloid: o.cloid ?? null,
  };
}

export function clearinghouseState(s: VenueState, user: string, now: number) {
  const acct = s.engine.account(user);
  let ntl = 0n;
  let marginUsed = 0n;
  let upnlTotal = 0n;
  const assetPositions = [...(acct?.positions ?? new Map())].map(([coin, p]) => {
    const mark = s.engine.markPx(coin);
    const lev = s.engine.leverageOf(user, coin);
    const value = mul(abs(p.szi), mark);
    const upnl = mul(mark - p.entryPx, p.szi);
    const margin = value / BigInt(lev.value);
    ntl += value;
    marginUsed += margin;
    upnlTotal += upnl;
    return {
      type: 'oneWay',
      position: {
        coin,
        szi: formatDecimal(p.szi, 1),
        leverage: { type: lev.isCross ? 'cross' : 'isolated', value: lev.value },
        entryPx: px(p.entryPx),
        positionValue: formatDecimal(value, 1),
        unrealizedPnl: formatDecimal(upnl, 1),
        returnOnEquity: margin > 0n ? formatDecimal((upnl * SCALE) / margin, 1) : '0.0',
        liquidationPx: null,
        marginUsed: formatDecimal(margin, 1),
        maxLeverage: s.engine.markets.get(coin)?.maxLeverage ?? 1,
        cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
      },
    };
  });
  const accountValue = (acct?.usdc ?? 0n) + upnlTotal;
  const summary = {
    accountValue: formatDecimal(accountValue, 1),
    totalNtlPos: formatDecimal(ntl, 1),
    totalRawUsd: formatDecimal(acct?.usdc ?? 0n, 1),
    totalMarginUsed: formatDecimal(marginUsed, 1),
  };
  const withdrawable = accountValue - marginUsed;
  return {
    marginSummary: summary,
    crossMarginSummary: summary,
    crossMaintenanceMarginUsed: formatDecimal(marginUsed / 2n, 1),
    withdrawable: formatDecimal(withdrawable > 0n ? withdrawable : 0n, 1),
    assetPositions,
    time: now,
  };
}

export interface InfoAnswer {
  readonly data: unknown;
  /** items returned, for the per-item weight extras */
  readonly items: number;
}

/** Answers one parsed /info request (the same answer serves HTTP and WS post). */
export function answerInfo(s: VenueState, req: InfoRequest, now: number): InfoAnswer {
  const one = (data: unknown): InfoAnswer => ({ data, items: 0 });
  const many = (data: unknown[]): InfoAnswer => ({ data, items: data.length });
  const e = s.engine;
  switch (req.type) {
    case 'meta':
      return one(meta(s));
    case 'spotMeta':
      return one(spotMeta(s));
    case 'metaAndAssetCtxs':
      return one([meta(s), s.universe.perps.map((p) => perpCtx(s, p.name))]);
    case 'spotMetaAndAssetCtxs':
      return one([spotMeta(s), s.universe.spotPairs.map((p) => spotCtx(s, p.name))]);
    case 'allMids':
      return one(allMids(s));
    case 'l2Book':
      return one(
        l2Book(s, req.coin, 20, now, { nSigFigs: req.nSigFigs ?? null, mantissa: req.mantissa ?? null }),
      );
    case 'candleSnapshot': {
      const { coin, interval, startTime, endTime } = req.req;
      return many(e.candles.range(coin, interval, startTime, endTime ?? now));
    }
    case 'recentTrades':
      return many(e.recentTrades(req.coin).slice(-10).reverse());
    case 'orderStatus': {
      const o = e.findOrder(req.user, typeof req.oid === 'string' ? req.oid.toLowerCase() : req.oid);
      if (!o) return one({ status: 'unknownOid' });
      return one({
        status: 'order',
        order: { order: frontendOrder(o), status: o.status, statusTimestamp: o.statusTimestamp },
      });
    }
    case 'openOrders':
      return many(e.openOrders(req.user).reverse().map(basicOrderWire));
    case 'frontendOpenOrders':
      return many(e.openOrders(req.user).reverse().map(frontendOrder));
    case 'userFills':
      // venue: newest first, at most 2000
      return many(e.userFills(req.user).reverse().slice(0, 2000));
    case 'userFillsByTime': {
      const end = req.endTime ?? now;
      const fills = e.userFills(req.user).filter((f) => f.time >= req.startTime && f.time <= end);
      return many(fills.reverse().slice(0, 2000));
    }
    case 'clearinghouseState':
      return one(clearinghouseState(s, req.user, now));
    case 'spotClearinghouseState': {
      const spot = e.account(req.user)?.spot ?? new Map<string, bigint>();
      const balances = [...spot].map(([coin, total]) => ({
        coin,
        token: s.universe.spotTokens.find((t) => t.name === coin)?.index ?? 0,
        hold: '0.0',
        total: formatDecimal(total, 1),
        entryNtl: '0.0',
      }));
      return one({ balances });
    }
    case 'userRateLimit':
      return one(s.budget.state(req.user, e.account(req.user)?.cumVlm ?? 0n));
    case 'exchangeStatus':
      return one({ time: now, specialStatuses: null });
    default: {
      const never: never = req;
      return never;
    }
  }
}
