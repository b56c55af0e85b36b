import { LeasedBudget } from '@hyperflow/hyperliquid';
import { FakeTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { type CasStore, KvLeaseSource } from './kv-lease-source.js';

/** An in-memory compare-and-set store with NATS KV semantics; `beforeWrite` lets a test interleave. */
class FakeKv implements CasStore {
  private readonly data = new Map<string, { value: Uint8Array; revision: number }>();
  private seq = 0;
  writes = 0;
  conflicts = 0;
  beforeWrite: (() => Promise<void>) | undefined;

  async get(key: string) {
    return this.data.get(key) ?? null;
  }
  async create(key: string, value: Uint8Array): Promise<number> {
    await this.hook();
    if (this.data.has(key)) {
      this.conflicts++;
      throw new Error('wrong last sequence: key exists');
    }
    return this.put(key, value);
  }
  async update(key: string, value: Uint8Array, version: number): Promise<number> {
    await this.hook();
    if (this.data.get(key)?.revision !== version) {
      this.conflicts++;
      throw new Error('wrong last sequence');
    }
    return this.put(key, value);
  }
  private async hook(): Promise<void> {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    await hook?.();
  }
  private put(key: string, value: Uint8Array): number {
    this.writes++;
    this.data.set(key, { value, revision: ++this.seq });
    return this.seq;
  }
}

function maxInAnyMinute(grants: { at: number; weight: number }[]): number {
  let max = 0;
  for (const g of grants) {
    const sum = grants.filter((x) => x.at >= g.at && x.at < g.at + 60_000).reduce((s, x) => s + x.weight, 0);
    max = Math.max(max, sum);
  }
  return max;
}

describe('KvLeaseSource on a compare-and-set store', () => {
  it('leases up to the limit, then says when weight frees', async () => {
    const time = new FakeTime(10_000);
    const kv = new FakeKv();
    const source = new KvLeaseSource({ store: kv, key: 'ip.a', limit: 250, clock: time });
    expect(await source.lease(100)).toEqual({ leased: 100, expiresAtMs: 15_000 });
    expect(await source.lease(100)).toEqual({ leased: 100, expiresAtMs: 15_000 });
    expect(await source.lease(100)).toEqual({ leased: 50, expiresAtMs: 15_000 });
    // Counted for window + lease lifetime + skew margin: 60 000 + 5 000 + 1 000 from the 10 000 bucket.
    expect(await source.lease(100)).toEqual({ leased: 0, expiresAtMs: 15_000, retryAtMs: 76_000 });
    await time.advance(66_000);
    expect(await source.lease(100)).toMatchObject({ leased: 100 });
  });

  it('a writer that loses the race re-reads and never double-spends', async () => {
    const time = new FakeTime();
    const kv = new FakeKv();
    const a = new KvLeaseSource({ store: kv, key: 'ip.a', limit: 150, clock: time });
    const b = new KvLeaseSource({ store: kv, key: 'ip.a', limit: 150, clock: time });
    await a.lease(10);
    // b writes between a's read and a's write.
    kv.beforeWrite = async () => {
      expect(await b.lease(100)).toMatchObject({ leased: 100 });
    };
    expect(await a.lease(100)).toMatchObject({ leased: 40 });
    expect(kv.conflicts).toBe(1);
    expect(await b.lease(1)).toMatchObject({ leased: 0 });
  });

  it('exhaust blocks every process until the given time', async () => {
    const time = new FakeTime();
    const kv = new FakeKv();
    const a = new KvLeaseSource({ store: kv, key: 'ip.a', clock: time });
    const b = new KvLeaseSource({ store: kv, key: 'ip.a', clock: time });
    await a.exhaust(30_000);
    expect(await b.lease(10)).toMatchObject({ leased: 0, retryAtMs: 30_000 });
    await time.advance(30_000);
    expect(await b.lease(10)).toMatchObject({ leased: 10 });
  });

  it('gives up with a clear error when it can never write', async () => {
    const time = new FakeTime();
    const store: CasStore = {
      get: async () => null,
      create: async () => {
        throw new Error('wrong last sequence');
      },
      update: async () => 0,
    };
    const source = new KvLeaseSource({ store, key: 'ip.a', clock: time, maxAttempts: 3 });
    await expect(source.lease(1)).rejects.toThrow(/ip\.a: no write after 3 attempts/);
  });

  it('three processes sharing one record, each spending 1000 in the same minute, stay within 1200 per minute', async () => {
    const time = new FakeTime(1_000_000);
    const kv = new FakeKv();
    const grants: { at: number; weight: number }[] = [];
    const processes = [0, 1, 2].map(
      () =>
        new LeasedBudget({
          source: new KvLeaseSource({ store: kv, key: 'ip.shared', clock: time }),
          chunk: 100,
          clock: time,
          timers: time,
        }),
    );
    const runs = processes.map(async (budget) => {
      for (let i = 0; i < 50; i++) {
        const g = await budget.acquire(20, { priority: 'info', deadlineMs: time.now() + 600_000 });
        if (g.granted) grants.push({ at: g.atMs, weight: g.weight });
      }
    });
    for (let step = 0; step < 300 && grants.length < 150; step++) await time.advance(1_000);
    await Promise.all(runs);
    expect(grants.reduce((s, g) => s + g.weight, 0)).toBe(3_000);
    expect(maxInAnyMinute(grants)).toBeLessThanOrEqual(1_200);
    // One record write per chunk of 100 weight, not one per request.
    expect(kv.writes).toBeLessThanOrEqual(35);
  });
});
