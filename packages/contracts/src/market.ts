import { z } from 'zod';
import { Coin, Decimal, EpochMs, EpochMsPrecise, envelope, PositiveDecimal, Side } from './common.js';
import { CandleInterval } from './subjects.js';

/** Exchange time and our receive time, on every market event (latency is measured from them). */
const stamps = {
  /** the venue's timestamp of the event, ms */
  exchTsMs: EpochMs,
  /** when the ingestor received the frame, ms with sub-ms precision */
  recvTsMs: EpochMsPrecise,
} as const;

/** One executed trade. `side` is the aggressor's. */
export const TradeEvent = z.object({
  type: z.literal('trade'),
  v: z.literal(1),
  ...envelope,
  coin: Coin,
  side: Side,
  px: PositiveDecimal,
  sz: PositiveDecimal,
  /** venue trade id (50-bit hash of the two order ids); unique per (time, coin, tid) */
  tid: z.number().int().nonnegative(),
  hash: z.string(),
  /** [buyer, seller] addresses, when the venue sends them */
  users: z.tuple([z.string(), z.string()]).optional(),
  ...stamps,
});
export type TradeEvent = z.infer<typeof TradeEvent>;

export const BookLevel = z.object({
  px: PositiveDecimal,
  sz: PositiveDecimal,
  /** number of orders at this level */
  n: z.number().int().nonnegative(),
});
export type BookLevel = z.infer<typeof BookLevel>;

/** A full order-book snapshot (the venue sends full snapshots, never deltas). */
export const BookEvent = z.object({
  type: z.literal('book'),
  v: z.literal(1),
  ...envelope,
  coin: Coin,
  /** best first */
  bids: z.array(BookLevel),
  /** best first */
  asks: z.array(BookLevel),
  /** aggregation the subscription asked for; null = full precision */
  nSigFigs: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).nullable(),
  mantissa: z.union([z.literal(1), z.literal(2), z.literal(5)]).nullable(),
  ...stamps,
});
export type BookEvent = z.infer<typeof BookEvent>;

export const BboEvent = z.object({
  type: z.literal('bbo'),
  v: z.literal(1),
  ...envelope,
  coin: Coin,
  bid: BookLevel.nullable(),
  ask: BookLevel.nullable(),
  ...stamps,
});
export type BboEvent = z.infer<typeof BboEvent>;

/**
 * A candle as the venue sends it: updated while open, final once `closeTsMs` has passed.
 * The venue sends no event time with candles: `exchTsMs` is the close time once closed, else the receive time.
 */
export const CandleEvent = z.object({
  type: z.literal('candle'),
  v: z.literal(1),
  ...envelope,
  coin: Coin,
  interval: CandleInterval,
  openTsMs: EpochMs,
  closeTsMs: EpochMs,
  o: PositiveDecimal,
  h: PositiveDecimal,
  l: PositiveDecimal,
  c: PositiveDecimal,
  /** base-asset volume */
  volume: PositiveDecimal,
  /** number of trades */
  n: z.number().int().nonnegative(),
  ...stamps,
});
export type CandleEvent = z.infer<typeof CandleEvent>;

const PerpCtx = z.object({
  market: z.literal('perp'),
  markPx: PositiveDecimal,
  midPx: PositiveDecimal.nullable(),
  oraclePx: PositiveDecimal,
  prevDayPx: PositiveDecimal,
  /** hourly funding rate */
  funding: Decimal,
  openInterest: PositiveDecimal,
  premium: Decimal.nullable(),
  /** quote notional volume over 24h */
  dayNtlVlm: PositiveDecimal,
  dayBaseVlm: PositiveDecimal.optional(),
  impactPxs: z.array(PositiveDecimal).nullable(),
});
const SpotCtx = z.object({
  market: z.literal('spot'),
  markPx: PositiveDecimal,
  midPx: PositiveDecimal.nullable(),
  prevDayPx: PositiveDecimal,
  dayNtlVlm: PositiveDecimal,
  dayBaseVlm: PositiveDecimal.optional(),
  circulatingSupply: PositiveDecimal.optional(),
  totalSupply: PositiveDecimal.optional(),
});

/** Asset context (mark, oracle, funding, open interest) of one perp or spot coin. */
export const AssetCtxEvent = z.object({
  type: z.literal('ctx'),
  v: z.literal(1),
  ...envelope,
  coin: Coin,
  ctx: z.discriminatedUnion('market', [PerpCtx, SpotCtx]),
  /** the venue sends no time with contexts: this is the receive time truncated to ms */
  exchTsMs: EpochMs,
  recvTsMs: EpochMsPrecise,
});
export type AssetCtxEvent = z.infer<typeof AssetCtxEvent>;

/** Mid prices of every coin of one perp dex (and spot, for the first dex). */
export const MidsEvent = z.object({
  type: z.literal('mids'),
  v: z.literal(1),
  ...envelope,
  dex: z.string().optional(),
  mids: z.record(Coin, PositiveDecimal),
  exchTsMs: EpochMs,
  recvTsMs: EpochMsPrecise,
});
export type MidsEvent = z.infer<typeof MidsEvent>;

export const MarketEvent = z.discriminatedUnion('type', [
  TradeEvent,
  BookEvent,
  BboEvent,
  CandleEvent,
  AssetCtxEvent,
  MidsEvent,
]);
export type MarketEvent = z.infer<typeof MarketEvent>;
