import { z } from 'zod';
import { Address, Cloid, Coin, Decimal, EpochMs, envelope, PositiveDecimal, Side } from './common.js';

/** Fields of every event in an order's stream; `orderId` is the order's cloid. */
const orderBase = {
  v: z.literal(1),
  ...envelope,
  orderId: Cloid,
  atMs: EpochMs,
} as const;

export const TimeInForce = z.enum(['Gtc', 'Ioc', 'Alo']);
export type TimeInForce = z.infer<typeof TimeInForce>;

export const OrderRequested = z.object({
  type: z.literal('orderRequested'),
  ...orderBase,
  signalId: z.string().min(1),
  strategy: z.string().min(1),
  coin: Coin,
  side: Side,
  sz: PositiveDecimal,
  style: z.enum(['market', 'limit', 'postOnly']),
  limitPx: PositiveDecimal.optional(),
  reduceOnly: z.boolean(),
  /** the signal's deadline: not submitted after this */
  expiresAtMs: EpochMs,
});
export const OrderRiskChecked = z.object({
  type: z.literal('orderRiskChecked'),
  ...orderBase,
  /** the rules that were evaluated and passed */
  checks: z.array(z.string()),
});
export const RiskRejected = z.object({
  type: z.literal('riskRejected'),
  ...orderBase,
  signalId: z.string().min(1),
  rule: z.string().min(1),
  reason: z.string().min(1),
});
export const OrderSigned = z.object({
  type: z.literal('orderSigned'),
  ...orderBase,
  asset: z.number().int().nonnegative(),
  /** price and size after tick/lot rounding, as sent */
  px: PositiveDecimal,
  sz: PositiveDecimal,
  tif: TimeInForce,
  nonce: z.number().int().positive(),
  expiresAfterMs: EpochMs.optional(),
  signer: Address,
  /** the exact signed `/exchange` body, so an ambiguous send is retried byte-identical, never re-signed */
  request: z.record(z.string(), z.unknown()),
});
export const OrderSubmitted = z.object({
  type: z.literal('orderSubmitted'),
  ...orderBase,
  via: z.enum(['rest', 'ws', 'dryRun']),
  attempt: z.number().int().positive(),
});
export const OrderResting = z.object({
  type: z.literal('orderResting'),
  ...orderBase,
  /** venue order id */
  oid: z.number().int().nonnegative(),
});
export const OrderFilled = z.object({
  type: z.literal('orderFilled'),
  ...orderBase,
  oid: z.number().int().nonnegative(),
  /** this fill's size and price */
  fillSz: PositiveDecimal,
  fillPx: PositiveDecimal,
  /** cumulative filled size and the order's remaining size */
  filledSz: PositiveDecimal,
  remainingSz: PositiveDecimal,
  tid: z.number().int().nonnegative().optional(),
  fee: Decimal.optional(),
  complete: z.boolean(),
});
export const OrderCanceled = z.object({
  type: z.literal('orderCanceled'),
  ...orderBase,
  oid: z.number().int().nonnegative().optional(),
  /** venue status string or our reason (e.g. "canceled", "marginCanceled", "scheduledCancel") */
  reason: z.string().min(1),
});
export const OrderRejected = z.object({
  type: z.literal('orderRejected'),
  ...orderBase,
  /** the venue's error string, verbatim */
  error: z.string().min(1),
});
export const OrderExpired = z.object({
  type: z.literal('orderExpired'),
  ...orderBase,
  reason: z.enum(['signalTtl', 'budgetDeadline', 'expiresAfter']),
});
export const OrderOutcomeUnknown = z.object({
  type: z.literal('orderOutcomeUnknown'),
  ...orderBase,
  /** why the answer is missing: timeout, socket closed, crash recovery */
  reason: z.string().min(1),
});
export const OrderReconciled = z.object({
  type: z.literal('orderReconciled'),
  ...orderBase,
  /** venue status after reconciliation (the order status strings of https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) or "unknownOid" */
  venueStatus: z.string().min(1),
  /** what differed from our record, for humans */
  differences: z.array(z.string()),
});

/** Every step of an order's life; the order's subject holds these in order (the event store). */
export const OrderEvent = z.discriminatedUnion('type', [
  OrderRequested,
  OrderRiskChecked,
  RiskRejected,
  OrderSigned,
  OrderSubmitted,
  OrderResting,
  OrderFilled,
  OrderCanceled,
  OrderRejected,
  OrderExpired,
  OrderOutcomeUnknown,
  OrderReconciled,
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderRequested = z.infer<typeof OrderRequested>;
export type OrderRiskChecked = z.infer<typeof OrderRiskChecked>;
export type RiskRejected = z.infer<typeof RiskRejected>;
export type OrderSigned = z.infer<typeof OrderSigned>;
export type OrderSubmitted = z.infer<typeof OrderSubmitted>;
export type OrderResting = z.infer<typeof OrderResting>;
export type OrderFilled = z.infer<typeof OrderFilled>;
export type OrderCanceled = z.infer<typeof OrderCanceled>;
export type OrderRejected = z.infer<typeof OrderRejected>;
export type OrderExpired = z.infer<typeof OrderExpired>;
export type OrderOutcomeUnknown = z.infer<typeof OrderOutcomeUnknown>;
export type OrderReconciled = z.infer<typeof OrderReconciled>;

/** Execution-wide risk state; published on `exec.risk`. */
export const RiskStateChanged = z.object({
  type: z.literal('riskStateChanged'),
  v: z.literal(1),
  ...envelope,
  state: z.enum(['ACTIVE', 'REDUCE_ONLY', 'HALTED']),
  previous: z.enum(['ACTIVE', 'REDUCE_ONLY', 'HALTED']),
  reason: z.string().min(1),
  /**
   * What switched it: an operator (control command, kill switch), the market-data feed, or
   * repeated venue rejects. Absent in events written before it existed. A restart carries an
   * operator's or the rejects' mode over; a feed mode is judged again from the live feed.
   */
  cause: z.enum(['initial', 'operator', 'feed', 'rejects']).optional(),
  atMs: EpochMs,
});
export type RiskStateChanged = z.infer<typeof RiskStateChanged>;

/** One fill of our account, as the venue reported it. */
export const FillRecorded = z.object({
  type: z.literal('fill'),
  v: z.literal(1),
  ...envelope,
  user: Address,
  coin: z.string().min(1),
  side: Side,
  px: PositiveDecimal,
  sz: PositiveDecimal,
  oid: z.number().int().nonnegative(),
  cloid: Cloid.optional(),
  tid: z.number().int().nonnegative(),
  hash: z.string(),
  /** fee paid in feeToken, negative for a rebate; includes any builder fee */
  fee: Decimal,
  feeToken: z.string(),
  closedPnl: Decimal,
  /** signed position before this fill */
  startPosition: Decimal,
  /** venue's direction text, e.g. "Open Long", "Close Short" */
  dir: z.string(),
  /** true = we were the taker */
  crossed: z.boolean(),
  exchTsMs: EpochMs,
});
export type FillRecorded = z.infer<typeof FillRecorded>;

export const PositionChanged = z.object({
  type: z.literal('position'),
  v: z.literal(1),
  ...envelope,
  user: Address,
  coin: z.string().min(1),
  /** signed size, base units: positive long, negative short */
  szi: Decimal,
  entryPx: PositiveDecimal.nullable(),
  unrealizedPnl: Decimal.optional(),
  atMs: EpochMs,
});
export type PositionChanged = z.infer<typeof PositionChanged>;

export const BalanceChanged = z.object({
  type: z.literal('balance'),
  v: z.literal(1),
  ...envelope,
  user: Address,
  /** USDC */
  accountValue: Decimal,
  /** USDC */
  withdrawable: Decimal,
  atMs: EpochMs,
});
export type BalanceChanged = z.infer<typeof BalanceChanged>;

export const AccountEvent = z.discriminatedUnion('type', [FillRecorded, PositionChanged, BalanceChanged]);
export type AccountEvent = z.infer<typeof AccountEvent>;
