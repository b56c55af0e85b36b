// Integration harness: a real nats-server (testkit), freshly provisioned scoped streams, the
// simulator on a loopback port with one funded account, and the execution app started on them.
import { createEventStore, type ProvisionLimits, provision } from '@hyperflow/bus';
import { BboEvent, MidsEvent, OrderEvent, type SignalEmitted, streams, subjects } from '@hyperflow/contracts';
import { InfoClient } from '@hyperflow/hyperliquid';
import { createMetrics } from '@hyperflow/service';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '@hyperflow/simulator';
import { waitFor as kitWaitFor, testScope } from '@hyperflow/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { inject } from 'vitest';
import { type RunningExecution, startExecution } from '../app.js';
import { ExecutionConfig } from '../config.js';
import { loadSigningKey } from '../keys/keys.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const KIB = 1024;
export const LEASE_TTL_MS = 2_000;
const LIMITS: ProvisionLimits = {
  streams: {
    MARKET: { maxAgeMs: 3_600_000, maxBytes: 1024 * KIB },
    SIGNALS: { maxBytes: 1024 * KIB },
    EXECUTION: { maxBytes: 1024 * KIB },
    CONTROL: { maxBytes: 256 * KIB },
    DLQ: { maxBytes: 256 * KIB },
  },
  buckets: {
    ratelimit: { maxBytes: 64 * KIB },
    // a short lease TTL so a standby takes over within a test's time
    leases: { maxBytes: 64 * KIB, ttlMs: LEASE_TTL_MS },
    snapshots: { maxBytes: 64 * KIB },
  },
};

export interface HarnessOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** wraps the fetch the app uses for /info and /exchange (fault injection) */
  readonly fetch?: typeof fetch;
}

export async function harness(label: string, opts: { readonly sim?: Partial<SimulatorOptions> } = {}) {
  const scope = testScope(label);
  const nc: NatsConnection = await connect({ servers: inject('natsUrl'), name: `exec-test-${label}` });
  await provision(nc, { root: scope.root, namePrefix: scope.streamPrefix, limits: LIMITS });
  const wallet = Wallet.createRandom();
  const key = wallet.privateKey;
  const address = wallet.address.toLowerCase();
  const sim: SimulatorHandle = await startSimulator({
    seed: 7,
    tickMs: 0,
    accounts: { [address]: '1000000' },
    ...opts.sim,
  });
  const subj = subjects('sim', scope.root);
  const names = streams(scope.root, scope.streamPrefix);
  const js = jetstream(nc);
  const store = await createEventStore({ nc, stream: names.EXECUTION.name, schema: OrderEvent });
  /** every log line any app instance wrote */
  const logs: string[] = [];
  const apps: RunningExecution[] = [];
  const info = new InfoClient({ baseUrl: sim.httpUrl });

  const start = async (opts: HarnessOptions = {}) => {
    const config = ExecutionConfig.parse({
      HL_NETWORK: 'sim',
      EXEC_MODE: 'sim',
      HL_REST_URL: sim.httpUrl,
      HL_WS_URL: sim.wsUrl,
      EXEC_PRIVATE_KEY: key,
      NATS_URL: inject('natsUrl'),
      SUBJECT_ROOT: scope.root,
      STREAM_PREFIX: scope.streamPrefix,
      RECOVERY_INTERVAL_MS: '200',
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      REQUEST_TIMEOUT_MS: '2000',
      ...opts.env,
    });
    const log = pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) });
    const app = await startExecution({
      config,
      nc,
      log,
      metrics: createMetrics({ service: 'execution-test', defaultMetrics: false }),
      signer: loadSigningKey({ value: key }),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
    apps.push(app);
    return app;
  };

  /** publishes the simulator's current mids as the ingestor would */
  const publishMids = async (): Promise<Record<string, string>> => {
    const raw = await info.allMids();
    // the venue sends decimal strings; anything else here would be a simulator bug
    const mids = Object.fromEntries(
      Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const event: MidsEvent = {
      type: 'mids',
      v: 1,
      net: 'sim',
      id: `mids:${Date.now()}`,
      mids,
      exchTsMs: Date.now(),
      recvTsMs: Date.now(),
    };
    nc.publish(subj.mids(), JSON.stringify(MidsEvent.parse(event)));
    await nc.flush();
    return mids;
  };

  /** publishes one BBO around the simulator's mid, as an ingestor without allMids would */
  const publishBbo = async (coin: string): Promise<void> => {
    const mid = (await info.allMids())[coin];
    if (typeof mid !== 'string') throw new Error(`no mid for ${coin}`);
    const at = Date.now();
    const event = BboEvent.parse({
      type: 'bbo',
      v: 1,
      net: 'sim',
      id: `bbo:${coin}:${at}`,
      coin,
      bid: { px: mid, sz: '1', n: 1 },
      ask: { px: mid, sz: '1', n: 1 },
      exchTsMs: at,
      recvTsMs: at,
    });
    nc.publish(subj.bbo(coin), JSON.stringify(event));
    await nc.flush();
  };

  const signal = (over: Partial<SignalEmitted> = {}): SignalEmitted => ({
    type: 'signal',
    v: 1,
    net: 'sim',
    id: `trend:ETH:${Math.random().toString(36).slice(2)}`,
    strategy: 'trend',
    coin: 'ETH',
    side: 'buy',
    size: '0.01',
    style: 'market',
    reduceOnly: false,
    reason: 'test',
    causes: [{ id: 'm1', exchTsMs: Date.now(), recvTsMs: Date.now() }],
    createdAtMs: Date.now(),
    ttlMs: 30_000,
    ...over,
  });

  const publishSignal = async (s: SignalEmitted, msgId: string = s.id) => {
    await js.publish(subj.signal(s.strategy, s.coin), JSON.stringify(s), { msgID: msgId });
  };

  const orderEvents = async (orderId: string): Promise<OrderEvent[]> =>
    (await store.read(subj.order(orderId))).events.map((e) => e.event);

  /** every raw payload in this test's EXECUTION stream */
  const executionPayloads = async (): Promise<string[]> => {
    const jsm = await jetstreamManager(nc);
    const si = await jsm.streams.info(names.EXECUTION.name);
    const out: string[] = [];
    for (let seq = si.state.first_seq; seq <= si.state.last_seq && si.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(names.EXECUTION.name, { seq }).catch(() => null);
      if (m !== null) out.push(new TextDecoder().decode(m.data));
    }
    return out;
  };

  const ordersAtVenue = () => sim.ledger().filter((e) => e.kind === 'order' && e.user === address);

  const cleanup = async () => {
    for (const a of apps) await a.stop();
    await sim.close();
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(scope.streamPrefix) || name.startsWith(`KV_${scope.streamPrefix}`)) {
        await jsm.streams.delete(name);
      }
    }
    await nc.close();
  };

  return {
    scope,
    nc,
    sim,
    key,
    address,
    subj,
    names,
    logs,
    start,
    publishMids,
    publishBbo,
    signal,
    publishSignal,
    orderEvents,
    executionPayloads,
    ordersAtVenue,
    cleanup,
  };
}
export type Harness = Awaited<ReturnType<typeof harness>>;

/** Polls until `check` holds (brokers and sockets are asynchronous). */
/** The test kit's poll, with this suite's default timeout. */
export const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 8000) =>
  kitWaitFor(check, timeoutMs);
