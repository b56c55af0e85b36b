// Execution latency and throughput on loopback (real nats-server, the simulator over HTTP), each
// against a baseline measured in the same run (ratios, not absolute times).
// Run: npm run bench -w @hyperflow/execution. Writes services/execution/bench/results/latest.json.
// A benchmark never fails CI.
import { type Result, runBench, type Suite, sized } from '@hyperflow/bench';
import { provision } from '@hyperflow/bus';
import { type MidsEvent, type SignalEmitted, subjects } from '@hyperflow/contracts';
import { InfoClient } from '@hyperflow/hyperliquid';
import { startSimulator } from '@hyperflow/simulator';
import { startNats } from '@hyperflow/testkit';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { startExecution } from '../src/app.js';
import { ExecutionConfig } from '../src/config.js';
import { loadSigningKey } from '../src/keys/keys.js';

let results: Result[] = [];
const SIGNALS = sized(200, 30);
const BURST = sized(500, 50);
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(natsUrl: string, mode: 'sim' | 'dry-run', n: number, paceMs: number) {
  const root = `bench${mode === 'sim' ? 's' : 'd'}`;
  const prefix = `BENCH_${root.toUpperCase()}_`;
  const nc = await connect({ servers: natsUrl });
  await provision(nc, { root, namePrefix: prefix });
  const wallet = Wallet.createRandom();
  const account = wallet.address.toLowerCase();
  const sim = await startSimulator({ seed: 5, tickMs: 0, accounts: { [account]: '100000000' } });
  const subj = subjects('sim', root);
  const js = jetstream(nc);

  // the moment each order leaves for /exchange, by cloid
  const sentAt = new Map<string, number>();
  const timed: typeof fetch = (input, init) => {
    if (String(input).endsWith('/exchange') && typeof init?.body === 'string') {
      const cloid = /"c":"(0x[0-9a-f]{32})"/.exec(init.body)?.[1];
      if (cloid !== undefined && !sentAt.has(cloid)) sentAt.set(cloid, now());
    }
    return fetch(input, init);
  };
  const config = ExecutionConfig.parse({
    HL_NETWORK: 'sim',
    EXEC_MODE: mode,
    HL_REST_URL: sim.httpUrl,
    EXEC_PRIVATE_KEY: wallet.privateKey,
    NATS_URL: natsUrl,
    SUBJECT_ROOT: root,
    STREAM_PREFIX: prefix,
    FOLLOW_ACCOUNT: 'false',
    EXEC_REST_WEIGHT_PER_MINUTE: '1200',
    RISK_MAX_ORDERS_PER_MINUTE: '100000',
    RISK_MAX_OPEN_ORDERS: '100000',
    RISK_MAX_POSITION_NOTIONAL_PER_COIN: '100000000',
    RISK_MAX_TOTAL_POSITION_NOTIONAL: '100000000',
    DEADMAN_AFTER_MS: '0',
  });
  const app = await startExecution({
    config,
    nc,
    log: pino({ level: 'silent' }),
    signer: loadSigningKey({ value: wallet.privateKey }),
    fetch: timed,
  });
  const mids = await new InfoClient({ baseUrl: sim.httpUrl }).allMids();
  const mid = String(mids.ETH);
  const midsEvent: MidsEvent = {
    type: 'mids',
    v: 1,
    net: 'sim',
    id: 'm',
    mids: { ETH: mid },
    exchTsMs: Date.now(),
    recvTsMs: Date.now(),
  };
  nc.publish(subj.mids(), JSON.stringify(midsEvent));
  await nc.flush();

  const published = new Map<string, number>();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const s: SignalEmitted = {
      type: 'signal',
      v: 1,
      net: 'sim',
      id: `bench-${mode}-${i}`,
      strategy: 'bench',
      coin: 'ETH',
      side: i % 2 === 0 ? 'buy' : 'sell',
      size: '0.01',
      style: 'limit',
      limitPx: (Number(mid) * (i % 2 === 0 ? 0.995 : 1.005)).toFixed(1),
      reduceOnly: false,
      reason: 'bench',
      causes: [{ id: 'x', exchTsMs: Date.now(), recvTsMs: Date.now() }],
      createdAtMs: Date.now(),
      ttlMs: 60_000,
    };
    published.set(app.executor.orderIdFor(s), now());
    await js.publish(subj.signal('bench', 'ETH'), JSON.stringify(s), { msgID: s.id });
    if (paceMs > 0) await sleep(paceMs);
  }
  const done = () => (app.stats().consumer as { acked: number }).acked;
  while (done() < n) await sleep(5);
  const elapsedS = (now() - t0) / 1000;
  const lat: number[] = [];
  for (const [cloid, t] of published) {
    const sent = sentAt.get(cloid);
    if (sent !== undefined) lat.push(sent - t);
  }
  await app.stop();
  await sim.close();
  await nc.close();
  return { lat, ratePerS: n / elapsedS, venueOrders: sim.ledger().filter((e) => e.kind === 'order').length };
}

/** The bus hop alone: JetStream publish → a plain subscriber, and awaited publishes per second. */
async function baseline(natsUrl: string, n: number) {
  const nc = await connect({ servers: natsUrl });
  await provision(nc, { root: 'benchb', namePrefix: 'BENCH_B_' });
  const subj = subjects('sim', 'benchb');
  const js = jetstream(nc);
  const lat: number[] = [];
  const sub = nc.subscribe(subj.all.signals, {
    callback: (_e, m) => {
      lat.push(now() - (m.json() as { t: number }).t);
    },
  });
  for (let i = 0; i < n; i++) {
    await js.publish(subj.signal('bench', 'ETH'), JSON.stringify({ t: now() }), { msgID: `b${i}` });
    await sleep(2);
  }
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await js.publish(subj.signal('bench', 'ETH'), JSON.stringify({ t: now() }), { msgID: `r${i}` });
  }
  const ratePerS = n / ((now() - t0) / 1000);
  await sleep(200);
  sub.unsubscribe();
  await nc.close();
  return { lat, ratePerS };
}

async function execution(): Promise<Result[]> {
  results = [];
  const nats = await startNats();
  try {
    const base = await baseline(nats.url, SIGNALS);
    // paced: one signal every 20 ms keeps the sender inside the per-IP budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits)
    const sim = await run(nats.url, 'sim', SIGNALS, 20);
    for (const [p, name] of [
      [50, 'p50'],
      [99, 'p99'],
    ] as const) {
      results.push({
        suite: 'execution',
        name: `signal published → order sent to /exchange, ${name} (risk, round, sign, 4 awaited appends)`,
        value: Number(pct(sim.lat, p).toFixed(3)),
        unit: 'ms',
        baseline: 'JetStream publish → plain subscriber',
        baselineValue: Number(pct(base.lat, p).toFixed(3)),
        ratio: pct(base.lat, p) / pct(sim.lat, p),
        target: 'reported (no target)',
        meetsTarget: true,
      });
    }
    results.push({
      suite: 'execution',
      name: 'orders sent / signals (sim, paced)',
      value: sim.venueOrders,
      unit: 'orders',
      baseline: 'signals',
      baselineValue: SIGNALS,
      ratio: sim.venueOrders / SIGNALS,
      target: 'reported (no target)',
      meetsTarget: true,
    });
    // unpaced, dry-run: the service's own ceiling (sign + record), no venue budget involved
    const dry = await run(nats.url, 'dry-run', BURST, 0);
    results.push({
      suite: 'execution',
      name: `sustained signals → signed, recorded orders per second (dry-run, burst of ${BURST})`,
      value: Math.round(dry.ratePerS),
      unit: 'orders/s',
      baseline: 'awaited JetStream publishes per second',
      baselineValue: Math.round(base.ratePerS),
      ratio: dry.ratePerS / base.ratePerS,
      target: 'reported (no target)',
      meetsTarget: true,
    });
  } finally {
    await nats.stop();
  }
  return results;
}

export const executionSuite: Suite = { name: 'execution', run: execution };

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench([executionSuite], { json: new URL('./results/latest.json', import.meta.url) });
}
