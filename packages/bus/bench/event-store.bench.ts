// The event store's order step: K events appended sequentially (K acked publishes) against one
// ADR-50 atomic batch (one round trip), on file and memory storage, each against a baseline from
// the same run on the same stream: one acked single-event append (the floor of a durable step).
// Run: PATH=$PWD/.hyperflow/bin:$PATH npm run bench -w @hyperflow/bus
// Writes packages/bus/bench/results/latest.json. A benchmark never fails CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { subjects } from '@hyperflow/contracts';
import { startNatsBinary } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { type AppendStrategy, createEventStore, provision } from '../src/index.js';

const Ev = z.object({ type: z.literal('step'), order: z.string(), k: z.number().int(), pad: z.string() });
type Ev = z.infer<typeof Ev>;
const STEPS = Number(process.env.BENCH_STEPS ?? 400);
const WARMUP = 40;
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

const results = rows
  .filter((r) => r.strategy !== 'baseline')
  .map((r) => {
    const base = rows.find((b) => b.storage === r.storage && b.strategy === 'baseline') as Row;
    const seq = rows.find(
      (b) => b.storage === r.storage && b.strategy === 'sequential' && b.k === r.k,
    ) as Row;
    return {
      suite: 'event-store',
      name: `${r.strategy} step of K=${r.k}, ${r.storage} R1, p50`,
      value: r.p50Ms,
      p99Ms: r.p99Ms,
      unit: 'ms',
      baseline: `one acked single-event append, ${r.storage} R1, p50`,
      baselineValue: base.p50Ms,
      /** step latency in units of one durable round trip (1.0 = the floor) */
      ratio: r.p50Ms / base.p50Ms,
      /** atomic against sequential for the same K and storage (< 1: atomic is faster) */
      vsSequential: r.p50Ms / seq.p50Ms,
    };
  });
console.log(`event-store bench: ${STEPS} steps each, nats-server on loopback, ${cpus().length} cores`);
for (const r of rows.filter((x) => x.strategy === 'baseline')) {
  console.log(
    `  baseline ${r.storage}: one acked append p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms`,
  );
}
for (const r of results) {
  console.log(
    `  ${r.name}: ${r.value.toFixed(3)} ms (p99 ${r.p99Ms.toFixed(3)}) = ${r.ratio.toFixed(2)}× baseline, ${r.vsSequential.toFixed(2)}× sequential`,
  );
}
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL('latest.json', dir),
  `${JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, steps: STEPS, results }, null, 2)}\n`,
);
