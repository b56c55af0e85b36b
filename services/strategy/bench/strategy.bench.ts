// Strategy host throughput and tick-to-signal latency over NATS on loopback, each against a
// baseline measured in the same run (ratios, not absolute times).
// Run: npm run bench -w @hyperflow/strategy. Writes services/strategy/bench/results/latest.json.
// A benchmark never fails CI.
import { type Result, runBench, type Suite, sized } from '@hyperflow/bench';
import { provision } from '@hyperflow/bus';
import { subjects } from '@hyperflow/contracts';
import { startNats } from '@hyperflow/testkit';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { loadStrategies } from '../src/host/catalog.js';
import { createHost } from '../src/host/host.js';
import { startEngine } from '../src/runtime/engine.js';
import type { LoadedStrategy } from '../src/strategies/strategy.js';
import { position, trade } from '../src/test-support/events.js';
import { syntheticMarket } from '../src/test-support/market.js';
import { exampleHost } from '../src/test-support/strategies.js';

let results: Result[] = [];
const TICKS = sized(500, 50);
const now = () => performance.timeOrigin + performance.now();

function hostThroughput(): void {
  const events = syntheticMarket({ minutes: sized(2_000, 200), tradesPerMinute: 10 });
  const identity: LoadedStrategy = {
    name: 'noop',
    coins: ['BTC'],
    initial: () => null,
    decide: (s) => ({ state: s, signals: [] }),
  };
  const rate = (host: ReturnType<typeof createHost>) => {
    let state = host.init();
    const t0 = performance.now();
    for (const e of events) state = host.decide(state, e, 0).state;
    return events.length / ((performance.now() - t0) / 1000);
  };
  rate(exampleHost()); // warm-up
  const real = rate(exampleHost());
  const base = rate(createHost([identity]));
  results.push({
    suite: 'strategy',
    name: 'host events/s (trend + exit manager, trades and bbo)',
    value: Math.round(real),
    unit: 'events/s',
    baseline: 'host with a no-op strategy',
    baselineValue: Math.round(base),
    ratio: real / base,
    target: 'reported (no target)',
    meetsTarget: true,
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function tickToSignal(url: string): Promise<void> {
  const root = 'bench';
  const nc = await connect({ servers: url });
  await provision(nc, { root, namePrefix: 'BENCH_' });
  const subj = subjects('sim', root);
  const js = jetstream(nc);
  // baseline: the same JetStream publish, received by a plain subscriber (no strategy hop)
  const baseLat: number[] = [];
  const baseSub = nc.subscribe(subj.trade('BTC'), {
    callback: (_e, m) => {
      baseLat.push(now() - (m.json() as { recvTsMs: number }).recvTsMs);
    },
  });
  for (let i = 0; i < TICKS; i++) {
    const t = now();
    await js.publish(subj.trade('BTC'), JSON.stringify(trade('BTC', i, '1', { recvTsMs: t })), {
      msgID: `b${i}`,
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  baseSub.unsubscribe();

  // an exit manager with a 1 ms TTL re-fires on every tick while the position stays open
  const host = createHost(
    loadStrategies({
      strategies: [{ kind: 'exits', config: { coins: { ETH: { stopLoss: '0.02', ttlMs: 1 } } } }],
    }),
  );
  const engine = await startEngine({
    nc,
    net: 'sim',
    root,
    streamPrefix: 'BENCH_',
    instance: 'bench',
    host,
    lookbackMs: 60_000,
  });
  await js.publish(subj.position('ETH'), JSON.stringify(position('ETH', 1, '1', '100')), { msgID: 'pos' });
  const lat: number[] = [];
  const sig = nc.subscribe(subj.all.signals, {
    callback: (_e, m) => {
      const cause = (m.json() as { causes: { recvTsMs: number }[] }).causes[0];
      if (cause !== undefined) lat.push(now() - cause.recvTsMs);
    },
  });
  for (let i = 0; i < TICKS; i++) {
    const t = now();
    await js.publish(subj.trade('ETH'), JSON.stringify(trade('ETH', 10 + i * 2, '90', { recvTsMs: t })), {
      msgID: `e${i}`,
    });
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 500));
  sig.unsubscribe();
  await engine.stop();
  for (const [p, name] of [
    [50, 'p50'],
    [99, 'p99'],
  ] as const) {
    results.push({
      suite: 'strategy',
      name: `tick-to-signal ${name} over NATS loopback (JetStream in, JetStream out)`,
      value: Number(pct(lat, p).toFixed(3)),
      unit: 'ms',
      baseline: 'JetStream publish → plain subscriber of the tick',
      baselineValue: Number(pct(baseLat, p).toFixed(3)),
      ratio: pct(baseLat, p) / pct(lat, p),
      target: 'reported (no target)',
      meetsTarget: true,
    });
  }
  results.push({
    suite: 'strategy',
    name: 'signals received / ticks sent',
    value: lat.length,
    unit: 'signals',
    baseline: 'ticks',
    baselineValue: TICKS,
    ratio: lat.length / TICKS,
    target: 'reported (no target)',
    meetsTarget: true,
  });
  await nc.close();
}

async function strategy(): Promise<Result[]> {
  results = [];
  hostThroughput();
  const nats = await startNats();
  try {
    await tickToSignal(nats.url);
  } finally {
    await nats.stop();
  }
  return results;
}

export const strategySuite: Suite = { name: 'strategy', run: strategy };

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench([strategySuite], { json: new URL('./results/latest.json', import.meta.url) });
}
