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
import { LeasedNonceManager } from '@hyperflow/hyperliquid';
import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger as PinoLogger } from 'pino';
import type { ExecutionConfig } from '../config.js';
import type { OrderStore } from '../execute/executor.js';
import type { LeasedNonces } from '../lease/signer-lease.js';
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
}): Promise<BusAdapters> {
  const c = o.config;
  const subj = subjects(c.HL_NETWORK, c.SUBJECT_ROOT);
  const names = streams(c.SUBJECT_ROOT, c.STREAM_PREFIX);
  const jsm = await jetstreamManager(o.nc);
  const info = (await jsm.streams.info(names.EXECUTION.name)).config;
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
  const last = await jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
  return last === null ? undefined : parseJson(RiskStateChanged, last.data, 'last risk state');
}

/** The leased nonce manager when the `leases` bucket exists; else undefined (with a warning). */
export async function openSignerLease(o: {
  readonly nc: NatsConnection;
  readonly config: ExecutionConfig;
  readonly signer: string;
  readonly clock: Clock;
  readonly log: PinoLogger;
  readonly onFatal?: ((reason: string) => void) | undefined;
}): Promise<LeasedNonces | undefined> {
  const c = o.config;
  const bucket = buckets(c.STREAM_PREFIX).leases;
  try {
    // bind does not check that the bucket exists: ask the stream
    await (await jetstreamManager(o.nc)).streams.info(`KV_${bucket}`);
  } catch (err) {
    o.log.warn({ err, bucket }, 'no lease bucket: nothing stops a second process from racing our nonces');
    return undefined;
  }
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
