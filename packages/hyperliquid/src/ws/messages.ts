/**
 * Zod schemas of the venue's WebSocket frames and requests (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket), and the wire shapes
 * they share with `/info` (trades, books, fills, candles, orders). Objects strip unknown keys, so
 * fields the venue adds later pass; a missing or mistyped required field fails.
 */
import { CandleInterval, Decimal, PositiveDecimal } from '@hyperflow/contracts';
import { z } from 'zod';
import { HyperliquidError } from '../errors.js';

// ---------------------------------------------------------------------------------------------
// Shared wire shapes

/** venue: ms times, ids and counts travel as JSON numbers; some exceed 2^32 (oids, tids) */
const Int = z.number().int();
const NonNegInt = z.number().int().nonnegative();
/** A number the docs say is a string, or vice versa: accept both and normalize in parse. */
export const WireDecimal = z.union([Decimal, z.number().finite()]);
export type WireDecimal = z.infer<typeof WireDecimal>;
/** venue: "B" = bid/buy, "A" = ask/sell; in trades it is the aggressor (doc notation) */
export const WireSide = z.enum(['B', 'A']);
export type WireSide = z.infer<typeof WireSide>;
/** A 0x address as the venue sends it (any case). */
export const WireAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x address');
export const WireCoin = z.string().min(1);

export const WsLevel = z.object({ px: PositiveDecimal, sz: PositiveDecimal, n: NonNegInt });
export type WsLevel = z.infer<typeof WsLevel>;

/** l2Book data and the `/info` l2Book body: a full snapshot, bids then asks, best first. */
export const WsBook = z.object({
  coin: WireCoin,
  time: NonNegInt,
  levels: z.tuple([z.array(WsLevel), z.array(WsLevel)]),
  spread: z.string().optional(),
});
export type WsBook = z.infer<typeof WsBook>;

export const WsTrade = z.object({
  coin: WireCoin,
  side: WireSide,
  px: PositiveDecimal,
  sz: PositiveDecimal,
  hash: z.string(),
  time: NonNegInt,
  /** 50-bit hash of (buyer oid, seller oid); unique per (time, coin, tid) */
  tid: NonNegInt,
  users: z.tuple([z.string(), z.string()]).optional(),
});
export type WsTrade = z.infer<typeof WsTrade>;

/** venue: bbo sides are null when that side is empty; recorded frames also carry a 1-element array */
export const WsBbo = z.object({
  coin: WireCoin,
  time: NonNegInt,
  bbo: z.array(WsLevel.nullable()).max(2),
});
export type WsBbo = z.infer<typeof WsBbo>;

/**
 * One candle. venue: the docs type o/c/h/l/v as numbers, both SDKs and `/info` send strings
 * (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions, where the shape is unconfirmed): accept both.
 */
export const WsCandle = z.object({
  /** open time, ms */
  t: NonNegInt,
  /** close time, ms */
  T: NonNegInt,
  s: WireCoin,
  i: CandleInterval,
  o: WireDecimal,
  c: WireDecimal,
  h: WireDecimal,
  l: WireDecimal,
  /** base volume */
  v: WireDecimal,
  /** trade count */
  n: NonNegInt,
});
export type WsCandle = z.infer<typeof WsCandle>;

/** venue: WS candle data is a single object (SDKs) or `Candle[]` (docs) */
export const WsCandleData = z.union([WsCandle, z.array(WsCandle)]);
export type WsCandleData = z.infer<typeof WsCandleData>;

export const WsAllMids = z.object({ mids: z.record(z.string(), WireDecimal), dex: z.string().optional() });
export type WsAllMids = z.infer<typeof WsAllMids>;

/** Perp asset context. venue: docs say numbers, SDKs strings; accept both */
export const WirePerpAssetCtx = z.object({
  funding: WireDecimal,
  openInterest: WireDecimal,
  prevDayPx: WireDecimal,
  dayNtlVlm: WireDecimal,
  premium: WireDecimal.nullable(),
  oraclePx: WireDecimal,
  markPx: WireDecimal,
  midPx: WireDecimal.nullable().optional(),
  impactPxs: z.array(WireDecimal).nullable().optional(),
  dayBaseVlm: WireDecimal.optional(),
});
export type WirePerpAssetCtx = z.infer<typeof WirePerpAssetCtx>;

export const WireSpotAssetCtx = z.object({
  prevDayPx: WireDecimal,
  dayNtlVlm: WireDecimal,
  markPx: WireDecimal,
  midPx: WireDecimal.nullable().optional(),
  circulatingSupply: WireDecimal.optional(),
  totalSupply: WireDecimal.optional(),
  dayBaseVlm: WireDecimal.optional(),
  coin: z.string().optional(),
});
export type WireSpotAssetCtx = z.infer<typeof WireSpotAssetCtx>;

export const WsActiveAssetCtx = z.object({ coin: WireCoin, ctx: WirePerpAssetCtx });
export type WsActiveAssetCtx = z.infer<typeof WsActiveAssetCtx>;
export const WsActiveSpotAssetCtx = z.object({ coin: WireCoin, ctx: WireSpotAssetCtx });
export type WsActiveSpotAssetCtx = z.infer<typeof WsActiveSpotAssetCtx>;

/** A fill of one user (WS userFills/userEvents and `/info` userFills*). */
export const WsFill = z.object({
  coin: WireCoin,
  px: PositiveDecimal,
  sz: PositiveDecimal,
  /** the user's side: B = bought */
  side: WireSide,
  time: NonNegInt,
  startPosition: Decimal,
  dir: z.string(),
  closedPnl: Decimal,
  hash: z.string(),
  oid: NonNegInt,
  /** true = taker */
  crossed: z.boolean(),
  /** negative = rebate; includes builderFee */
  fee: Decimal,
  /** absent in fills recorded before 2024: such fills cannot become a FillRecorded */
  tid: NonNegInt.optional(),
  feeToken: z.string().optional(),
  builderFee: Decimal.optional(),
  cloid: z.string().nullable().optional(),
  liquidation: z
    .object({
      liquidatedUser: z.string().nullable().optional(),
      markPx: WireDecimal,
      method: z.enum(['market', 'backstop']),
    })
    .nullable()
    .optional(),
  twapId: Int.nullable().optional(),
});
export type WsFill = z.infer<typeof WsFill>;

/** An open order as `openOrders` and `orderUpdates` describe it. */
export const WireOrder = z.object({
  coin: WireCoin,
  side: WireSide,
  limitPx: PositiveDecimal,
  /** remaining size */
  sz: PositiveDecimal,
  oid: NonNegInt,
  /** placement time, ms */
  timestamp: NonNegInt,
  /** absent in older recordings */
  origSz: PositiveDecimal.optional(),
  cloid: z.string().nullable().optional(),
  reduceOnly: z.boolean().optional(),
});
export type WireOrder = z.infer<typeof WireOrder>;

/** venue: order status strings of the venue docs (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) plus the @nktkas/hyperliquid SDK's additions; the wire keeps any string. */
export const KNOWN_ORDER_STATUSES = [
  'open',
  'filled',
  'canceled',
  'triggered',
  'rejected',
  'marginCanceled',
  'vaultWithdrawalCanceled',
  'openInterestCapCanceled',
  'selfTradeCanceled',
  'reduceOnlyCanceled',
  'siblingFilledCanceled',
  'delistedCanceled',
  'liquidatedCanceled',
  'scheduledCancel',
  'tickRejected',
  'minTradeNtlRejected',
  'perpMarginRejected',
  'reduceOnlyRejected',
  'badAloPxRejected',
  'iocCancelRejected',
  'badTriggerPxRejected',
  'marketOrderNoLiquidityRejected',
  'positionIncreaseAtOpenInterestCapRejected',
  'positionFlipAtOpenInterestCapRejected',
  'tooAggressiveAtOpenInterestCapRejected',
  'openInterestIncreaseRejected',
  'insufficientSpotBalanceRejected',
  'oracleRejected',
  'perpMaxPositionRejected',
  'outcomeSettledCanceled',
  'internalCancel',
  'tooManyOpenOrdersRejected',
] as const;
export type KnownOrderStatus = (typeof KNOWN_ORDER_STATUSES)[number];
const KNOWN_STATUS_SET: ReadonlySet<string> = new Set(KNOWN_ORDER_STATUSES);
export function isKnownOrderStatus(status: string): status is KnownOrderStatus {
  return KNOWN_STATUS_SET.has(status);
}

// a new status must not take the order stream down: it stays a string, checked by consumers
export const WsOrderUpdate = z.object({
  order: WireOrder,
  status: z.string().min(1),
  statusTimestamp: NonNegInt,
});
export type WsOrderUpdate = z.infer<typeof WsOrderUpdate>;

export const WsUserFunding = z.object({
  time: NonNegInt,
  coin: WireCoin,
  usdc: Decimal,
  szi: Decimal,
  fundingRate: Decimal,
  nSamples: Int.nullable().optional(),
});
export type WsUserFunding = z.infer<typeof WsUserFunding>;

export const WsLiquidation = z.object({
  lid: NonNegInt,
  liquidator: z.string(),
  liquidated_user: z.string(),
  liquidated_ntl_pos: WireDecimal,
  liquidated_account_value: WireDecimal,
});
export type WsLiquidation = z.infer<typeof WsLiquidation>;

export const WsNonUserCancel = z.object({ coin: WireCoin, oid: NonNegInt });
export type WsNonUserCancel = z.infer<typeof WsNonUserCancel>;

const USER_EVENT_KEYS = ['fills', 'funding', 'liquidation', 'nonUserCancel'] as const;

/**
 * userEvents data (channel `user`): exactly one of fills / funding / liquidation / nonUserCancel,
 * or another kind (twapHistory, twapSliceFills, …) passed through untyped. A known key with a
 * corrupt value fails rather than falling through to "other".
 */
export const WsUserEvent = z.union([
  z.object({ fills: z.array(WsFill) }),
  z.object({ funding: WsUserFunding }),
  z.object({ liquidation: WsLiquidation }),
  z.object({ nonUserCancel: z.array(WsNonUserCancel) }),
  z
    .record(z.string(), z.unknown())
    .refine((o) => USER_EVENT_KEYS.every((k) => !(k in o)), { message: 'malformed known user event' }),
]);
export type WsUserEvent = z.infer<typeof WsUserEvent>;

export const WsUserFills = z.object({
  user: WireAddress,
  fills: z.array(WsFill),
  /** venue: true on the first message after subscribing; absent (or false) on deltas */
  isSnapshot: z.boolean().optional(),
});
export type WsUserFills = z.infer<typeof WsUserFills>;

export const WsUserFundings = z.object({
  user: WireAddress,
  fundings: z.array(WsUserFunding),
  isSnapshot: z.boolean().optional(),
});
export type WsUserFundings = z.infer<typeof WsUserFundings>;

/** The `/exchange` response body, also the payload of a WS action post response (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint). */
export const ExchangeResponse = z.union([
  z.object({
    status: z.literal('ok'),
    response: z.object({ type: z.string(), data: z.unknown().optional() }),
  }),
  z.object({ status: z.literal('err'), response: z.string() }),
]);
export type ExchangeResponse = z.infer<typeof ExchangeResponse>;

export const PostResponse = z.discriminatedUnion('type', [
  /** payload.data is the `/info` body for payload.type; validate it with the http schema of that type */
  z.object({ type: z.literal('info'), payload: z.object({ type: z.string(), data: z.unknown() }) }),
  z.object({ type: z.literal('action'), payload: ExchangeResponse }),
  /** a string mirroring the HTTP status and description */
  z.object({ type: z.literal('error'), payload: z.string() }),
]);
export type PostResponse = z.infer<typeof PostResponse>;

export const WsPost = z.object({ id: NonNegInt, response: PostResponse });
export type WsPost = z.infer<typeof WsPost>;

// ---------------------------------------------------------------------------------------------
// Requests (client → server)

const User = WireAddress;
export const TradesSubscription = z.object({ type: z.literal('trades'), coin: WireCoin });
export const L2BookSubscription = z.object({
  type: z.literal('l2Book'),
  coin: WireCoin,
  nSigFigs: z
    .union([z.literal(2), z.literal(3), z.literal(4), z.literal(5)])
    .nullable()
    .optional(),
  // venue: mantissa only with nSigFigs 5
  mantissa: z
    .union([z.literal(1), z.literal(2), z.literal(5)])
    .nullable()
    .optional(),
  /** 5 levels per side instead of 20 */
  fast: z.boolean().optional(),
});
export const BboSubscription = z.object({ type: z.literal('bbo'), coin: WireCoin });
export const CandleSubscription = z.object({
  type: z.literal('candle'),
  coin: WireCoin,
  interval: CandleInterval,
});
export const AllMidsSubscription = z.object({ type: z.literal('allMids'), dex: z.string().optional() });
/** venue: answered on channel `activeSpotAssetCtx` when the coin is spot */
export const ActiveAssetCtxSubscription = z.object({ type: z.literal('activeAssetCtx'), coin: WireCoin });
export const OrderUpdatesSubscription = z.object({ type: z.literal('orderUpdates'), user: User });
/** venue: answered on channel `user` */
export const UserEventsSubscription = z.object({ type: z.literal('userEvents'), user: User });
export const UserFillsSubscription = z.object({
  type: z.literal('userFills'),
  user: User,
  aggregateByTime: z.boolean().optional(),
});
export const UserFundingsSubscription = z.object({ type: z.literal('userFundings'), user: User });

/** Every subscription the services use. */
export const Subscription = z.discriminatedUnion('type', [
  TradesSubscription,
  L2BookSubscription,
  BboSubscription,
  CandleSubscription,
  AllMidsSubscription,
  ActiveAssetCtxSubscription,
  OrderUpdatesSubscription,
  UserEventsSubscription,
  UserFillsSubscription,
  UserFundingsSubscription,
]);
export type Subscription = z.infer<typeof Subscription>;

export const SubscribeRequest = z.object({ method: z.literal('subscribe'), subscription: Subscription });
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;
// venue: an unsubscribe must carry the same subscription object as the subscribe
export const UnsubscribeRequest = z.object({ method: z.literal('unsubscribe'), subscription: Subscription });
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequest>;
export const PingRequest = z.object({ method: z.literal('ping') });
export type PingRequest = z.infer<typeof PingRequest>;
export const PostRequest = z.object({
  method: z.literal('post'),
  id: NonNegInt,
  request: z.discriminatedUnion('type', [
    z.object({ type: z.literal('info'), payload: z.looseObject({ type: z.string() }) }),
    z.object({
      type: z.literal('action'),
      payload: z.looseObject({ action: z.unknown(), nonce: NonNegInt }),
    }),
  ]),
});
export type PostRequest = z.infer<typeof PostRequest>;

export const WsRequest = z.discriminatedUnion('method', [
  SubscribeRequest,
  UnsubscribeRequest,
  PingRequest,
  PostRequest,
]);
export type WsRequest = z.infer<typeof WsRequest>;

/** The channel a subscription's data arrives on. venue: userEvents → `user`, spot ctx → `activeSpotAssetCtx`. */
export function subscriptionChannel(sub: Subscription): DataChannel {
  switch (sub.type) {
    case 'userEvents':
      return 'user';
    case 'activeAssetCtx':
      // venue: spot coins are "@N" or "PURR/USDC" (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api)
      return sub.coin.startsWith('@') || sub.coin.includes('/') ? 'activeSpotAssetCtx' : 'activeAssetCtx';
    case 'trades':
    case 'l2Book':
    case 'bbo':
    case 'candle':
    case 'allMids':
    case 'orderUpdates':
    case 'userFills':
    case 'userFundings':
      return sub.type;
    default: {
      const never: never = sub;
      throw new HyperliquidError(`unreachable subscription ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Whether a server echo acknowledges `request`. venue: the echo is normalized and may add defaults
 * (`nSigFigs: null`, `aggregateByTime: false`), so match request ⊆ echo, not equality (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions).
 * Addresses compare case-insensitively; a request key set to undefined is ignored.
 */
export function isSubscriptionEcho(request: Readonly<Record<string, unknown>>, echo: unknown): boolean {
  if (typeof echo !== 'object' || echo === null) return false;
  const e = echo as Record<string, unknown>;
  return Object.entries(request).every(([k, v]) => {
    if (v === undefined) return true;
    const got = e[k];
    if (typeof v === 'string' && typeof got === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) {
      return v.toLowerCase() === got.toLowerCase();
    }
    return Object.is(v, got);
  });
}

// ---------------------------------------------------------------------------------------------
// Frames (server → client), discriminated on `channel`

const frame = <C extends string, D extends z.ZodType>(channel: C, data: D) =>
  z.object({ channel: z.literal(channel), data });

export const TradesFrame = frame('trades', z.array(WsTrade));
export const L2BookFrame = frame('l2Book', WsBook);
export const BboFrame = frame('bbo', WsBbo);
export const CandleFrame = frame('candle', WsCandleData);
export const AllMidsFrame = frame('allMids', WsAllMids);
export const ActiveAssetCtxFrame = frame('activeAssetCtx', WsActiveAssetCtx);
export const ActiveSpotAssetCtxFrame = frame('activeSpotAssetCtx', WsActiveSpotAssetCtx);
export const OrderUpdatesFrame = frame('orderUpdates', z.array(WsOrderUpdate));
export const UserFillsFrame = frame('userFills', WsUserFills);
export const UserEventsFrame = frame('user', WsUserEvent);
export const UserFundingsFrame = frame('userFundings', WsUserFundings);
export const PostFrame = frame('post', WsPost);
/** venue: `{"channel":"pong"}`, no data */
export const PongFrame = z.object({ channel: z.literal('pong') });
/** venue: every error is a string: "Already subscribed: …", "Cannot subscribe to more than 1000 channels.", … */
export const ErrorFrame = frame('error', z.string());
export const SubscriptionResponseFrame = frame(
  'subscriptionResponse',
  z.object({
    method: z.enum(['subscribe', 'unsubscribe']),
    /** the server's normalized echo; match with {@link isSubscriptionEcho} */
    subscription: z.looseObject({ type: z.string() }),
  }),
);

export const WsFrame = z.discriminatedUnion('channel', [
  TradesFrame,
  L2BookFrame,
  BboFrame,
  CandleFrame,
  AllMidsFrame,
  ActiveAssetCtxFrame,
  ActiveSpotAssetCtxFrame,
  OrderUpdatesFrame,
  UserFillsFrame,
  UserEventsFrame,
  UserFundingsFrame,
  PostFrame,
  PongFrame,
  ErrorFrame,
  SubscriptionResponseFrame,
]);
export type WsFrame = z.infer<typeof WsFrame>;
export type WsChannel = WsFrame['channel'];
/** Channels that carry subscription data. */
export type DataChannel = Exclude<WsChannel, 'post' | 'pong' | 'error' | 'subscriptionResponse'>;

export const WS_CHANNELS: readonly WsChannel[] = [
  'trades',
  'l2Book',
  'bbo',
  'candle',
  'allMids',
  'activeAssetCtx',
  'activeSpotAssetCtx',
  'orderUpdates',
  'userFills',
  'user',
  'userFundings',
  'post',
  'pong',
  'error',
  'subscriptionResponse',
];

/** venue: the non-JSON text frame the server may send right after connecting (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket) */
export const GREETING_TEXT = 'Websocket connection established.';
