import {
  type Detail,
  freePort,
  httpGet,
  httpOk,
  killAll,
  type Proc,
  promValue,
  type Result,
  type Suite,
  sampleRss,
  sized,
  sleep,
  spawnService,
  summarize,
  waitUntil,
} from '@hyperflow/bench';
import { provision, provisionDurables } from '@hyperflow/bus';
import { Wallet } from 'ethers';
import { spawnBareNatsClient, startStackNats } from '../pipeline/stack-nats.js';

/** ingestor venue subscriptions measured (the issue: 100 and 1000) */
const SIZES = sized([100, 1000], [100]);
/** every coin gets these five channels: subscriptions = coins × 5 */
const CHANNELS = ['trades', 'l2Book', 'bbo', 'candle', 'activeAssetCtx'] as const;
/** after every subscription is live: let the heaps and the JIT settle before sampling */
const WARMUP_MS = Number(process.env.BENCH_MEMORY_WARMUP_MS ?? sized(8_000, 1_000));
const SAMPLES = sized(10, 3);
const SAMPLE_EVERY_MS = 500;
/** the issue's target: each service under 150 MB RSS (MB = 10^6 bytes, the stricter reading) */
const TARGET_MB = 150;
const MB = 1e6;

const STRATEGIES = {
  strategies: [
    {
      kind: 'momentum',
      name: 'momentum',
      config: {
        coins: {
          BTC: { threshold: '0.0005', size: '0.001', cooldownMs: 2000 },
          ETH: { threshold: '0.0005', size: '0.01', cooldownMs: 2000 },
        },
      },
    },
  ],
};

const SERVICES = ['simulator', 'ingestor', 'strategy', 'execution'] as const;

interface Measured {
  readonly size: number;
  readonly rss: Record<(typeof SERVICES)[number] | 'baseline', { median: number; max: number; min: number }>;
  readonly live: number;
}

/**
 * RSS of each service as its own process (like `hyperflow up`: built entries, nats-server with
 * one user per service) at 100 and 1000 ingestor venue subscriptions. Steady state: every
 * subscription live, a warm-up, then 10 VmRSS samples 0.5 s apart; max and median reported. The
 * baseline in the same run is a bare Node.js process that only connects to the same NATS server.
 */
async function memory(): Promise<Result[]> {
  const measured: Measured[] = [];
  for (const size of SIZES) measured.push(await measure(size));

  const results: Result[] = [];
  for (const m of measured) {
    const base = m.rss.baseline.median;
    for (const svc of SERVICES) {
      const r = m.rss[svc];
      results.push({
        suite: 'memory',
        name: `${svc} RSS at ${m.size} subscriptions (max of ${SAMPLES} samples after warm-up)`,
        value: r.max / MB,
        unit: 'MB',
        baseline: 'bare node process connected to NATS (median RSS)',
        baselineValue: base / MB,
        ratio: base / r.max,
        target: `each service under ${TARGET_MB} MB RSS`,
        meetsTarget: r.max < TARGET_MB * MB,
        issue: 16,
      });
    }
  }
  const rows: string[][] = measured.flatMap((m) => [
    ...SERVICES.map((svc) => {
      const r = m.rss[svc];
      return [
        svc,
        String(m.size),
        (r.median / MB).toFixed(1),
        (r.max / MB).toFixed(1),
        (r.min / MB).toFixed(1),
        `${((r.median - m.rss.baseline.median) / MB).toFixed(1)}`,
      ];
    }),
    [
      'baseline: bare node + NATS connection',
      String(m.size),
      (m.rss.baseline.median / MB).toFixed(1),
      (m.rss.baseline.max / MB).toFixed(1),
      (m.rss.baseline.min / MB).toFixed(1),
      '0.0',
    ],
  ]);
  const detail: Detail = {
    title: 'Memory per service (separate processes)',
    note: [
      'Each service runs as its own process from its built entry (`services/<name>/dist/main.js`), as `hyperflow up` starts them,',
      'against nats-server with `infra/nats/nats.conf` (one user per service). Subscriptions = ingestor venue WS subscriptions:',
      `coins × ${CHANNELS.length} channels (${CHANNELS.join(', ')}); coins are BTC, ETH and the simulator's synthetic perps`,
      '(`SIM_SYNTHETIC_PERPS`), so 100 = 20 coins and 1000 = 200 coins, the venue per-IP cap. The simulator publishes every',
      'coin it lists; the strategy (momentum on BTC and ETH) and execution (sim mode, REST, account follower off so the',
      'per-IP cap holds the ingestor’s 1000) run beside them. VmRSS from `/proc/<pid>/status`, sampled',
      `${SAMPLES} times ${SAMPLE_EVERY_MS} ms apart after all subscriptions are live and ${WARMUP_MS / 1000} s of warm-up. MB = 10^6 bytes.`,
      `Live subscriptions reported by the ingestor: ${measured.map((m) => `${m.live} of ${m.size}`).join(', ')}.`,
    ].join('\n'),
    header: ['process', 'subscriptions', 'median MB', 'max MB', 'min MB', 'median over baseline MB'],
    rows,
  };
  const last = results.length - 1;
  const tail = results[last];
  if (tail !== undefined) results[last] = { ...tail, detail };
  return results;
}

async function measure(size: number): Promise<Measured> {
  const coinCount = size / CHANNELS.length;
  const coins = ['BTC', 'ETH', ...Array.from({ length: coinCount - 2 }, (_, i) => `SYN${i}`)];
  const nats = await startStackNats();
  const procs: Proc[] = [];
  try {
    const admin = await nats.connect('provisioner', 'bench-memory-admin');
    try {
      await provision(admin);
      await provisionDurables(admin, { net: 'sim' });
    } finally {
      await admin.close();
    }
    const wallet = Wallet.createRandom();
    const ports = {
      simulator: await freePort(),
      ingestor: await freePort(),
      strategy: await freePort(),
      execution: await freePort(),
    };
    const sim = `127.0.0.1:${ports.simulator}`;
    const venue = { HL_NETWORK: 'sim', HL_REST_URL: `http://${sim}` };
    const simulator = spawnService('simulator', {
      SIM_PORT: String(ports.simulator),
      SIM_SEED: '42',
      SIM_ACCOUNTS: `${wallet.address.toLowerCase()}=100000`,
      SIM_SYNTHETIC_PERPS: String(coinCount),
    });
    procs.push(simulator);
    await waitUntil(() => httpOk(`http://${sim}/_sim/ledger`), 30_000, simulator, 'simulator ready');
    const ingestor = spawnService('ingestor', {
      ...nats.env('ingestor'),
      ...venue,
      HL_WS_URL: `ws://${sim}/ws`,
      HTTP_PORT: String(ports.ingestor),
      COINS: coins.join(','),
      CHANNELS: CHANNELS.join(','),
    });
    procs.push(ingestor);
    const strategy = spawnService('strategy', {
      ...nats.env('strategy'),
      HL_NETWORK: 'sim',
      HTTP_PORT: String(ports.strategy),
      STRATEGIES_JSON: JSON.stringify(STRATEGIES),
    });
    procs.push(strategy);
    const execution = spawnService('execution', {
      ...nats.env('execution'),
      ...venue,
      HTTP_PORT: String(ports.execution),
      EXEC_MODE: 'sim',
      EXEC_PRIVATE_KEY: wallet.privateKey,
      FOLLOW_ACCOUNT: 'false',
    });
    procs.push(execution);
    const bare = await spawnBareNatsClient(nats, 'strategy');
    procs.push(bare);

    for (const [p, port] of [
      [ingestor, ports.ingestor],
      [strategy, ports.strategy],
      [execution, ports.execution],
    ] as const) {
      await waitUntil(() => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000, p, `${p.name} /readyz`);
    }
    let live = 0;
    await waitUntil(
      async () => {
        const m = await httpGet(`http://127.0.0.1:${ports.ingestor}/metrics`);
        live = (m && promValue(m.body, 'ingestor_live_subscriptions')) ?? 0;
        return live >= size;
      },
      90_000,
      ingestor,
      `${size} live ingestor subscriptions (last seen ${live})`,
    );
    await sleep(WARMUP_MS);
    const samples = await sampleRss(procs, SAMPLES, SAMPLE_EVERY_MS);
    const pick = (p: Proc) => summarize(samples.get(p) ?? []);
    return {
      size,
      live,
      rss: {
        simulator: pick(simulator),
        ingestor: pick(ingestor),
        strategy: pick(strategy),
        execution: pick(execution),
        baseline: pick(bare),
      },
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop(3_000)));
    await killAll();
    await nats.stop();
  }
}

export const memorySuite: Suite = { name: 'memory', run: memory };
