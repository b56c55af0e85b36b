// @hyperflow/hyperliquid, the venue SDK: read the venue (WebSocket client and pool, REST info
// client, pure parsers to contract types), send to it (the exchange client), and stay inside its
// limits (rate budgets, asset rules). The simulator's and tests' helpers (the venue's refusal
// texts) are on `@hyperflow/hyperliquid/internal`; the NATS KV implementations of the budget and
// nonce ports are in @hyperflow/ledger.

// Assets: ids, the registry, tick and lot rules
export { type LoadAssetRegistryOptions, loadAssetRegistry } from './assets/cache.js';
export { type AssetInfo, AssetRegistry, AssetRegistryError, UnknownAssetError } from './assets/registry.js';
export { AssetRuleError, roundPrice, roundSize } from './assets/rules.js';
// Rate budgets: the ports, the in-process ledgers, and leasing from a shared source
export { LeasedBudget, type LeasedBudgetOptions } from './budget/leased.js';
export { addressActionBudget, ipWeightBudget } from './budget/ledger.js';
export type {
  AcquireOptions,
  BudgetLeaseSource,
  BudgetSnapshot,
  Grant,
  ObservedUsage,
  Priority,
  RateBudget,
} from './budget/port.js';
export { HyperliquidError } from './errors.js';
// Exchange: signed actions sent over REST /exchange or WS post, exactly once, under the budgets
export {
  type AmbiguousCause,
  type CloidResolution,
  ExchangeClient,
  ExchangeClientError,
  type ExchangeClientOptions,
  type NotSentReason,
  type PostTransport,
  type SubmitOutcome,
} from './exchange/client.js';
export { type PreparedRequest, prepareRequest } from './exchange/prepare.js';
// REST /info
export {
  type CandleRange,
  INFO_BASE_URLS,
  type InfoBudget,
  InfoBudgetError,
  InfoClient,
  type InfoClientOptions,
  infoBudgetHooks,
  MAX_CANDLES_PER_REQUEST,
} from './http/client.js';
export { InfoHttpError, InfoResponseError, InfoTransportError } from './http/errors.js';
export { ClearinghouseState, OpenOrders, UserFills } from './http/schemas.js';
// WebSocket: one connection (acks, watchdog, reconnect, posts) and a pool within the venue caps
export { type SubscribeOptions, WsClient, type WsClientEvents, type WsClientOptions } from './ws/client.js';
export { CapExceededError, WsError, type WsErrorCode } from './ws/errors.js';
export { WsOrderUpdate } from './ws/messages.js';
// Pure parsers: venue frames and REST payloads to contract types
export {
  type BookAggregation,
  type ParseContext,
  parseActiveAssetCtx,
  parseActiveSpotAssetCtx,
  parseBbo,
  parseBook,
  parseCandleItems,
  parseCandles,
  parseFills,
  parseMids,
  parseMidsRecord,
  parseOrderUpdates,
  parseTradeItems,
  parseTrades,
  parseUserFills,
  type RejectedItem,
  WireError,
} from './ws/parse.js';
export { VENUE_WS_CAPS, WsPool, type WsPoolEvents, type WsPoolOptions } from './ws/pool.js';
export type { SubscriptionObject } from './ws/subscription.js';
