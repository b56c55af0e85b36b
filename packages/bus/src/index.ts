export { type Logger, silentLogger } from '@hyperflow/core';
export {
  BUCKET_NAMES,
  type DurableGrant,
  durablesFor,
  IDENTITIES,
  type Identity,
  type KvGrant,
  passwordEnv,
  passwordHashEnv,
  type ReadGrant,
  STRATEGY_INSTANCES,
  STREAM_NAMES,
} from './access/identities.js';
export { inboxPrefixFor, natsConf, type Permissions, permissionsOf } from './access/nats-conf.js';
export {
  DURABLE_DEFAULTS,
  type DurableScope,
  provisionDurables,
  type VerifyOptions,
  verifyProvisioned,
} from './access/provisioning.js';
export {
  generatePassword,
  placeholderProblem,
  refusePlaceholder,
  serverPasswordEnv,
  serverPasswordValue,
} from './access/secrets.js';
export { type BusConnectOptions, connectBus } from './connect.js';
export {
  type ConsumerRunner,
  type ConsumerStats,
  durableConfig,
  type Handler,
  type MessageContext,
  type RunConsumerOptions,
  runConsumer,
} from './consumer.js';
export { buildDeadLetter, type DeadLetterInput, MAX_DEAD_LETTER_PAYLOAD_CHARS } from './dead-letter.js';
export {
  AtomicBatchError,
  type AtomicBatchRejection,
  BusError,
  ConcurrencyError,
  FencedError,
  PayloadTooLargeError,
  PoisonMessageError,
} from './errors.js';
export {
  type AppendFence,
  type AppendOptions,
  type AppendResult,
  type AppendStrategy,
  createEventStore,
  type EventStore,
  type EventStoreOptions,
  type ReadResult,
  type StoredEvent,
} from './event-store.js';
export {
  checkInbound,
  createInbound,
  type Inbound,
  type InboundOptions,
  type InboundReason,
  type InboundRejection,
  type InboundResult,
  type InboundStats,
  type NetworkCheck,
} from './inbound.js';
export {
  type AcquireLeaseOptions,
  KvLease,
  type LeaseBucket,
  type LeaseLostReason,
  type LeaseOptions,
  type LeasePresenceOptions,
  type LeaseRecord,
  leasePresenceSubject,
  openLeaseBucket,
  type TryAcquireResult,
} from './lease.js';
export { DEFAULT_BACKOFF_MS, type DeadLetterReason, nakDelayMs, type Outcome, outcomeOf } from './outcome.js';
export {
  type BucketKey,
  type BucketLimits,
  configDiff,
  DEFAULT_BUCKET_LIMITS,
  DEFAULT_STREAM_LIMITS,
  type ProvisionAction,
  type ProvisionLimits,
  type ProvisionOptions,
  type ProvisionResult,
  provision,
  type StreamLimits,
  streamConfigs,
} from './provision.js';
export {
  createFastPublisher,
  createPublisher,
  encodeEvent,
  type FastPublisher,
  type FastPublisherOptions,
  type FastPublisherStats,
  type PublishAck,
  type Publisher,
  type PublisherOptions,
  type PublishOptions,
} from './publish.js';
