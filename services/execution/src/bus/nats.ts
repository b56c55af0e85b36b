// NATS adapters of the modules' ports: plain subscriptions, the last recorded risk mode, and the
// signer's nonce lease in the `leases` bucket.
import { randomUUID } from 'node:crypto';
import {
  type AppendStrategy,
  createEventStore,
  createPublisher,
  openLeaseBucket,
  type Publisher,
  runConsumer,
} from '@hyperflow/bus';
import {
  buckets,
  OrderEvent,
  parseJson,
  RiskStateChanged,
  SignalEmitted,
  type Subjects,
  streams,
  subjects,
} from '@hyperflow/contracts';
import { LeasedNonceManager } from '@hyperflow/ledger';
import { NonceManager } from '@hyperflow/signing';
import type { JetStreamManager } from '@nats-io/jetstream';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger as PinoLogger } from 'pino';
import type { ExecutionConfig } from '../config.js';
import type { OrderStore } from '../execute/executor.js';
import type { LeasedNonces, SignerLeasePorts } from '../lease/signer-lease.js';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { Clock, Logger } from '../ports.js';
import { type OrderScan, scanOrders } from '../recovery/scan.js';
import type { Subscriber } from '../risk/intake.js';
import type { RiskModePorts } from '../risk/mode-recorder.js';
import type { SignalIntakePorts } from '../signals/intake.js';
import { chooseAppendStrategy } from './append-strategy.js';

export interface BusAdapters {
  readonly subjects: Subjects;
  readonly names: ReturnType<typeof streams>;
  readonly jsm: JetStreamManager;
  readonly store: OrderStore;
  /** how the store appends a decision's events (EXEC_APPEND_STRATEGY, auto by the stream) */
  readonly appendStrategy: AppendStrategy;
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  /** the risk modes on `exec.risk` */
  readonly riskLog: Pick<RiskModePorts, 'lastRecorded' | 'publish'>;
  /** the unfinished and resting orders on the order stream */
  scanOrders(): Promise<OrderScan>;
  readonly consume: SignalIntakePorts['consume'];
}

export async function busAdapters(o: {
  readonly nc: NatsConnection;
  readonly config: ExecutionConfig;
  readonly clock: Clock;
  readonly log: PinoLogger;
  readonly retry: Omit<RetryOptions, 'permanent'>;
}): Promise<BusAdapters> {
  const c = o.config;
  const subj = subjects(c.HL_NETWORK, c.SUBJECT_ROOT);
  const names = streams(c.SUBJECT_ROOT, c.STREAM_PREFIX);
  // JetStream and the streams may come up after us (a provisioner, a restarting server): wait
  const jsm = await untilOk('JetStream', () => jetstreamManager(o.nc), o.retry);
  for (const stream of [names.EXECUTION.name, names.SIGNALS.name]) {
    await untilOk(`the ${stream} stream`, () => jsm.streams.info(stream), o.retry);
  }
  const info = (
    await untilOk(`the ${names.EXECUTION.name} stream`, () => jsm.streams.info(names.EXECUTION.name), o.retry)
  ).config;
  const shape = {
    storage: info.storage === 'memory' ? 'memory' : 'file',
    replicas: info.num_replicas,
  } as const;
  const { strategy, why } = chooseAppendStrategy(c.EXEC_APPEND_STRATEGY, shape);
  o.log.info({ strategy, why, ...shape }, 'order store: append strategy');
  const store = await createEventStore({
    nc: o.nc,
    stream: names.EXECUTION.name,
    schema: OrderEvent,
    strategy,
  });
  const publisher = createPublisher(o.nc);
  const riskSubject = subj.execution('risk');
  return {
    subjects: subj,
    names,
    jsm,
    store,
    appendStrategy: strategy,
    publisher,
    subscriber: natsSubscriber(o.nc, o.log),
    riskLog: {
      lastRecorded: () => lastRiskState(jsm, names.EXECUTION.name, riskSubject),
      publish: (e) => publisher.publish(riskSubject, RiskStateChanged, e, { msgId: e.id }),
    },
    scanOrders: () => scanOrders(jsm, names.EXECUTION.name, subj.all.orders),
    consume: signalConsumer({ ...o, subjects: subj, stream: names.SIGNALS.name }),
  };
}

export function natsSubscriber(nc: NatsConnection, log: Logger): Subscriber {
  return {
    subscribe(subject, onMessage) {
      const sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err !== null) {
            log.error({ err, subject }, 'subscription failed');
            return;
          }
          onMessage(msg.data, msg.subject);
        },
      });
      return () => sub.unsubscribe();
    },
  };
}

/** The last RiskStateChanged on `subject`; undefined when none was recorded. */
export async function lastRiskState(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<RiskStateChanged | undefined> {
  // null only when nothing was ever recorded; an error reaching the stream is thrown (and retried)
  const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
  return last === null ? undefined : parseJson(RiskStateChanged, last.data, 'last risk state');
}

/** The signer lease's ports on NATS (the `leases` bucket) and the configuration. */
export function signerLeasePorts(
  o: Parameters<typeof openSignerLease>[0] & {
    readonly retry: SignerLeasePorts['retry'];
  },
): Omit<SignerLeasePorts, 'onRole'> {
  return {
    log: o.log,
    signer: o.signer,
    bucket: `KV_${buckets(o.config.STREAM_PREFIX).leases}`,
    singleProcess: o.config.EXEC_SINGLE_PROCESS,
    openLease: () => openSignerLease(o),
    localNonces: () => new NonceManager({ clock: () => o.clock.now() }),
    retry: o.retry,
  };
}

/** The leased nonce manager on the `leases` bucket; `missing` when the bucket does not exist. */
export async function openSignerLease(o: {
  readonly nc: NatsConnection;
  readonly config: ExecutionConfig;
  readonly signer: string;
  readonly clock: Clock;
  readonly log: PinoLogger;
  readonly onFatal?: ((reason: string) => void) | undefined;
}): Promise<LeasedNonces | 'missing'> {
  const c = o.config;
  const bucket = buckets(c.STREAM_PREFIX).leases;
  // bind does not check that the bucket exists: ask the stream (any other error: unreachable, retried)
  const exists = await (await jetstreamManager(o.nc)).streams.info(`KV_${bucket}`).then(
    () => true,
    (err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return false;
      throw err;
    },
  );
  if (!exists) return 'missing';
  return new LeasedNonceManager({
    leases: await openLeaseBucket(o.nc, bucket),
    signer: o.signer,
    holderId: `execution-${randomUUID()}`,
    ttlMs: c.LEASE_TTL_MS,
    clock: () => o.clock.now(),
    ...(c.LEASE_PRESENCE
      ? { presence: { root: c.SUBJECT_ROOT, intervalMs: c.LEASE_PRESENCE_INTERVAL_MS } }
      : {}),
    log: o.log.child({ part: 'lease' }),
    onLost: (reason) => {
      o.log.fatal({ reason }, 'signer lease lost: another replica is active');
      o.onFatal?.(`signer lease lost (${reason})`);
    },
  });
}

/** The durable consumer on SIGNALS (bad messages to the DLQ, redeliveries counted). */
export function signalConsumer(o: {
  readonly nc: NatsConnection;
  readonly config: ExecutionConfig;
  readonly subjects: Subjects;
  readonly stream: string;
  readonly clock: Clock;
  readonly log: PinoLogger;
}): SignalIntakePorts['consume'] {
  const c = o.config;
  return (handle) =>
    runConsumer({
      nc: o.nc,
      stream: o.stream,
      durable: c.CONSUMER_NAME,
      filterSubject: o.subjects.all.signals,
      schema: SignalEmitted,
      dlqSubject: o.subjects.dlq('execution'),
      service: 'execution',
      ackWaitMs: c.ACK_WAIT_MS,
      maxDeliver: c.MAX_DELIVER,
      log: o.log,
      now: () => o.clock.now(),
      handle,
    });
}
