export { type ExecutionDeps, type RunningExecution, startExecution } from './app.js';
export { ExecutionConfig, restBaseUrl, signingChain, VENUE_REST_URLS } from './config.js';
export { ExecutionConfigError, ExecutionError } from './errors.js';
export {
  Executor,
  type ExecutorOptions,
  type HandleOutcome,
  type HandleResult,
  type OrderStore,
} from './execute/executor.js';
export { type KeySource, loadSigningKey } from './keys/keys.js';
export { cloidForSignal, type Sha256Hex } from './order/cloid.js';
export {
  decide,
  evolve,
  initialOrderState,
  isTerminal,
  needsResolution,
  type OrderCommand,
  type OrderState,
  type OrderStatus,
  type Resolution,
  replay,
  type SignedOrder,
  type VenueAnswer,
} from './order/decider.js';
export { intentFromSignal, type OrderIntent, signalExpiresAtMs } from './order/intent.js';
export { RiskBook } from './risk/book.js';
export {
  checkOrder,
  evolveRisk,
  initialRiskState,
  type RiskFact,
  type RiskLimits,
  type RiskMode,
  type RiskOrder,
  type RiskState,
  type RiskVerdict,
} from './risk/engine.js';
export type { ExchangePort, OrderSigner, SendResult } from './submit/ports.js';
export { buildVenueOrder, type VenueOrder } from './submit/venue-order.js';
