// Hot-path cost of an acquire: in-process ledger vs the leased (shared) budget.
// Run: npx tsx packages/hyperliquid/src/budget/test-support/bench/ledger.ts
// The lease source stands in for the NATS KV round trip with a fixed delay per lease.
import { LeasedBudget } from '../../leased.js';
import { ipWeightBudget } from '../../ledger.js';
import { MemoryLeaseSource } from '../../memory-lease-source.js';
import type { BudgetLeaseSource, RateBudget } from '../../port.js';

const N = 100_000;
const ROUND_TRIP_MS = Number(process.env.ROUND_TRIP_MS ?? 1);
const LIMIT = 1_000_000_000; // never the bottleneck: this measures overhead, not throttling

function delayed(source: BudgetLeaseSource): BudgetLeaseSource {
  const wait = () => new Promise((r) => setTimeout(r, ROUND_TRIP_MS));
  return {
    lease: async (w) => {
      await wait();
      return source.lease(w);
    },
    exhaust: async (u) => {
      await wait();
      return source.exhaust(u);
    },
  };
}

async function run(name: string, budget: RateBudget, n: number): Promise<number> {
  for (let i = 0; i < 1_000; i++)
    await budget.acquire(1, { priority: 'info', deadlineMs: Date.now() + 60_000 });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const g = await budget.acquire(1, { priority: 'info', deadlineMs: Date.now() + 60_000 });
    if (!g.granted) throw new Error(`${name}: not granted`);
  }
  const nsPerOp = Number(process.hrtime.bigint() - start) / n;
  budget.close();
  console.log(`${name.padEnd(34)} ${nsPerOp.toFixed(0).padStart(9)} ns/acquire`);
  return nsPerOp;
}

const local = await run('in-process ledger', ipWeightBudget({ limit: LIMIT, windowMs: 1_000 }), N);
const leased = await run(
  `leased, chunk 1000, ${ROUND_TRIP_MS} ms round trip`,
  new LeasedBudget({ source: delayed(new MemoryLeaseSource({ limit: LIMIT })), chunk: 1_000, limit: LIMIT }),
  N,
);
const naive = await run(
  `round trip per acquire (chunk 1)`,
  new LeasedBudget({
    source: delayed(new MemoryLeaseSource({ limit: LIMIT })),
    chunk: 1,
    lowWater: 1,
    limit: LIMIT,
  }),
  2_000,
);
console.log(`ratio leased / in-process: ${(leased / local).toFixed(2)}`);
console.log(`ratio round-trip-per-acquire / in-process: ${(naive / local).toFixed(0)}`);
