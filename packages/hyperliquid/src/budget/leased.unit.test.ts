import { FakeTime, settle } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { LeasedBudget } from './leased.js';
import { MemoryLeaseSource } from './memory-lease-source.js';

/** Largest total weight granted in any sliding 60 s window. */
function maxInAnyMinute(grants: { at: number; weight: number }[]): number {
  const sorted = [...grants].sort((a, b) => a.at - b.at);
  let max = 0;
  for (const g of sorted) {
    const sum = sorted.filter((x) => x.at >= g.at && x.at < g.at + 60_000).reduce((s, x) => s + x.weight, 0);
    max = Math.max(max, sum);
  }
  return max;
}

describe('LeasedBudget over a shared lease source', () => {
  it('serves most acquires from the local lease: about one round trip per chunk', async () => {
    const time = new FakeTime();
    const source = new MemoryLeaseSource({ clock: time });
    const budget = new LeasedBudget({ source, chunk: 100, clock: time, timers: time });
    let granted = 0;
    for (let i = 0; i < 25; i++) {
      const g = await budget.acquire(20, { priority: 'info', deadlineMs: 10_000 });
      if (g.granted) granted += g.weight;
    }
    expect(granted).toBe(500);
    // 500 weight in chunks of 100 (leasing ahead at half a chunk): 5–6 round trips for 25 acquires.
    expect(budget.leaseCalls).toBeLessThanOrEqual(7);
  });

  it('three processes each spending 1000 in the same minute never exceed 1200 in any 60 s window', async () => {
    const time = new FakeTime(1_000_000);
    const source = new MemoryLeaseSource({ clock: time, limit: 1200, leaseTtlMs: 5_000 });
    const grants: { at: number; weight: number }[] = [];
    const processes = [0, 1, 2].map(
      () => new LeasedBudget({ source, chunk: 100, clock: time, timers: time }),
    );
    const runs = processes.map(async (budget) => {
      for (let i = 0; i < 50; i++) {
        const g = await budget.acquire(20, { priority: 'info', deadlineMs: time.now() + 600_000 });
        if (g.granted) grants.push({ at: g.atMs, weight: g.weight });
      }
    });
    for (let step = 0; step < 200 && grants.length < 150; step++) await time.advance(1_000);
    await Promise.all(runs);

    expect(grants.reduce((s, g) => s + g.weight, 0)).toBe(3_000);
    expect(maxInAnyMinute(grants)).toBeLessThanOrEqual(1_200);
    // It took three windows, not one: the excess waited instead of being sent.
    expect(Math.max(...grants.map((g) => g.at)) - 1_000_000).toBeGreaterThanOrEqual(120_000);
    // Starved processes poll the source when weight frees, not per request.
    const calls = processes.reduce((s, p) => s + p.leaseCalls, 0);
    expect(calls).toBeLessThan(150);
  });

  it('keeps priorities across the lease wait: a cancel queued after reads is served first', async () => {
    const time = new FakeTime();
    const source = new MemoryLeaseSource({ clock: time, limit: 40 });
    const budget = new LeasedBudget({ source, chunk: 20, clock: time, timers: time });
    const order: string[] = [];
    const read = budget.acquire(20, { priority: 'info', deadlineMs: 100_000 }).then(() => order.push('read'));
    const read2 = budget
      .acquire(20, { priority: 'info', deadlineMs: 100_000 })
      .then(() => order.push('read2'));
    const cancel = budget
      .acquire(20, { priority: 'cancel', deadlineMs: 100_000 })
      .then(() => order.push('cancel'));
    await settle();
    await time.advance(70_000);
    await Promise.all([read, read2, cancel]);
    expect(order[0]).toBe('cancel');
  });

  it('after a 429 every process sharing the source backs off', async () => {
    const time = new FakeTime();
    const source = new MemoryLeaseSource({ clock: time });
    const a = new LeasedBudget({ source, clock: time, timers: time });
    const b = new LeasedBudget({ source, clock: time, timers: time });
    expect(await a.acquire(10, { priority: 'info', deadlineMs: 1_000 })).toMatchObject({ granted: true });
    a.sync({ kind: 'throttled', retryAfterMs: 30_000 });
    await settle();
    const pb = b.acquire(10, { priority: 'info', deadlineMs: 100_000 });
    await time.advance(29_999);
    expect(b.snapshot().queued).toBe(1);
    await time.advance(1);
    expect(await pb).toMatchObject({ granted: true, atMs: 30_000 });
    // The throttled process dropped its own leftover lease too.
    expect(a.snapshot().available).toBe(0);
    const pa = a.acquire(10, { priority: 'info', deadlineMs: 40_000 });
    await settle();
    expect(await pa).toMatchObject({ granted: true, atMs: 30_000 });
  });

  it('refuses an acquire larger than a chunk, and close() settles waiters', async () => {
    const time = new FakeTime();
    const source = new MemoryLeaseSource({ clock: time, limit: 10 });
    const budget = new LeasedBudget({ source, chunk: 50, clock: time, timers: time });
    expect(await budget.acquire(51, { priority: 'cancel' })).toMatchObject({
      granted: false,
      reason: 'tooLarge',
    });
    const p = budget.acquire(20, { priority: 'info', deadlineMs: 100_000 });
    await settle();
    budget.close();
    expect(await p).toMatchObject({ granted: false, reason: 'closed' });
  });
});
