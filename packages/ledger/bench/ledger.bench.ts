import { type Result, runBench, type Suite, sized, timeUs } from '@hyperflow/bench';
import { ipWeightBudget, LeasedBudget, type RateBudget } from '@hyperflow/hyperliquid';
import { startNats } from '@hyperflow/testkit';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { KvLeaseSource } from '../src/index.js';

const N = sized(50_000, 5_000);
/** never the bottleneck: this measures the cost of asking, not throttling */
const LIMIT = 1_000_000_000;

/** A budget that grants everything at once: the floor any ledger is compared with. */
const noop: Pick<RateBudget, 'acquire'> = { acquire: async () => ({ granted: true, waitedMs: 0 }) as never };

/**
 * Hot-path cost of one budget acquire: the in-process ledger and the ledger shared through a real
 * NATS KV bucket (leased in chunks), against a no-op budget, in the same run.
 */
async function ledger(): Promise<Result[]> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  try {
    const store = await new Kvm(jetstream(nc)).create('bench_ratelimit', { history: 1 });
    const ask = (b: Pick<RateBudget, 'acquire'>) => () =>
      b.acquire(1, { priority: 'info', deadlineMs: Date.now() + 60_000 });
    const floorUs = await timeUs(ask(noop), N, 1000);
    const local = ipWeightBudget({ limit: LIMIT, windowMs: 60_000 });
    const localUs = await timeUs(ask(local), N, 1000);
    local.close();
    const shared = new LeasedBudget({
      source: new KvLeaseSource({ store, key: 'ip.bench', limit: LIMIT }),
      chunk: 1000,
      limit: LIMIT,
    });
    const sharedUs = await timeUs(ask(shared), N, 1000);
    shared.close();
    const row = (name: string, us: number): Result => ({
      suite: 'ledger',
      name,
      value: us * 1000,
      unit: 'ns/acquire',
      baseline: 'no-op budget',
      baselineValue: floorUs * 1000,
      ratio: floorUs / us,
      target: 'no network round trip per request on the hot path',
      // a round trip on loopback costs ~200 µs: anything far below it paid none per request
      meetsTarget: us < 50,
    });
    return [
      row('budget acquire, in-process ledger', localUs),
      row('budget acquire, shared through NATS KV (leased)', sharedUs),
    ];
  } finally {
    await nc.close();
    await nats.stop();
  }
}

export const ledgerSuite: Suite = { name: 'ledger', run: ledger };

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench([ledgerSuite], { json: new URL('./results/latest.json', import.meta.url) });
}
