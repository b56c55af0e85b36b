import { provision } from '@hyperflow/bus';
import { SignalEmitted, subjects, type TradeEvent } from '@hyperflow/contracts';
import { sha256Hex } from '@hyperflow/core';
import { cloidForSignal, ExecutionConfig, startExecution } from '@hyperflow/execution';
import { IngestorConfig, startIngestor } from '@hyperflow/ingestor';
import { type DigestSigner, LocalSigner, selectSecp256k1Backend } from '@hyperflow/signing';
import { startSimulator } from '@hyperflow/simulator';
import { createHost, loadStrategies, startEngine } from '@hyperflow/strategy';
import { startNats } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { build, type Histogram } from 'hdr-histogram-js';
import { pino } from 'pino';
import type { Detail, Result } from '../report.js';

/** signals wanted (the issue asks for at least 10 000) */
const TARGET_SIGNALS = 10_000;
/** wall-time cap of the measured loop (BENCH_PIPELINE_BUDGET_MS for a quick try); the count reached is reported as it is */
const BUDGET_MS = Number(process.env.BENCH_PIPELINE_BUDGET_MS ?? 85_000);
/** resting orders are canceled after this many, between samples (a real book is not 10 000 deep) */
const CANCEL_EVERY = 200;
/** a trade that raises no order within this long counts as lost */
const ORDER_TIMEOUT_MS = 2_000;
/** the seed's design polled the venue; its tick-to-order bound is the poll interval (not measured) */
const SEED_POLL_INTERVAL_MS = 60_000;
const TARGET_P99_MS = 2;
const ROOT = 'bench';
const PREFIX = 'BENCH_';
const MIB = 2 ** 20;
const COIN = 'ETH';

/** one clock for every stamp: sub-ms, on the epoch scale (what the ingestor stamps recvTsMs with) */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The strategies document of the tick-to-order suites: reversion + alternating prices make every
 * trade flip the target, so every trade is a signal; post-only orders rest far from the mid, so
 * nothing fills and no fill of ours comes back as a trade that would trigger again.
 */
export function benchStrategies(coin: string) {
  return {
    strategies: [
      {
        kind: 'momentum',
        name: 'momentum',
        config: {
          coins: {
            [coin]: {
              threshold: '0.0001',
              size: '0.01',
              reversion: true,
              cooldownMs: 0,
              style: 'postOnly',
              ttlMs: 30_000,
            },
          },
        },
      },
    ],
  };
}

/** µs, 1 µs .. 60 s, 3 significant digits */
export const histogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
export const record = (h: Histogram, ms: number) => h.recordValue(Math.max(1, Math.round(ms * 1000)));
export const pctMs = (h: Histogram, p: number) => h.getValueAtPercentile(p) / 1000;

/** what is known about one order, keyed by its cloid */
interface Sample {
  /** ingestor receive stamp of the triggering trade (signal.causes[0].recvTsMs) */
  recvTsMs?: number;
  /** the trade event seen on the bus by a tap */
  tradeOnBusAt?: number;
  /** strategy's decide stamp (signal.createdAtMs) */
  createdAtMs?: number;
  /** the signal seen on the bus by a tap */
  signalOnBusAt?: number;
}

const HOPS = [
  ['frame', 'venue frame out → ingestor receive (WS loopback, frame read)'],
  ['publish', 'ingestor receive → trade on the bus (parse, normalize, JetStream publish)'],
  ['decide', 'trade on the bus → signal decided (JetStream delivery to strategy, decide)'],
  ['signal', 'signal decided → signal on the bus (JetStream publish)'],
  [
    'risk',
    'signal on the bus → signing starts (delivery to execution, rules, risk; no read on a first delivery, no append)',
  ],
  ['sign', 'signing (EIP-712 digest sign; secp256k1 backend named in the notes)'],
  ['submit', 'signed → HTTP send (the one append of requested, riskChecked, signed, submitted)'],
  ['send', 'HTTP send → simulator receives the signed order'],
] as const;
type Hop = (typeof HOPS)[number][0];

/**
 * Tick-to-order latency through the real pipeline, every service in this one process (less noise
 * than four processes on a 2-core box; same code paths, each on its own NATS connection): simulator
 * WS trade frame → ingestor → JetStream → strategy (momentum, fires on every trade) → JetStream →
 * execution (risk, sign, event appends) → HTTP /exchange → simulator. Closed loop: the next trade
 * goes out when the simulator has received the order for the previous one, so the figures are
 * latencies, not queueing. Baseline in the same run: three core NATS publish→subscribe hops over the
 * same nats-server (the path's transport floor), and the seed's polling design for scale.
 */
export async function pipelineSuite(): Promise<Result[]> {
  const nats = await startNats();
  const conns: NatsConnection[] = [];
  const conn = async (name: string) => {
    const nc = await connect({ servers: nats.url, name });
    conns.push(nc);
    return nc;
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const admin = await conn('bench-admin');
    await provision(admin, {
      root: ROOT,
      namePrefix: PREFIX,
      limits: {
        streams: {
          MARKET: { maxAgeMs: 3_600_000, maxBytes: 64 * MIB },
          SIGNALS: { maxBytes: 64 * MIB },
          EXECUTION: { maxBytes: 256 * MIB },
          CONTROL: { maxBytes: MIB },
          DLQ: { maxBytes: 16 * MIB },
        },
        buckets: {
          ratelimit: { maxBytes: MIB },
          leases: { maxBytes: MIB },
          snapshots: { maxBytes: MIB },
        },
      },
    });
    const subj = subjects('sim', ROOT);

    // ---- baseline: three core publish → subscribe hops (relays on their own connections) ----
    const floor = await natsFloor(conn, TARGET_SIGNALS);

    // ---- the pipeline ----
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
    const sim = await startSimulator({
      port: 0,
      seed: 42,
      // the market stands still: the bench's own trade frames are the only trades (no synthetic
      // taker), and sim.tick() below only refreshes quotes and mids
      tickMs: 0,
      takerProbability: 0,
      bookIntervalMs: 200,
      accounts: { [inner.address]: '100000000' },
      ipWeightPerMinute: 1_000_000_000,
      addressBudgetInitial: 1_000_000_000,
    });
    cleanups.push(() => sim.close());
    for (let i = 0; i < 3; i++) sim.tick();

    // the simulator's receive point: its /exchange handler, after the HTTP body is read and parsed
    let httpSendAt = 0;
    let onOrder: ((cloid: string, at: number, send: number, s0: number, s1: number) => void) | undefined;
    const venue = sim.venue;
    const exchange = venue.exchange.bind(venue);
    venue.exchange = (raw, ip) => {
      const at = now();
      const cloid = cloidOf(raw);
      if (cloid !== undefined) onOrder?.(cloid, at, httpSendAt, signStart, signEnd);
      return exchange(raw, ip);
    };
    const wrappedFetch: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('/exchange')) httpSendAt = now();
      return fetch(input, init);
    };

    const log = pino({ level: 'silent' });
    const ingestor = await startIngestor({
      config: IngestorConfig.parse({
        NATS_URL: nats.url,
        HL_NETWORK: 'sim',
        HL_WS_URL: sim.wsUrl,
        HL_REST_URL: sim.httpUrl,
        SUBJECT_ROOT: ROOT,
        STREAM_PREFIX: PREFIX,
        COINS: COIN,
        CHANNELS: 'trades,allMids',
        STALE_AFTER_MS: '0',
        FALLBACK_AFTER_MS: '600000',
        INSTANCE_ID: 'bench-ingestor',
      }),
      nc: await conn('bench-ingestor'),
      log,
    });
    cleanups.push(() => ingestor.stop());

    const host = createHost(loadStrategies(benchStrategies(COIN)));
    const engine = await startEngine({
      nc: await conn('bench-strategy'),
      net: 'sim',
      root: ROOT,
      streamPrefix: PREFIX,
      instance: 'bench',
      host,
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
        NATS_URL: nats.url,
        SUBJECT_ROOT: ROOT,
        STREAM_PREFIX: PREFIX,
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
    tap.subscribe(subj.trade(COIN), {
      callback: (_err, m) => {
        const at = now();
        const t = m.json<TradeEvent>();
        tradeSeen.set(t.id, at);
      },
    });
    tap.subscribe(subj.all.signals, {
      callback: (_err, m) => {
        const at = now();
        const s = SignalEmitted.parse(m.json());
        const cause = s.causes[0];
        const cloid = cloidForSignal(s.id, sha256Hex);
        samples.set(cloid, {
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

    // wait until the whole path is live: mids reached execution, the feed is up
    const deadline = Date.now() + 20_000;
    while (!ingestor.ingestor.isReady && Date.now() < deadline) await sleep(50);
    // mids on the bus before the first order: the execution price band needs a fresh one
    for (let i = 0; i < 6; i++) {
      sim.tick();
      await sleep(100);
    }
    const mid = await simMid(sim.httpUrl);
    const lo = (mid * 0.99).toFixed(1);
    const hi = (mid * 1.01).toFixed(1);

    const total = histogram();
    const fromFrame = histogram();
    const hops = Object.fromEntries(HOPS.map(([k]) => [k, histogram()])) as Record<Hop, Histogram>;
    let tid = 1_000_000;
    let lost = 0;
    let trades = 0;
    const sendTrade = (px: string, side: 'A' | 'B'): number => {
      tid += 1;
      trades += 1;
      const frame = {
        channel: 'trades',
        data: [
          {
            coin: COIN,
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

    // the first trade sets the strategy's reference price; then warm up the whole path
    sendTrade(lo, 'A');
    await sleep(200);
    const run = async (n: number, budgetMs: number, measure: boolean): Promise<number> => {
      const until = Date.now() + budgetMs;
      let got = 0;
      let lastTick = Date.now();
      let canceledAt = 0;
      while (got < n && Date.now() < until) {
        if (got - canceledAt >= CANCEL_EVERY) {
          // post-only orders rest: cancel them (the service's own kill switch: one signed cancel
          // batch, each cancel recorded) so the open-order count stays bounded; between samples
          await execution.killSwitch();
          canceledAt = got;
        }
        if (Date.now() - lastTick >= 250) {
          // fresh quotes and mids (the execution price band needs a recent mid); between samples
          sim.tick();
          lastTick = Date.now();
        }
        const order = new Promise<[string, number, number, number, number] | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), ORDER_TIMEOUT_MS);
          onOrder = (cloid, at, send, s0, s1) => {
            clearTimeout(timer);
            resolve([cloid, at, send, s0, s1]);
          };
        });
        const up = trades % 2 === 1;
        const sentAt = sendTrade(up ? hi : lo, up ? 'B' : 'A');
        const got1 = await order;
        onOrder = undefined;
        if (got1 === undefined) {
          lost += measure ? 1 : 0;
          continue;
        }
        got += 1;
        if (!measure) continue;
        const [cloid, venueAt, sendAt, s0, s1] = got1;
        // the signal tap may run just after the order arrived: give it a moment
        let s = samples.get(cloid);
        for (let k = 0; s === undefined && k < 50; k++) {
          await sleep(1);
          s = samples.get(cloid);
        }
        samples.delete(cloid);
        if (s?.recvTsMs === undefined) continue;
        record(total, venueAt - s.recvTsMs);
        record(fromFrame, venueAt - sentAt);
        const split: [Hop, number | undefined, number | undefined][] = [
          ['frame', sentAt, s.recvTsMs],
          ['publish', s.recvTsMs, s.tradeOnBusAt],
          ['decide', s.tradeOnBusAt, s.createdAtMs],
          ['signal', s.createdAtMs, s.signalOnBusAt],
          ['risk', s.signalOnBusAt, s0],
          ['sign', s0, s1],
          ['submit', s1, sendAt],
          ['send', sendAt, venueAt],
        ];
        for (const [hop, a, b] of split) {
          if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b >= a - 0.5)
            record(hops[hop], Math.max(0, b - a));
        }
      }
      return got;
    };
    await run(300, 15_000, false);
    const t0 = Date.now();
    await run(TARGET_SIGNALS, BUDGET_MS, true);
    const wallS = (Date.now() - t0) / 1000;
    const n = total.totalCount;
    if (n === 0) throw new Error('pipeline bench: no order reached the simulator');

    const steps = execution.executor.stepStats();
    const appendStrategy = String(execution.stats().appendStrategy);
    const p = (q: number) => pctMs(total, q);
    const fp = (q: number) => pctMs(floor, q);
    const detail: Detail = {
      title: 'Tick-to-order through the whole pipeline (one process, loopback)',
      note: [
        `${n.toLocaleString('en-US')} signals in ${wallS.toFixed(0)} s (target ${TARGET_SIGNALS.toLocaleString('en-US')}, capped at ${BUDGET_MS / 1000} s; ${lost} trades raised no order within ${ORDER_TIMEOUT_MS} ms), closed loop: one trade in flight.`,
        `Simulator, ingestor, strategy engine (momentum) and execution (sim mode, post-only orders, canceled by its kill switch every ${CANCEL_EVERY} orders between samples)`,
        'run in the bench process, each on its own NATS connection to one nats-server.',
        "Total = the ingestor receive stamp of the trade (`recvTsMs`, carried into `signal.causes[0]`) → the simulator's /exchange handler receiving the signed order.",
        "Hops: bus arrivals are seen by a tap on its own connection; signing and HTTP send are stamped by wrapping the signer and fetch; hop percentiles do not add up to the total's.",
        `Signing backend: ${backend.name} (native = libsecp256k1 through npm secp256k1, js = ethers).`,
        `HDR histogram (hdr-histogram-js, 1 µs resolution, 3 significant digits). The polling row is a constant: the seed's poll interval, assumed ${SEED_POLL_INTERVAL_MS / 1000} s (its code is not in this repository).`,
      ].join('\n'),
      header: ['figure', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'n'],
      rows: [
        row('tick-to-order: ingestor receive → simulator receives the order', total),
        row('venue frame out → simulator receives the order', fromFrame),
        ...HOPS.map(([k, label]) => row(`hop: ${label}`, hops[k])),
        row('floor: 3 core NATS publish → subscribe hops', floor),
        [
          `seed polling design: bound = poll interval, assumed ${SEED_POLL_INTERVAL_MS / 1000} s (constant, not measured)`,
          ...Array.from({ length: 5 }, () => `≤ ${fmt(SEED_POLL_INTERVAL_MS)}`),
          '—',
        ],
      ],
    };
    const base = {
      suite: 'pipeline',
      unit: 'ms',
      baseline: 'floor: 3 core NATS publish → subscribe hops, same percentile',
    };
    return [
      {
        ...base,
        name: 'tick-to-order p50 (ingestor receive → simulator has the signed order)',
        value: p(50),
        baselineValue: fp(50),
        ratio: fp(50) / p(50),
        target: `p50 under ${TARGET_P99_MS} ms (the target is on the p99)`,
        meetsTarget: p(50) < TARGET_P99_MS,
        detail,
      },
      {
        ...base,
        name: 'tick-to-order p99 (ingestor receive → simulator has the signed order)',
        value: p(99),
        baselineValue: fp(99),
        ratio: fp(99) / p(99),
        target: `p99 under ${TARGET_P99_MS} ms on this machine`,
        meetsTarget: p(99) < TARGET_P99_MS,
      },
      {
        ...base,
        name: 'tick-to-order p99 against the polling design',
        value: p(99),
        baseline: `seed polling design: bound = poll interval, assumed ${SEED_POLL_INTERVAL_MS / 1000} s (constant, not measured)`,
        baselineValue: SEED_POLL_INTERVAL_MS,
        ratio: SEED_POLL_INTERVAL_MS / p(99),
        target: `p99 under ${TARGET_P99_MS} ms on this machine`,
        meetsTarget: p(99) < TARGET_P99_MS,
      },
      {
        suite: 'pipeline',
        name: `awaited JetStream round trips per order step before the send (mean; ${appendStrategy} appends)`,
        value: steps.steps === 0 ? 0 : steps.roundTrips / steps.steps,
        unit: 'round trips',
        baseline: 'the issue asks for',
        baselineValue: 1,
        ratio: steps.steps === 0 ? 0 : steps.steps / steps.roundTrips,
        target: `1 per step (the most any step waited for: ${steps.maxRoundTrips}; order-stream reads: ${steps.reads})`,
        meetsTarget: steps.steps > 0 && steps.maxRoundTrips <= 1,
      },
      {
        suite: 'pipeline',
        name: 'signals measured (closed loop, time-capped)',
        value: n,
        unit: 'signals',
        baseline: 'the issue asks for',
        baselineValue: TARGET_SIGNALS,
        ratio: n / TARGET_SIGNALS,
        target: `≥ ${TARGET_SIGNALS.toLocaleString('en-US')} signals in ≤ ${BUDGET_MS / 1000} s`,
        meetsTarget: n >= TARGET_SIGNALS,
      },
    ];
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    for (const nc of conns) await nc.close().catch(() => undefined);
    await nats.stop();
  }
}

/** Three core publish → subscribe hops, each relay on its own connection; closed loop, `n` samples. */
export async function natsFloor(
  conn: (name: string) => Promise<NatsConnection>,
  n: number,
): Promise<Histogram> {
  const a = await conn('floor-a');
  const b = await conn('floor-b');
  const c = await conn('floor-c');
  const d = await conn('floor-d');
  b.subscribe('floor.1', { callback: (_e, m) => b.publish('floor.2', m.data) });
  c.subscribe('floor.2', { callback: (_e, m) => c.publish('floor.3', m.data) });
  let arrived: (() => void) | undefined;
  d.subscribe('floor.3', { callback: () => arrived?.() });
  await Promise.all([b.flush(), c.flush(), d.flush()]);
  // a payload the size of a trade event
  const payload = new TextEncoder().encode(
    JSON.stringify({
      type: 'trade',
      v: 1,
      net: 'sim',
      id: 'trade:ETH:1700000000000:1',
      coin: 'ETH',
      side: 'buy',
      px: '3000.1',
      sz: '0.0100',
      tid: 1,
      hash: `0x${'0'.repeat(64)}`,
      exchTsMs: 1_700_000_000_000,
      recvTsMs: 1_700_000_000_000.5,
    }),
  );
  const h = histogram();
  for (let i = 0; i < n + 500; i++) {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const t0 = now();
    a.publish('floor.1', payload);
    await done;
    if (i >= 500) record(h, now() - t0);
  }
  return h;
}

async function simMid(httpUrl: string): Promise<number> {
  const res = await fetch(`${httpUrl}/info`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'allMids' }),
  });
  const mids = (await res.json()) as Record<string, string>;
  const mid = Number(mids[COIN]);
  if (!Number.isFinite(mid) || mid <= 0) throw new Error(`pipeline bench: no ${COIN} mid on the simulator`);
  return mid;
}

export function cloidOf(raw: unknown): string | undefined {
  const action = (raw as { action?: { type?: unknown; orders?: { c?: unknown }[] } } | null)?.action;
  if (action?.type !== 'order') return undefined;
  const c = action.orders?.[0]?.c;
  return typeof c === 'string' ? c.toLowerCase() : undefined;
}

export function row(label: string, h: Histogram): string[] {
  if (h.totalCount === 0) return [label, '—', '—', '—', '—', '—', '0'];
  return [
    label,
    fmt(pctMs(h, 50)),
    fmt(pctMs(h, 90)),
    fmt(pctMs(h, 99)),
    fmt(pctMs(h, 99.9)),
    fmt(h.maxValue / 1000),
    String(h.totalCount),
  ];
}

function fmt(ms: number): string {
  if (ms >= 1000) return Math.round(ms).toLocaleString('en-US');
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(3);
}
