import { FakeTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { addressActionBudget, ipWeightBudget } from './ledger.js';
import type { Grant } from './port.js';

/** Records grants in settlement order. */
function recorder() {
  const log: { label: string; grant: Grant }[] = [];
  const track = (label: string, p: Promise<Grant>) => p.then((grant) => log.push({ label, grant }));
  return { log, track };
}

describe('BudgetLedger on the per-IP sliding window', () => {
  it('serves cancel > reduce-only > new order > info, and never lets a small read overtake', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    expect((await budget.acquire(100, { priority: 'info' })).granted).toBe(true);
    const { log, track } = recorder();
    const deadlineMs = 120_000;
    track('info', budget.acquire(10, { priority: 'info', deadlineMs }));
    track('new', budget.acquire(40, { priority: 'newOrder', deadlineMs }));
    track('reduce', budget.acquire(40, { priority: 'reduceOnly', deadlineMs }));
    track('cancel', budget.acquire(40, { priority: 'cancel', deadlineMs }));
    await time.advance(59_999);
    expect(log).toEqual([]);
    await time.advance(1);
    // 100 freed at t=60 s: cancel and reduce-only fit (80); the new order (40) does not fit in 20,
    // and the 10-weight read behind it waits too (head-of-line).
    expect(log.map((l) => l.label)).toEqual(['cancel', 'reduce']);
    expect(log[0]?.grant).toMatchObject({ granted: true, atMs: 60_000, waitedMs: 60_000 });
    expect(budget.snapshot()).toEqual({ limit: 100, used: 80, available: 20, queued: 2 });
    await time.advance(60_000);
    expect(log.map((l) => l.label)).toEqual(['cancel', 'reduce', 'new', 'info']);
  });

  it('expires a waiter at its deadline with a clear outcome, and the rest move up', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    await budget.acquire(90, { priority: 'info' });
    const { log, track } = recorder();
    track('big', budget.acquire(50, { priority: 'newOrder', deadlineMs: 1_000 }));
    track('small', budget.acquire(5, { priority: 'info', deadlineMs: 5_000 }));
    await time.advance(999);
    expect(log).toEqual([]);
    await time.advance(1);
    expect(log).toEqual([
      {
        label: 'big',
        grant: {
          granted: false,
          reason: 'deadline',
          weight: 50,
          priority: 'newOrder',
          atMs: 1_000,
          waitedMs: 1_000,
        },
      },
      { label: 'small', grant: { granted: true, weight: 5, priority: 'info', atMs: 1_000, waitedMs: 1_000 } },
    ]);
  });

  it('defaults the deadline to defaultMaxWaitMs and refuses more than the whole budget at once', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, clock: time, timers: time, defaultMaxWaitMs: 250 });
    expect(await budget.acquire(101, { priority: 'cancel' })).toMatchObject({
      granted: false,
      reason: 'tooLarge',
    });
    await budget.acquire(95, { priority: 'newOrder' });
    const p = budget.acquire(5, { priority: 'info' });
    await time.advance(250);
    expect(await p).toMatchObject({ granted: false, reason: 'deadline', waitedMs: 250 });
  });

  it('refills as spends leave the sliding window', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    await budget.acquire(60, { priority: 'info' });
    await time.advance(30_000);
    await budget.acquire(40, { priority: 'info' });
    await time.advance(10_000);
    const p = budget.acquire(50, { priority: 'info', deadlineMs: 200_000 });
    await time.advance(19_999);
    expect(budget.snapshot().queued).toBe(1);
    await time.advance(1);
    // The 60 spent at t=0 left the window at t=60 s; the 40 from t=30 s is still in it.
    expect(await p).toMatchObject({ granted: true, atMs: 60_000 });
    expect(budget.snapshot()).toMatchObject({ used: 90, available: 10 });
  });

  it('keeps a reserve only cancels and reduce-only orders may use', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ clock: time, timers: time });
    expect(await budget.acquire(1140, { priority: 'info' })).toMatchObject({ granted: true });
    expect(await budget.acquire(1, { priority: 'newOrder', deadlineMs: 0 })).toMatchObject({
      granted: false,
    });
    expect(await budget.acquire(1, { priority: 'info', deadlineMs: 0 })).toMatchObject({ granted: false });
    expect(await budget.acquire(30, { priority: 'reduceOnly', deadlineMs: 0 })).toMatchObject({
      granted: true,
    });
    expect(await budget.acquire(30, { priority: 'cancel', deadlineMs: 0 })).toMatchObject({ granted: true });
    expect(budget.snapshot()).toMatchObject({ limit: 1200, used: 1200, available: 0 });
  });

  it('re-syncs after a 429: the window counts as full for a minute (or retryAfterMs)', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    await time.advance(10_000);
    budget.sync({ kind: 'throttled' });
    expect(budget.snapshot().available).toBe(0);
    const p = budget.acquire(1, { priority: 'cancel', deadlineMs: 1_000_000 });
    await time.advance(59_999);
    expect(budget.snapshot().queued).toBe(1);
    await time.advance(1);
    expect(await p).toMatchObject({ granted: true, atMs: 70_000 });

    budget.sync({ kind: 'throttled', retryAfterMs: 5_000 });
    const q = budget.acquire(1, { priority: 'info', deadlineMs: 1_000_000 });
    await time.advance(5_000);
    expect(await q).toMatchObject({ granted: true, atMs: 75_000 });
  });

  it('re-syncs to an observed usage count and wakes waiters when it frees room', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    budget.sync({ kind: 'usage', used: 90 });
    expect(budget.snapshot()).toMatchObject({ used: 90, available: 10 });
    const p = budget.acquire(20, { priority: 'info', deadlineMs: 100_000 });
    budget.sync({ kind: 'usage', used: 0, limit: 200 });
    expect(await p).toMatchObject({ granted: true, atMs: 0 });
    expect(budget.snapshot()).toMatchObject({ limit: 200, used: 20 });
  });

  it('debits post-hoc extra weight even past the limit, and close() settles waiters', async () => {
    const time = new FakeTime();
    const budget = ipWeightBudget({ limit: 100, reservedForRiskReducing: 0, clock: time, timers: time });
    await budget.acquire(20, { priority: 'info' });
    budget.debit(100); // e.g. the extra weight of a 2000-fill userFills answer
    expect(budget.snapshot()).toMatchObject({ used: 120, available: 0 });
    const p = budget.acquire(1, { priority: 'cancel', deadlineMs: 100_000 });
    budget.close();
    expect(await p).toMatchObject({ granted: false, reason: 'closed' });
    expect(await budget.acquire(1, { priority: 'cancel' })).toMatchObject({
      granted: false,
      reason: 'closed',
    });
  });
});

describe('BudgetLedger on the per-address action budget', () => {
  it('grants up to the cap, then one request per 10 s; cancels have the higher cap', async () => {
    const time = new FakeTime();
    const budget = addressActionBudget({ used: 8, cap: 10, clock: time, timers: time });
    expect(await budget.acquire(2, { priority: 'newOrder', deadlineMs: 0 })).toMatchObject({ granted: true });
    // Over budget: the venue lets one request through per 10 s.
    expect(await budget.acquire(1, { priority: 'newOrder', deadlineMs: 0 })).toMatchObject({ granted: true });
    const next = budget.acquire(1, { priority: 'newOrder', deadlineMs: 60_000 });
    // venue: cancels may go to min(cap + 100 000, 2·cap) = 20.
    expect(await budget.acquire(5, { priority: 'cancel', deadlineMs: 0 })).toMatchObject({ granted: true });
    await time.advance(9_999);
    expect(budget.snapshot().queued).toBe(1);
    await time.advance(1);
    expect(await next).toMatchObject({ granted: true, atMs: 10_000 });
  });

  it('holds a batch while over budget until a sync raises the cap (more volume traded)', async () => {
    const time = new FakeTime();
    const budget = addressActionBudget({ used: 10, cap: 10, clock: time, timers: time });
    const batch = budget.acquire(3, { priority: 'newOrder', deadlineMs: 30_000 });
    await time.advance(5_000);
    budget.sync({ kind: 'usage', used: 10, limit: 50 });
    expect(await batch).toMatchObject({ granted: true, atMs: 5_000 });

    const expired = budget.acquire(100, { priority: 'newOrder', deadlineMs: 8_000 });
    await time.advance(3_000);
    expect(await expired).toMatchObject({ granted: false, reason: 'deadline' });
  });

  it('a throttled answer marks the budget as used up', async () => {
    const time = new FakeTime();
    const budget = addressActionBudget({ used: 0, cap: 1_000, clock: time, timers: time });
    budget.sync({ kind: 'throttled' });
    expect(budget.snapshot()).toMatchObject({ used: 1_000, available: 0 });
    expect(await budget.acquire(2, { priority: 'newOrder', deadlineMs: 0 })).toMatchObject({
      granted: false,
    });
    expect(await budget.acquire(1, { priority: 'newOrder', deadlineMs: 0 })).toMatchObject({ granted: true });
  });
});
