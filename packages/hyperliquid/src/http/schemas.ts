/**
 * Zod schemas of the `/info` request bodies' answers (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint). Shapes shared with the
 * WebSocket (trades, books, fills, candles, orders) come from ws/messages.ts.
 */
import { Decimal, PositiveDecimal } from '@hyperflow/contracts';
import { z } from 'zod';
import {
  WireDecimal,
  WireOrder,
  WirePerpAssetCtx,
  WsBook,
  WsCandle,
  WsFill,
  WsTrade,
} from '../ws/messages.js';

const NonNegInt = z.number().int().nonnegative();

export const PerpUniverseEntry = z.object({
  name: z.string().min(1),
  szDecimals: NonNegInt,
  maxLeverage: NonNegInt,
  marginTableId: NonNegInt.optional(),
  onlyIsolated: z.boolean().optional(),
  /** venue: delisted coins stay in the list so indices (asset ids) are stable */
  isDelisted: z.boolean().optional(),
  marginMode: z.string().optional(),
  growthMode: z.string().optional(),
});
export type PerpUniverseEntry = z.infer<typeof PerpUniverseEntry>;

export const Meta = z.object({
  /** index = perp asset id */
  universe: z.array(PerpUniverseEntry),
  marginTables: z.array(z.tuple([NonNegInt, z.unknown()])).optional(),
  collateralToken: NonNegInt.optional(),
});
export type Meta = z.infer<typeof Meta>;

export const SpotToken = z.object({
  name: z.string().min(1),
  szDecimals: NonNegInt,
  weiDecimals: NonNegInt,
  index: NonNegInt,
  tokenId: z.string(),
  isCanonical: z.boolean(),
  evmContract: z.unknown().optional(),
  fullName: z.string().nullable().optional(),
});
export type SpotToken = z.infer<typeof SpotToken>;

export const SpotPair = z.object({
  name: z.string().min(1),
  /** [base token index, quote token index] */
  tokens: z.tuple([NonNegInt, NonNegInt]),
  /** spot asset id = 10000 + index */
  index: NonNegInt,
  isCanonical: z.boolean(),
});
export type SpotPair = z.infer<typeof SpotPair>;

export const SpotMeta = z.object({ tokens: z.array(SpotToken), universe: z.array(SpotPair) });
export type SpotMeta = z.infer<typeof SpotMeta>;

/** `[meta, ctxs]`, ctxs aligned with meta.universe by index. */
export const MetaAndAssetCtxs = z.tuple([Meta, z.array(WirePerpAssetCtx)]);
export type MetaAndAssetCtxs = z.infer<typeof MetaAndAssetCtxs>;

/** coin → mid price; venue: the last trade price when a book is empty */
export const AllMids = z.record(z.string(), WireDecimal);
export type AllMids = z.infer<typeof AllMids>;

/** venue: null for an unknown coin (the @nktkas/hyperliquid SDK's schema) */
export const L2Book = WsBook.nullable();
export type L2Book = z.infer<typeof L2Book>;

export const CandleSnapshot = z.array(WsCandle);
export type CandleSnapshot = z.infer<typeof CandleSnapshot>;

export const RecentTrades = z.array(WsTrade);
export type RecentTrades = z.infer<typeof RecentTrades>;

/** An order as `frontendOpenOrders` / `orderStatus` / `historicalOrders` describe it. */
export const FrontendOrder = WireOrder.extend({
  isTrigger: z.boolean().optional(),
  isPositionTpsl: z.boolean().optional(),
  orderType: z.string().optional(),
  triggerCondition: z.string().optional(),
  triggerPx: PositiveDecimal.optional(),
  tif: z.string().nullable().optional(),
  get children() {
    return z.array(FrontendOrder).optional();
  },
});
export type FrontendOrder = z.infer<typeof FrontendOrder>;

export const OrderStatusResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('order'),
    order: z.object({
      order: FrontendOrder,
      /** order status string (see KNOWN_ORDER_STATUSES; venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) */
      status: z.string().min(1),
      statusTimestamp: NonNegInt,
    }),
  }),
  z.object({ status: z.literal('unknownOid') }),
]);
export type OrderStatusResponse = z.infer<typeof OrderStatusResponse>;

export const OpenOrders = z.array(WireOrder);
export type OpenOrders = z.infer<typeof OpenOrders>;

export const HistoricalOrders = z.array(
  z.object({ order: FrontendOrder, status: z.string().min(1), statusTimestamp: NonNegInt }),
);
export type HistoricalOrders = z.infer<typeof HistoricalOrders>;

export const UserFills = z.array(WsFill);
export type UserFills = z.infer<typeof UserFills>;

const Leverage = z.object({
  type: z.enum(['cross', 'isolated']),
  value: z.number().nonnegative(),
  rawUsd: Decimal.optional(),
});

export const AssetPosition = z.object({
  type: z.string(),
  position: z.object({
    coin: z.string().min(1),
    /** signed size */
    szi: Decimal,
    entryPx: PositiveDecimal.nullable(),
    leverage: Leverage,
    liquidationPx: PositiveDecimal.nullable(),
    marginUsed: Decimal,
    maxLeverage: NonNegInt.optional(),
    positionValue: Decimal,
    returnOnEquity: Decimal,
    unrealizedPnl: Decimal,
    cumFunding: z.object({ allTime: Decimal, sinceChange: Decimal, sinceOpen: Decimal }).optional(),
    maxTradeSzs: z.tuple([Decimal, Decimal]).optional(),
  }),
});
export type AssetPosition = z.infer<typeof AssetPosition>;

const MarginSummary = z.object({
  accountValue: Decimal,
  totalMarginUsed: Decimal,
  totalNtlPos: Decimal,
  totalRawUsd: Decimal,
});

export const ClearinghouseState = z.object({
  assetPositions: z.array(AssetPosition),
  marginSummary: MarginSummary,
  crossMarginSummary: MarginSummary,
  /** absent in older recordings */
  crossMaintenanceMarginUsed: Decimal.optional(),
  withdrawable: Decimal,
  time: NonNegInt.optional(),
});
export type ClearinghouseState = z.infer<typeof ClearinghouseState>;

/** venue: counters exceed 2^32 (still safe JS integers) */
export const UserRateLimit = z.object({
  cumVlm: Decimal,
  nRequestsUsed: NonNegInt,
  nRequestsCap: NonNegInt,
  /** absent in older recordings */
  nRequestsSurplus: NonNegInt.optional(),
});
export type UserRateLimit = z.infer<typeof UserRateLimit>;

/** `perpDexs`: index 0 is null (the first perp dex), then builder dexes by perp_dex_index. */
export const PerpDexs = z.array(
  z
    .object({ name: z.string().min(1), fullName: z.string().optional(), deployer: z.string().optional() })
    .nullable(),
);
export type PerpDexs = z.infer<typeof PerpDexs>;
