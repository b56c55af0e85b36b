// Every service of the tick-to-order path in this one process (less noise than four processes on a
// 2-core box; same code paths, each on its own NATS connection): simulator WS trade frame →
// ingestor → JetStream → strategy (momentum) → JetStream → execution (risk, sign, appends) → HTTP
// /exchange → simulator. The suites drive it with trade frames and read stamps off its taps.
import { provision } from '@hyperflow/bus';
import { SignalEmitted, subjects, type TradeEvent } from '@hyperflow/contracts';
import { sha256Hex } from '@hyperflow/core';
import { cloidForSignal, ExecutionConfig, startExecution } from '@hyperflow/execution';
import { IngestorConfig, startIngestor } from '@hyperflow/ingestor';
import { type DigestSigner, LocalSigner, selectSecp256k1Backend } from '@hyperflow/signing';
import { DEFAULT_UNIVERSE, startSimulator } from '@hyperflow/simulator';
import { createHost, loadStrategies, startEngine } from '@hyperflow/strategy';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { pino } from 'pino';

const ROOT = 'bench';
const PREFIX = 'BENCH_';
const MIB = 2 ** 20;

/** one clock for every stamp: sub-ms, on the epoch scale (what the ingestor stamps recvTsMs with) */
export const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `n` coins: ETH, then synthetic perps priced and sized like it (an order of 0.01 is ~$30). */
export function benchCoins(n: number): string[] {
  return ['ETH', ...Array.from({ length: n - 1 }, (_, i) => `BNCH${i}`)];
}

/**
 * The strategies document of the tick-to-order suites: reversion makes every price flip a signal;
 * post-only orders rest far from the mid, so nothing fills and no fill of ours comes back as a
 * trade that would trigger again.
 */
export function benchStrategies(coins: readonly string[]) {
  const cfg = {
    threshold: '0.0001',
    size: '0.01',
    reversion: true,
    cooldownMs: 0,
    style: 'postOnly',
    ttlMs: 30_000,
  };
  return {
    strategies: [
      {
        kind: 'momentum',
        name: 'momentum',
        config: { coins: Object.fromEntries(coins.map((c) => [c, cfg])) },
      },
    ],
  };
}

/** What the taps saw of one order, keyed by its cloid. */
export interface Sample {
  /** ingestor receive stamp of the triggering trade (signal.causes[0].recvTsMs) */
  readonly recvTsMs?: number;
  /** the trade event seen on the bus by a tap */
  readonly tradeOnBusAt?: number;
  /** strategy's decide stamp (signal.createdAtMs) */
  readonly createdAtMs?: number;
  /** the signal seen on the bus by a tap */
  readonly signalOnBusAt?: number;
}

/** One signed order as the simulator's /exchange handler received it. */
export interface Arrival {
  readonly cloid: string;
  readonly at: number;
  readonly httpSendAt: number;
  readonly signStart: number;
  readonly signEnd: number;
}

export interface PipelineOptions {
  /** every server of the cluster (or the one server) */
  readonly servers: readonly string[];
  readonly coins: readonly string[];
  /** the streams' replicas (3 on the R3 cluster) */
  readonly replicas?: number;
  readonly appendStrategy?: 'auto' | 'sequential' | 'atomic';
}

export interface Pipeline {
  readonly coins: readonly string[];
  /** the signing backend the service chose (native libsecp256k1 or js) */
  readonly backend: string;
  /** execution's append strategy in use */
  readonly appendStrategy: string;
  /** per coin: a price 1 % under and over the mid (alternating them flips the momentum signal) */
  readonly band: ReadonlyMap<string, { readonly lo: string; readonly hi: string }>;
  /** one trade frame out of the simulator's sockets; returns the send stamp */
  sendTrade(coin: string, px: string, side: 'A' | 'B'): number;
  /** called for every signed order the simulator receives */
  onArrival: ((a: Arrival) => void) | undefined;
  /** taps' samples by cloid (the caller deletes what it used) */
  readonly samples: Map<string, Sample>;
  /** fresh quotes and mids (the execution price band needs a recent mid) */
  tick(): void;
  /** cancel every resting order (execution's own kill switch), between samples */
  cancelAll(): Promise<void>;
  stepStats(): { steps: number; roundTrips: number; maxRoundTrips: number; reads: number };
  /** trades the ingestor has not yet put on the bus (sent minus seen by the tap) */
  tradesInFlight(): number;
  connect(name: string): Promise<NatsConnection>;
  stop(): Promise<void>;
}

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const conns: NatsConnection[] = [];
  const conn = async (name: string) => {
    const nc = await connect({ servers: [...o.servers], name });
    conns.push(nc);
    return nc;
  };
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    for (const nc of conns) await nc.close().catch(() => undefined);
  };
  try {
    const replicas = o.replicas ?? 1;
    const admin = await conn('bench-admin');
    await provision(admin, {
      root: ROOT,
      namePrefix: PREFIX,
      limits: {
        streams: {
          MARKET: { maxAgeMs: 3_600_000, maxBytes: 256 * MIB, replicas },
          SIGNALS: { maxBytes: 64 * MIB, replicas },
          EXECUTION: { maxBytes: 256 * MIB, replicas },
          CONTROL: { maxBytes: MIB, replicas },
          DLQ: { maxBytes: 16 * MIB, replicas },
        },
        buckets: {
          ratelimit: { maxBytes: MIB, replicas },
          leases: { maxBytes: MIB, replicas },
          snapshots: { maxBytes: MIB, replicas },
        },
      },
    });
    const subj = subjects('sim', ROOT);
    const coins = [...o.coins];
    const url = o.servers[0] as string;

    const key = Wallet.createRandom().privateKey;
    // the service's own choice (main.ts): native libsecp256k1 when it loads, else pure JS
    const backend = selectSecp256k1Backend({ log: pino({ level: 'silent' }) });
    const inner = new LocalSigner(key, { backend });
    let signStart = 0;
    let signEnd = 0;
    const signer: DigestSigner = {
      address: inner.address,
      signDigest(digest) {
        signStart = now();
        const sig = inner.signDigest(digest);
        signEnd = now();
        return sig;
      },
    };
    const extra = coins.filter((c) => !DEFAULT_UNIVERSE.perps.some((p) => p.name === c));
    const sim = await startSimulator({
      port: 0,
      seed: 42,
      universe: {
        ...DEFAULT_UNIVERSE,
        perps: [
          ...DEFAULT_UNIVERSE.perps,
          ...extra.map((name) => ({ name, szDecimals: 4, maxLeverage: 25, initialPx: '3000' })),
        ],
      },
      // the market stands still: the bench's own trade frames are the only trades (no synthetic
      // taker), and tick() only refreshes quotes and mids
      tickMs: 0,
      takerProbability: 0,
      bookIntervalMs: 200,
      accounts: { [inner.address]: '100000000000' },
      ipWeightPerMinute: 1_000_000_000,
      addressBudgetInitial: 1_000_000_000,
    });
    cleanups.push(() => sim.close());
    for (let i = 0; i < 3; i++) sim.tick();

    // the simulator's receive point: its /exchange handler, after the HTTP body is read and parsed
    let httpSendAt = 0;
    const pipeline = { onArrival: undefined as ((a: Arrival) => void) | undefined };
    const venue = sim.venue;
    const exchange = venue.exchange.bind(venue);
    venue.exchange = (raw, ip) => {
      const at = now();
      const cloid = cloidOf(raw);
      if (cloid !== undefined) pipeline.onArrival?.({ cloid, at, httpSendAt, signStart, signEnd });
      return exchange(raw, ip);
    };
    const wrappedFetch: typeof fetch = (input, init) => {
      const u = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (u.endsWith('/exchange')) httpSendAt = now();
      return fetch(input, init);
    };

    const log = pino({ level: 'silent' });
    const ingestor = await startIngestor({
      config: IngestorConfig.parse({
        NATS_URL: url,
        HL_NETWORK: 'sim',
        HL_WS_URL: sim.wsUrl,
        HL_REST_URL: sim.httpUrl,
        SUBJECT_ROOT: ROOT,
        STREAM_PREFIX: PREFIX,
        COINS: coins.join(','),
        CHANNELS: 'trades,allMids',
        STALE_AFTER_MS: '0',
        FALLBACK_AFTER_MS: '600000',
        INSTANCE_ID: 'bench-ingestor',
      }),
      nc: await conn('bench-ingestor'),
      log,
    });
    cleanups.push(() => ingestor.stop());

    const engine = await startEngine({
      nc: await conn('bench-strategy'),
      net: 'sim',
      root: ROOT,
      streamPrefix: PREFIX,
      instance: 'bench',
      host: createHost(loadStrategies(benchStrategies(coins))),
      lookbackMs: 1_000,
      log,
    });
    cleanups.push(() => engine.stop());

    const execution = await startExecution({
      config: ExecutionConfig.parse({
        HL_NETWORK: 'sim',
        EXEC_MODE: 'sim',
        HL_REST_URL: sim.httpUrl,
        HL_WS_URL: sim.wsUrl,
        EXEC_PRIVATE_KEY: key,
        NATS_URL: url,
        SUBJECT_ROOT: ROOT,
        STREAM_PREFIX: PREFIX,
        EXEC_APPEND_STRATEGY: o.appendStrategy ?? 'auto',
        // against the simulator: a short budget window, and limits that never bind in the bench
        EXEC_REST_WEIGHT_PER_MINUTE: '1200',
        IP_BUDGET_WINDOW_MS: '100',
        RISK_MAX_ORDERS_PER_MINUTE: '100000000',
        RISK_MAX_OPEN_ORDERS: '100000000',
        RISK_MAX_ORDER_NOTIONAL: '1000000',
        RISK_MAX_POSITION_NOTIONAL_PER_COIN: '1000000000',
        RISK_MAX_TOTAL_POSITION_NOTIONAL: '1000000000',
        RISK_PRICE_BAND_BPS: '500',
        RISK_MAX_CONSECUTIVE_REJECTS: '100000000',
      }),
      nc: await conn('bench-execution'),
      log,
      signer,
      fetch: wrappedFetch,
    });
    cleanups.push(() => execution.stop());

    // taps (own connection): the trade and the signal as they appear on the bus
    const tap = await conn('bench-tap');
    const samples = new Map<string, Sample>();
    const tradeSeen = new Map<string, number>();
    let tradesSent = 0;
    let tradesOnBus = 0;
    tap.subscribe(`${subj.trade('X').slice(0, -1)}*`, {
      callback: (_err, m) => {
        const at = now();
        tradesOnBus += 1;
        tradeSeen.set(m.json<TradeEvent>().id, at);
        // bounded: trades that raised no signal are forgotten
        if (tradeSeen.size > 100_000) tradeSeen.clear();
      },
    });
    tap.subscribe(subj.all.signals, {
      callback: (_err, m) => {
        const at = now();
        const s = SignalEmitted.parse(m.json());
        const cause = s.causes[0];
        samples.set(cloidForSignal(s.id, sha256Hex), {
          ...(cause === undefined
            ? {}
            : { recvTsMs: cause.recvTsMs, tradeOnBusAt: tradeSeen.get(cause.id) ?? Number.NaN }),
          createdAtMs: s.createdAtMs,
          signalOnBusAt: at,
        });
        if (cause !== undefined) tradeSeen.delete(cause.id);
      },
    });
    await tap.flush();

    // the whole path is live: the feed is up, and mids reached execution (its price band)
    const deadline = Date.now() + 20_000;
    while (!ingestor.ingestor.isReady && Date.now() < deadline) await sleep(50);
    for (let i = 0; i < 6; i++) {
      sim.tick();
      await sleep(100);
    }
    const mids = await simMids(sim.httpUrl);
    const band = new Map<string, { lo: string; hi: string }>();
    for (const c of coins) {
      const mid = Number(mids[c]);
      if (!Number.isFinite(mid) || mid <= 0) throw new Error(`pipeline bench: no ${c} mid on the simulator`);
      band.set(c, { lo: (mid * 0.99).toFixed(1), hi: (mid * 1.01).toFixed(1) });
    }

    let tid = 1_000_000;
    const sendTrade = (coin: string, px: string, side: 'A' | 'B'): number => {
      tid += 1;
      tradesSent += 1;
      const frame = {
        channel: 'trades',
        data: [
          {
            coin,
            side,
            px,
            sz: '0.0100',
            hash: `0x${tid.toString(16).padStart(64, '0')}`,
            time: Date.now(),
            tid,
            users: [
              '0x0000000000000000000000000000000000000001',
              '0x0000000000000000000000000000000000000002',
            ],
          },
        ],
      };
      const line = JSON.stringify({ t: 0, frame });
      const at = now();
      // delivered synchronously to the subscribed sockets at speed Infinity
      void sim.replay(line, { speed: Number.POSITIVE_INFINITY });
      return at;
    };
    const appendStrategy = String(execution.stats().appendStrategy);
    return Object.assign(pipeline, {
      coins,
      backend: backend.name,
      appendStrategy,
      band,
      sendTrade,
      samples,
      tick: () => sim.tick(),
      cancelAll: async () => {
        await execution.killSwitch();
      },
      stepStats: () => execution.executor.stepStats(),
      tradesInFlight: () => tradesSent - tradesOnBus,
      connect: conn,
      stop,
    });
  } catch (err) {
    await stop();
    throw err;
  }
}

async function simMids(httpUrl: string): Promise<Record<string, string>> {
  const res = await fetch(`${httpUrl}/info`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'allMids' }),
  });
  return (await res.json()) as Record<string, string>;
}

/** The cloid of a signed order action's first order (lower case); undefined for anything else. */
export function cloidOf(raw: unknown): string | undefined {
  const action = (raw as { action?: { type?: unknown; orders?: { c?: unknown }[] } } | null)?.action;
  if (action?.type !== 'order') return undefined;
  const c = action.orders?.[0]?.c;
  return typeof c === 'string' ? c.toLowerCase() : undefined;
}
