export {
  CANDLE_INTERVAL_BOUNDS_MS,
  CANDLE_INTERVAL_MS,
  candleCloseTime,
  candleOpenTime,
  maxIntervalMs,
  minIntervalMs,
} from './candles.js';
export { CATALOG, type CatalogEntry } from './catalog.js';
export { decodeCoin, encodeCoin, MAX_COIN_LENGTH } from './coin.js';
export { Address, Cloid, Coin, Decimal, EpochMs, EpochMsPrecise, PositiveDecimal, Side } from './common.js';
export {
  ControlCommand,
  DeadLetter,
  DisableStrategy,
  EnableStrategy,
  EnterReduceOnly,
  HaltTrading,
  ResumeTrading,
} from './control.js';
export {
  AccountEvent,
  BalanceChanged,
  FillRecorded,
  OrderCanceled,
  OrderEvent,
  OrderExpired,
  OrderFilled,
  OrderOutcomeUnknown,
  OrderReconciled,
  OrderRejected,
  OrderRequested,
  OrderResting,
  OrderRiskChecked,
  OrderSigned,
  OrderSubmitted,
  PositionChanged,
  RiskRejected,
  RiskStateChanged,
  TimeInForce,
} from './execution.js';
export {
  FeedDriftChanged,
  FeedGapDetected,
  FeedHealthChanged,
  FeedSubscription,
  HealthEvent,
} from './health.js';
export { DEFAULT_JSON_LIMITS, type JsonLimits, jsonBoundsProblem } from './json-bounds.js';
export {
  AssetCtxEvent,
  BboEvent,
  BookEvent,
  BookLevel,
  CandleEvent,
  MarketEvent,
  MidsEvent,
  TradeEvent,
} from './market.js';
export { networkProblems } from './network.js';
export { ContractError, parse, parseBoundedJson, parseJson } from './parse.js';
export { SignalCause, SignalEmitted } from './signal.js';
export {
  buckets,
  CandleInterval,
  DEFAULT_ROOT,
  type MarketKind,
  Net,
  type ParsedSubject,
  parseSubject,
  type StreamKey,
  type Subjects,
  streams,
  subjects,
} from './subjects.js';
