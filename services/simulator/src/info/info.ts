import { z } from 'zod';
import { CANDLE_INTERVALS } from '../market/candles.js';
import { abs, formatDecimal, mul, parseDecimal, SCALE } from '../market/decimal.js';
import { builderCoin, type PerpSpec } from '../market/universe.js';
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
  z.object({ type: z.literal('perpDexs') }),
  z.object({ type: z.literal('historicalOrders'), user: User }),
  z.object({
    type: z.literal('userFunding'),
    user: User,
    startTime: z.number().int().nullish(),
    endTime: z.number().int().nullish(),
  }),
  z.object({ type: z.literal('twapHistory'), user: User }),
  z.object({ type: z.literal('userTwapSliceFills'), user: User }),
  z.object({ type: z.literal('subAccounts'), user: User }),
  z.object({ type: z.literal('userVaultEquities'), user: User }),
  z.object({
    type: z.literal('userNonFundingLedgerUpdates'),
    user: User,
    startTime: z.number().int().nullish(),
    endTime: z.number().int().nullish(),
  }),
]);
export type InfoRequest = z.infer<typeof InfoRequest>;

const px = (v: bigint) => formatDecimal(v, 1);

/** The simulator's constant hourly funding rate (scaled), shown in every perp ctx and charged hourly. */
export const FUNDING_RATE = 1_250n; // 0.0000125
// venue: funding rows carry no transaction, their hash is all zeros [UNCONFIRMED, from recorded answers]
const ZERO_HASH = `0x${'0'.repeat(64)}`;

/** The perps of one dex ("" = the first perp dex), with their venue coin names; undefined if unknown. */
export function dexPerps(s: VenueState, dex: string): PerpSpec[] | undefined {
  if (dex === '') return s.universe.perps;
  const d = s.universe.dexes?.find((x) => x.name === dex);
  return d?.perps.map((p) => ({ ...p, name: builderCoin(d.name, p.name) }));
}

/** venue: `meta` of one dex; builder dex metas name coins "{dex}:{coin}" and carry collateralToken */
export function meta(s: VenueState, dex = '') {
  const perps = dexPerps(s, dex);
  if (!perps) return null;
  return {
    universe: perps.map((p) => ({
      szDecimals: p.szDecimals,
      name: p.name,
      maxLeverage: p.maxLeverage,
      marginTableId: p.maxLeverage,
    })),
    marginTables: [...new Set(perps.map((p) => p.maxLeverage))].map((lev) => [
      lev,
      { description: '', marginTiers: [{ lowerBound: '0.0', maxLeverage: lev }] },
    ]),
    // venue: the token index the dex settles in (USDC = 0)
    ...(dex === '' ? {} : { collateralToken: 0 }),
  };
}

/** venue: perpDexs; index 0 (null) is the first perp dex, then builder dexes in deploy order */
export function perpDexs(s: VenueState) {
  return [
    null,
    ...(s.universe.dexes ?? []).map((d) => ({
      name: d.name,
      fullName: d.fullName,
      deployer: d.deployer,
      oracleUpdater: null,
      feeRecipient: null,
      assetToStreamingOiCap: [],
      subDeployers: [],
      deployerFeeScale: '1.0',
      lastDeployerFeeScaleChangeTime: '1970-01-01T00:00:00',
      assetToFundingMultiplier: [],
      assetToFundingInterestRate: [],
    })),
  ];
}

/** Whether a coin belongs to a dex's books: "" holds the first perp dex and spot (venue rule). */
function onDex(s: VenueState, coin: string, dex: string): boolean {
  return (s.engine.markets.get(coin)?.dex ?? '') === dex;
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
    funding: formatDecimal(FUNDING_RATE),
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

/** venue: without `dex` the first perp dex's mids, with spot; a builder dex's mids only its own */
export function allMids(s: VenueState, dex = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const coin of s.engine.markets.keys()) {
    if (!onDex(s, coin, dex)) continue;
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

export function frontendOrder(o: Order) {
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

/**
 * venue: clearinghouseState of one dex. The simulator keeps one USDC balance: it shows on the first
 * dex, and a builder dex shows only its positions (per-dex collateral is not modelled).
 */
export function clearinghouseState(s: VenueState, user: string, now: number, dex = '') {
  const acct = s.engine.account(user);
  let ntl = 0n;
  let marginUsed = 0n;
  let upnlTotal = 0n;
  const positions = [...(acct?.positions ?? new Map<string, { szi: bigint; entryPx: bigint }>())].filter(
    ([coin, p]) => p.szi !== 0n && onDex(s, coin, dex),
  );
  const raw = dex === '' ? (acct?.usdc ?? 0n) : 0n;
  const assetPositions = positions.map(([coin, p]) => {
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
  const accountValue = raw + upnlTotal;
  const summary = {
    accountValue: formatDecimal(accountValue, 1),
    totalNtlPos: formatDecimal(ntl, 1),
    totalRawUsd: formatDecimal(raw, 1),
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

/** Open orders on one dex, newest first ("" = the first perp dex and spot). */
export function ordersOn(s: VenueState, user: string, dex: string): Order[] {
  return s.engine
    .openOrders(user)
    .filter((o) => onDex(s, o.coin, dex))
    .reverse();
}

/**
 * venue: spotClearinghouseState (also the `spotState` WS push). Standard mode: only spot balances,
 * perp USDC is never listed here; `hold` is what open spot orders lock.
 */
export function spotState(s: VenueState, user: string) {
  const spot = s.engine.account(user)?.spot ?? new Map<string, bigint>();
  const holds = s.engine.spotHolds(user);
  const balances = [...spot].map(([coin, total]) => ({
    coin,
    token: s.universe.spotTokens.find((t) => t.name === coin)?.index ?? 0,
    hold: formatDecimal(holds.get(coin) ?? 0n, 1),
    total: formatDecimal(total, 1),
    entryNtl: '0.0',
  }));
  return { balances };
}

/** venue: userFunding rows, oldest first */
export function userFunding(s: VenueState, user: string, start: number, end: number) {
  return (s.fundings.get(user) ?? [])
    .filter((f) => f.time >= start && f.time <= end)
    .map(({ time, ...delta }) => ({ time, hash: ZERO_HASH, delta: { type: 'funding', ...delta } }));
}

/** venue: webData3 ([NK] WebData3Event): the user's state plus one entry per perp dex */
export function webData3(s: VenueState, user: string, now: number) {
  const agent = [...s.agents].find(([, master]) => master === user)?.[0] ?? null;
  let cumLedger = 0n;
  for (const u of s.ledgerUpdates.get(user) ?? []) {
    const d = u.delta as Record<string, unknown>;
    const v = typeof d.usdc === 'string' ? (parseDecimal(d.usdc) ?? 0n) : 0n;
    if (d.type === 'deposit') cumLedger += v;
    else if (d.type === 'withdraw') cumLedger -= v;
    else if (d.type === 'internalTransfer' || d.type === 'subAccountTransfer')
      cumLedger += d.destination === user ? v : -v;
  }
  const dexCount = 1 + (s.universe.dexes?.length ?? 0);
  return {
    userState: {
      agentAddress: agent,
      agentValidUntil: null,
      cumLedger: formatDecimal(cumLedger, 1),
      serverTime: now,
      isVault: s.vaults.has(user),
      user,
      // standard account mode (doc §2.4): unified account and portfolio margin are not modelled
      abstraction: 'disabled',
    },
    perpDexStates: Array.from({ length: dexCount }, () => ({ totalVaultEquity: vaultEquity(s, user) })),
  };
}

function vaultEquity(s: VenueState, user: string): string {
  let total = 0n;
  for (const v of s.vaults.values()) total += v.equities.get(user) ?? 0n;
  return formatDecimal(total, 1);
}

/** venue: activeAssetData for a perp; trade sizes from what the account could still commit */
export function activeAssetData(s: VenueState, user: string, coin: string, now: number) {
  const m = s.engine.markets.get(coin);
  const lev = s.engine.leverageOf(user, coin);
  const mark = s.engine.markPx(coin);
  const free = parseDecimal(clearinghouseState(s, user, now, m?.dex ?? '').withdrawable) ?? 0n;
  const lot = SCALE / 10n ** BigInt(m?.szDecimals ?? 0);
  const maxSz = mark > 0n ? ((free * BigInt(lev.value) * SCALE) / mark / lot) * lot : 0n;
  const avail = formatDecimal(free * BigInt(lev.value), 1);
  return {
    user,
    coin,
    leverage: { type: lev.isCross ? 'cross' : 'isolated', value: lev.value },
    maxTradeSzs: [formatDecimal(maxSz, 1), formatDecimal(maxSz, 1)],
    availableToTrade: [avail, avail],
    markPx: px(mark),
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
      return one(meta(s, req.dex ?? ''));
    case 'spotMeta':
      return one(spotMeta(s));
    case 'metaAndAssetCtxs': {
      const perps = dexPerps(s, req.dex ?? '');
      return one(perps ? [meta(s, req.dex ?? ''), perps.map((p) => perpCtx(s, p.name))] : null);
    }
    case 'spotMetaAndAssetCtxs':
      return one([spotMeta(s), s.universe.spotPairs.map((p) => spotCtx(s, p.name))]);
    case 'allMids':
      return one(allMids(s, req.dex ?? ''));
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
      return many(ordersOn(s, req.user, req.dex ?? '').map(basicOrderWire));
    case 'frontendOpenOrders':
      return many(ordersOn(s, req.user, req.dex ?? '').map(frontendOrder));
    case 'historicalOrders':
      // venue: the 2000 most recent orders, newest first, each with its latest status
      return many(
        e
          .orderHistory(req.user)
          .slice(0, 2000)
          .map((o) => ({ order: frontendOrder(o), status: o.status, statusTimestamp: o.statusTimestamp })),
      );
    case 'perpDexs':
      return one(perpDexs(s));
    case 'userFunding':
      // venue: at most 500 rows per answer
      return many(userFunding(s, req.user, req.startTime ?? 0, req.endTime ?? now).slice(0, 500));
    case 'twapHistory':
      return many(s.twaps.historyOf(req.user));
    case 'userTwapSliceFills':
      // venue: the 2000 most recent, newest first
      return many(
        e
          .userFills(req.user)
          .filter((f) => f.twapId !== undefined)
          .reverse()
          .slice(0, 2000)
          .map((fill) => ({ fill, twapId: fill.twapId })),
      );
    case 'subAccounts': {
      // venue: null when the user has no sub-accounts
      const subs = [...s.subAccounts].filter(([, x]) => x.master === req.user);
      if (subs.length === 0) return one(null);
      return one(
        subs.map(([address, x]) => ({
          name: x.name,
          subAccountUser: address,
          master: x.master,
          clearinghouseState: clearinghouseState(s, address, now),
          spotState: spotState(s, address),
        })),
      );
    }
    case 'userVaultEquities':
      return many(
        [...s.vaults]
          .filter(([, v]) => (v.equities.get(req.user) ?? 0n) > 0n)
          .map(([vaultAddress, v]) => ({
            vaultAddress,
            equity: formatDecimal(v.equities.get(req.user) ?? 0n, 1),
            // no lock-up is modelled
            lockedUntilTimestamp: now,
          })),
      );
    case 'userNonFundingLedgerUpdates': {
      const start = req.startTime ?? 0;
      const end = req.endTime ?? now;
      const updates = (s.ledgerUpdates.get(req.user) ?? []).filter((u) => u.time >= start && u.time <= end);
      return many(updates.slice(0, 500));
    }
    case 'userFills':
      // venue: newest first, at most 2000
      return many(e.userFills(req.user).reverse().slice(0, 2000));
    case 'userFillsByTime': {
      const end = req.endTime ?? now;
      const fills = e.userFills(req.user).filter((f) => f.time >= req.startTime && f.time <= end);
      return many(fills.reverse().slice(0, 2000));
    }
    case 'clearinghouseState':
      return one(clearinghouseState(s, req.user, now, req.dex ?? ''));
    case 'spotClearinghouseState':
      return one(spotState(s, req.user));
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
