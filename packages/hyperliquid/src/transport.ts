// WebSocket client, connection pool and per-IP budget ledger.

export { LeasedBudget, type LeasedBudgetOptions } from './budget/leased.js';
export {
  AddressPolicy,
  type AddressPolicyOptions,
  addressActionBudget,
  BudgetLedger,
  type BudgetLedgerOptions,
  type BudgetPolicy,
  ipWeightBudget,
  SlidingWindowPolicy,
  type SlidingWindowPolicyOptions,
} from './budget/ledger.js';
export { MemoryLeaseSource, type MemoryLeaseSourceOptions } from './budget/memory-lease-source.js';
export {
  type AcquireOptions,
  type BudgetLeaseSource,
  type BudgetSnapshot,
  type Grant,
  type ObservedUsage,
  PRIORITY_RANK,
  type Priority,
  type RateBudget,
} from './budget/port.js';
export { HyperliquidError } from './errors.js';
export { type BackoffOptions, backoffDelayMs } from './ws/backoff.js';
export {
  type CloseInfo,
  type GapInfo,
  type ResubscribedInfo,
  type StaleAction,
  type StaleInfo,
  type SubscribeOptions,
  WsClient,
  type WsClientEvents,
  type WsClientOptions,
  type WsPostRequest,
  type WsPostResponse,
} from './ws/client.js';
export { WS_FRAME_LIMITS } from './ws/envelope.js';
export { CapExceededError, type VenueCap, WsError, type WsErrorCode } from './ws/errors.js';
export {
  type PoolConnection,
  VENUE_WS_CAPS,
  type VenueWsCaps,
  WsPool,
  type WsPoolEvents,
  type WsPoolOptions,
} from './ws/pool.js';
export {
  type Clock,
  type Logger,
  type Random,
  silentLogger,
  systemClock,
  systemTimers,
  type TimerHandle,
  type Timers,
} from './ws/runtime.js';
export { SlidingWindowCounter } from './ws/sliding-window.js';
export {
  channelsFor,
  isSubsetOf,
  normalizeSubscription,
  type SubscriptionObject,
  subscriptionKey,
} from './ws/subscription.js';
