import { buckets, type StreamKey, streams } from '@hyperflow/contracts';
import { type Logger, silentLogger } from '@hyperflow/core';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusError } from './errors.js';

const MS = 1_000_000; // nanoseconds per millisecond (JetStream durations are nanoseconds)
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const MIB = 1024 * 1024;

export interface StreamLimits {
  /** 0 = no age limit */
  readonly maxAgeMs: number;
  /** -1 = unlimited */
  readonly maxBytes: number;
  /** -1 = unlimited */
  readonly maxMsgs: number;
  /** Nats-Msg-Id de-duplication window; clamped to maxAgeMs when that is set */
  readonly duplicateWindowMs: number;
  readonly storage: 'file' | 'memory';
  readonly replicas: number;
  /** ADR-50 atomic batch publish (`allow_atomic`, nats-server 2.12+): the event store's atomic appends */
  readonly allowAtomicPublish: boolean;
}

export type BucketKey = keyof ReturnType<typeof buckets>;

export interface BucketLimits {
  /** entries expire after this long; 0 = never */
  readonly ttlMs: number;
  /** values kept per key */
  readonly history: number;
  /** -1 = unlimited */
  readonly maxBytes: number;
  readonly storage: 'file' | 'memory';
  readonly replicas: number;
}

export interface ProvisionLimits {
  readonly streams?: { readonly [K in StreamKey]?: Partial<StreamLimits> };
  readonly buckets?: { readonly [K in BucketKey]?: Partial<BucketLimits> };
}

export const DEFAULT_STREAM_LIMITS: { readonly [K in StreamKey]: StreamLimits } = {
  // the volume: bounded both ways so a chatty feed can never fill the disk
  MARKET: {
    maxAgeMs: DAY,
    maxBytes: 1024 * MIB,
    maxMsgs: -1,
    duplicateWindowMs: 2 * MIN,
    storage: 'file',
    replicas: 1,
    allowAtomicPublish: false,
  },
  SIGNALS: {
    maxAgeMs: 30 * DAY,
    maxBytes: -1,
    maxMsgs: -1,
    duplicateWindowMs: 2 * MIN,
    storage: 'file',
    replicas: 1,
    allowAtomicPublish: false,
  },
  // the order event store: kept until someone decides otherwise; a longer window covers slow retries
  EXECUTION: {
    maxAgeMs: 0,
    maxBytes: -1,
    maxMsgs: -1,
    duplicateWindowMs: 10 * MIN,
    storage: 'file',
    replicas: 1,
    allowAtomicPublish: true,
  },
  CONTROL: {
    maxAgeMs: 30 * DAY,
    maxBytes: 16 * MIB,
    maxMsgs: 10_000,
    duplicateWindowMs: 2 * MIN,
    storage: 'file',
    replicas: 1,
    allowAtomicPublish: false,
  },
  DLQ: {
    maxAgeMs: 14 * DAY,
    maxBytes: 256 * MIB,
    maxMsgs: -1,
    duplicateWindowMs: 2 * MIN,
    storage: 'file',
    replicas: 1,
    allowAtomicPublish: false,
  },
};

export const DEFAULT_BUCKET_LIMITS: { readonly [K in BucketKey]: BucketLimits } = {
  // the rate ledger holds only current counters; one value per key
  ratelimit: { ttlMs: 0, history: 1, maxBytes: -1, storage: 'file', replicas: 1 },
  // a lease nobody renews must lapse on its own (crashed holder)
  leases: { ttlMs: 30_000, history: 1, maxBytes: -1, storage: 'file', replicas: 1 },
  // a few previous snapshots to fall back on if the newest is unreadable
  snapshots: { ttlMs: 0, history: 3, maxBytes: -1, storage: 'file', replicas: 1 },
};

export interface ProvisionOptions {
  /** subject root (tests use their own); default `hl` */
  readonly root?: string;
  /** prefix for stream and bucket names (tests use their own); default none */
  readonly namePrefix?: string;
  readonly limits?: ProvisionLimits;
  readonly log?: Logger;
}

export type ProvisionAction = 'created' | 'updated' | 'unchanged';

export interface ProvisionResult {
  readonly streams: {
    readonly [K in StreamKey]: { readonly name: string; readonly action: ProvisionAction };
  };
  readonly buckets: {
    readonly [K in BucketKey]: { readonly name: string; readonly action: ProvisionAction };
  };
}

type DesiredStream = Partial<StreamConfig> & { name: string };

/** The stream configs the contract asks for, with limits applied. Pure. */
export function streamConfigs(
  root?: string,
  namePrefix?: string,
  limits: ProvisionLimits['streams'] = {},
): { readonly [K in StreamKey]: DesiredStream } {
  const defs = streams(root, namePrefix);
  const build = (key: StreamKey, description: string): DesiredStream => {
    const l = { ...DEFAULT_STREAM_LIMITS[key], ...limits[key] };
    const dup = l.maxAgeMs > 0 ? Math.min(l.duplicateWindowMs, l.maxAgeMs) : l.duplicateWindowMs;
    return {
      name: defs[key].name,
      description,
      subjects: [...defs[key].subjects],
      retention: RetentionPolicy.Limits,
      storage: l.storage === 'memory' ? StorageType.Memory : StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: l.maxAgeMs * MS,
      max_bytes: l.maxBytes,
      max_msgs: l.maxMsgs,
      duplicate_window: dup * MS,
      num_replicas: l.replicas,
      // direct get: cheap last-by-subject reads for the event store
      allow_direct: true,
      allow_atomic: l.allowAtomicPublish,
    };
  };
  return {
    MARKET: build('MARKET', 'market data and feed health'),
    SIGNALS: build('SIGNALS', 'strategy signals'),
    EXECUTION: build('EXECUTION', 'order lifecycle and account events: the event store'),
    CONTROL: build('CONTROL', 'control commands'),
    DLQ: build('DLQ', 'poison messages'),
  };
}

/** Fields of `desired` that differ from the server's `actual` config. Pure. */
export function configDiff(desired: Record<string, unknown>, actual: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const [key, want] of Object.entries(desired)) {
    const have = actual[key];
    const same =
      Array.isArray(want) && Array.isArray(have)
        ? want.length === have.length && [...want].sort().join('\u0000') === [...have].sort().join('\u0000')
        : // the server omits a flag that is off (`allow_atomic` and the like are omitempty)
          want === have || (want === false && have === undefined);
    if (!same) changed.push(key);
  }
  return changed;
}

// the server refuses to change these on an existing stream; say so instead of failing obscurely
const IMMUTABLE = new Set(['storage', 'retention']);

async function ensureStream(
  jsm: JetStreamManager,
  desired: DesiredStream,
  log: Logger,
): Promise<ProvisionAction> {
  const info = await streamInfo(jsm, desired.name);
  if (info === undefined) {
    await jsm.streams.add(desired);
    log.info({ stream: desired.name }, 'stream created');
    return 'created';
  }
  const changed = configDiff(desired, info.config as unknown as Record<string, unknown>);
  if (changed.length === 0) return 'unchanged';
  const immutable = changed.filter((k) => IMMUTABLE.has(k));
  if (immutable.length > 0) {
    throw new BusError(
      `stream ${desired.name}: ${immutable.join(', ')} cannot change in place (recreate it)`,
    );
  }
  const { name: _name, ...update } = desired;
  await jsm.streams.update(desired.name, update);
  log.info({ stream: desired.name, changed }, 'stream updated');
  return 'updated';
}

async function streamInfo(jsm: JetStreamManager, name: string) {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  }
}

async function ensureBucket(
  nc: NatsConnection,
  jsm: JetStreamManager,
  bucket: string,
  l: BucketLimits,
  log: Logger,
): Promise<ProvisionAction> {
  const streamName = `KV_${bucket}`;
  const desired = {
    max_msgs_per_subject: l.history,
    max_age: l.ttlMs * MS,
    max_bytes: l.maxBytes,
    num_replicas: l.replicas,
    storage: l.storage === 'memory' ? StorageType.Memory : StorageType.File,
  };
  const info = await streamInfo(jsm, streamName);
  if (info === undefined) {
    await new Kvm(jetstream(nc)).create(bucket, {
      history: l.history,
      ttl: l.ttlMs,
      max_bytes: l.maxBytes,
      replicas: l.replicas,
      storage: desired.storage,
    });
    log.info({ bucket }, 'kv bucket created');
    return 'created';
  }
  const changed = configDiff(desired, info.config as unknown as Record<string, unknown>);
  if (changed.length === 0) return 'unchanged';
  if (changed.includes('storage')) {
    throw new BusError(`kv bucket ${bucket}: storage cannot change in place (recreate it)`);
  }
  // the server refuses a de-dup window longer than the max age
  const dupNs = l.ttlMs > 0 ? Math.min(2 * MIN, l.ttlMs) * MS : 2 * MIN * MS;
  const { storage: _storage, ...update } = desired;
  await jsm.streams.update(streamName, { ...update, duplicate_window: dupNs });
  log.info({ bucket, changed }, 'kv bucket updated');
  return 'updated';
}

/**
 * Creates or updates the contract's streams and KV buckets so they match the configured limits.
 * Idempotent: a second call with the same limits changes nothing; a changed limit is applied.
 */
export async function provision(nc: NatsConnection, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const log = opts.log ?? silentLogger;
  const jsm = await jetstreamManager(nc);
  const desired = streamConfigs(opts.root, opts.namePrefix, opts.limits?.streams);
  const keys = Object.keys(desired) as StreamKey[];
  const streamResult = {} as Record<StreamKey, { name: string; action: ProvisionAction }>;
  for (const key of keys) {
    const cfg = desired[key];
    streamResult[key] = { name: cfg.name, action: await ensureStream(jsm, cfg, log) };
  }
  const names = buckets(opts.namePrefix);
  const bucketResult = {} as Record<BucketKey, { name: string; action: ProvisionAction }>;
  for (const key of Object.keys(names) as BucketKey[]) {
    const limits = { ...DEFAULT_BUCKET_LIMITS[key], ...opts.limits?.buckets?.[key] };
    bucketResult[key] = { name: names[key], action: await ensureBucket(nc, jsm, names[key], limits, log) };
  }
  return { streams: streamResult, buckets: bucketResult };
}
