// The event store's order step: K events appended sequentially (K acked publishes) against one
// ADR-50 atomic batch (one round trip), on file and memory storage, each against a baseline from
// the same run on the same stream: one acked single-event append (the floor of a durable step).
// Run alone: npm run bench -w @hyperflow/bus (both bus suites; BENCH_SIZE=small for a quick check).
import { type Result, runBench, type Suite, sized } from '@hyperflow/bench';
import { subjects } from '@hyperflow/contracts';
import { startNatsBinary } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { type AppendStrategy, createEventStore, provision } from '../src/index.js';
import { publishSuite } from './publish.bench.js';

const Ev = z.object({ type: z.literal('step'), order: z.string(), k: z.number().int(), pad: z.string() });
type Ev = z.infer<typeof Ev>;
const STEPS = Number(process.env.BENCH_STEPS ?? sized(400, 60));
const WARMUP = sized(40, 10);
/** steps per order: an order subject sees a few steps, as in execution */
const STEPS_PER_ORDER = 4;

const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

interface Row {
  readonly storage: 'file' | 'memory';
  readonly strategy: AppendStrategy | 'baseline';
  readonly k: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** per-step latencies (ms) of `steps` appends of `k` events, a few steps per order subject */
async function measure(
  nc: NatsConnection,
  stream: string,
  root: string,
  label: string,
  strategy: AppendStrategy,
  k: number,
): Promise<number[]> {
  const es = await createEventStore({ nc, stream, schema: Ev, strategy });
  const subj = subjects('sim', root);
  const lats: number[] = [];
  let last = 0;
  for (let i = 0; i < WARMUP + STEPS; i += 1) {
    const order = `${label}-${Math.floor(i / STEPS_PER_ORDER)}`;
    if (i % STEPS_PER_ORDER === 0) last = 0;
    const events: Ev[] = Array.from({ length: k }, (_, j) => ({
      type: 'step',
      order,
      k: j,
      pad: 'x'.repeat(200),
    }));
    const msgIds = events.map((_, j) => `${order}:${i}:${j}`);
    const t0 = performance.now();
    const r = await es.append(subj.order(order), events, { expectedLastSubjectSeq: last, msgIds });
    const dt = performance.now() - t0;
    last = r.lastSeq;
    if (i >= WARMUP) lats.push(dt);
  }
  return lats;
}

async function eventStore(): Promise<Result[]> {
  const nats = await startNatsBinary();
  const nc = await connect({ servers: nats.url });
  const rows: Row[] = [];
  try {
    for (const storage of ['file', 'memory'] as const) {
      const root = `bench${storage}`;
      const r = await provision(nc, {
        root,
        namePrefix: `BENCH_${storage.toUpperCase()}_`,
        limits: { streams: { EXECUTION: { storage, allowAtomicPublish: true, maxBytes: 512 * 2 ** 20 } } },
      });
      const stream = r.streams.EXECUTION.name;
      const base = await measure(nc, stream, root, 'base', 'sequential', 1);
      rows.push({ storage, strategy: 'baseline', k: 1, p50Ms: pct(base, 50), p99Ms: pct(base, 99) });
      for (const k of [2, 4]) {
        for (const strategy of ['sequential', 'atomic'] as const) {
          const lats = await measure(nc, stream, root, `${strategy}${k}`, strategy, k);
          rows.push({ storage, strategy, k, p50Ms: pct(lats, 50), p99Ms: pct(lats, 99) });
        }
      }
    }
  } finally {
    await nc.close();
    await nats.stop();
  }
  const find = (storage: string, strategy: string, k: number) =>
    rows.find((b) => b.storage === storage && b.strategy === strategy && b.k === k) as Row;
  const results: Result[] = rows
    .filter((r) => r.strategy !== 'baseline')
    .map((r) => {
      const base = find(r.storage, 'baseline', 1);
      return {
        suite: 'event-store',
        name: `${r.strategy} step of K=${r.k}, ${r.storage} R1, p50`,
        value: r.p50Ms,
        unit: 'ms',
        baseline: `one acked single-event append, ${r.storage} R1, p50`,
        baselineValue: base.p50Ms,
        ratio: base.p50Ms / r.p50Ms,
        target: 'reported: the numbers behind the append strategy (auto) choice',
        meetsTarget: true,
      };
    });
  const last = results.length - 1;
  results[last] = {
    ...(results[last] as Result),
    detail: {
      title: 'Order step: sequential appends against one atomic batch (one nats-server)',
      note: `${STEPS} steps each after ${WARMUP} of warm-up, ${STEPS_PER_ORDER} steps per order subject, each event ~200 bytes. "vs sequential" < 1: the atomic batch is faster for that K and storage.`,
      header: ['storage', 'strategy', 'K', 'p50 ms', 'p99 ms', 'p50 in one-append units', 'vs sequential'],
      rows: rows.map((r) => [
        r.storage,
        r.strategy,
        String(r.k),
        r.p50Ms.toFixed(3),
        r.p99Ms.toFixed(3),
        (r.p50Ms / find(r.storage, 'baseline', 1).p50Ms).toFixed(2),
        r.strategy === 'baseline' ? '—' : (r.p50Ms / find(r.storage, 'sequential', r.k).p50Ms).toFixed(2),
      ]),
    },
  };
  return results;
}

export const eventStoreSuite: Suite = { name: 'event-store', run: eventStore };
export const busSuites: readonly Suite[] = [publishSuite, eventStoreSuite];

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench(busSuites, { json: new URL('./results/latest.json', import.meta.url) });
}
