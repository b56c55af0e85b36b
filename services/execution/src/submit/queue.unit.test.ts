import { afterEach, describe, expect, it, vi } from 'vitest';
import { admits, type SendPriority, SubmissionQueue, SubmissionQueueClosedError } from './queue.js';

/** A send that finishes only when the test lets it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('SubmissionQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('while the slot is busy, the backlog drains cancels, then reduce-only, then entries (then by arrival)', async () => {
    const q = new SubmissionQueue({ concurrency: 1, maxQueued: 100, clock: Date.now });
    const order: string[] = [];
    const first = gate();
    const blocker = q.run({
      key: 'busy',
      priority: 'newOrder',
      send: async () => {
        await first.opened;
        order.push('busy');
        return 'busy';
      },
      expired: () => 'expired',
    });
    const jobs: [string, SendPriority][] = [
      ['e1', 'newOrder'],
      ['r1', 'reduceOnly'],
      ['e2', 'newOrder'],
      ['c1', 'cancel'],
      ['r2', 'reduceOnly'],
    ];
    const runs = jobs.map(([key, priority]) =>
      q.run({
        key,
        priority,
        send: async () => {
          order.push(key);
          return key;
        },
        expired: () => 'expired',
      }),
    );
    expect(q.stats()).toMatchObject({ queued: 5, inFlight: 1 });
    first.open();
    expect(await Promise.all([blocker, ...runs])).toEqual(['busy', 'e1', 'r1', 'e2', 'c1', 'r2']);
    expect(order).toEqual(['busy', 'c1', 'r1', 'r2', 'e1', 'e2']);
  });

  it('an item whose deadline passes while it waits is answered expired then, and never sent', async () => {
    vi.useFakeTimers();
    const q = new SubmissionQueue({ concurrency: 1, maxQueued: 100, clock: Date.now });
    const first = gate();
    const blocker = q.run({
      key: 'busy',
      priority: 'newOrder',
      send: () => first.opened.then(() => 'busy'),
      expired: () => 'expired',
    });
    const send = vi.fn(async () => 'sent');
    const late = q.run({
      key: 'late',
      priority: 'newOrder',
      deadlineMs: Date.now() + 1000,
      send,
      expired: () => 'expired',
    });
    await vi.advanceTimersByTimeAsync(1001);
    expect(await late).toBe('expired');
    expect(q.stats()).toMatchObject({ queued: 0, expired: 1 });
    first.open();
    expect(await blocker).toBe('busy');
    expect(send).not.toHaveBeenCalled();
  });

  it('a full queue makes new entries wait for room (cancels never wait); whenQueued tells when one is in', async () => {
    const q = new SubmissionQueue({ concurrency: 1, maxQueued: 1, clock: Date.now });
    const first = gate();
    const mk = (key: string, priority: SendPriority = 'newOrder') =>
      q.run({ key, priority, send: () => first.opened.then(() => key), expired: () => 'expired' });
    const a = mk('a'); // in flight
    const b = mk('b'); // queued: the queue is full
    const cQueued = q.whenQueued('c');
    let cIn = false;
    void cQueued.promise.then(() => {
      cIn = true;
    });
    const c = mk('c'); // waits for room
    const k = mk('k', 'cancel'); // never waits
    await Promise.resolve();
    expect(cIn).toBe(false);
    expect(q.stats().queued).toBe(2);
    first.open();
    expect(await Promise.all([a, b, c, k])).toEqual(['a', 'b', 'c', 'k']);
    expect(cIn).toBe(true);
  });

  it('items admit refuses are held (never sent) until poke finds them allowed, or their deadline expires them', async () => {
    vi.useFakeTimers();
    let mode: 'HALTED' | 'REDUCE_ONLY' | 'ACTIVE' = 'HALTED';
    const q = new SubmissionQueue({
      concurrency: 1,
      maxQueued: 10,
      clock: Date.now,
      admit: (p) => p === 'cancel' || mode === 'ACTIVE' || (mode === 'REDUCE_ONLY' && p === 'reduceOnly'),
    });
    const sent: string[] = [];
    const job = (key: string, priority: SendPriority, deadlineMs?: number) =>
      q.run({
        key,
        priority,
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
        send: async () => {
          sent.push(key);
          return key;
        },
        expired: () => `${key}:expired`,
      });
    const entry = job('entry', 'newOrder', Date.now() + 5_000);
    const exit = job('exit', 'reduceOnly');
    const cancel = job('cancel', 'cancel');
    expect(await cancel).toBe('cancel');
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual(['cancel']);
    mode = 'REDUCE_ONLY';
    q.poke();
    expect(await exit).toBe('exit');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await entry).toBe('entry:expired');
    expect(sent).toEqual(['cancel', 'exit']);
  });

  it('close fails the waiting items and refuses new ones', async () => {
    const q = new SubmissionQueue({ concurrency: 1, maxQueued: 10, clock: Date.now });
    const first = gate();
    const a = q.run({
      key: 'a',
      priority: 'newOrder',
      send: () => first.opened.then(() => 'a'),
      expired: () => 'x',
    });
    const b = q.run({ key: 'b', priority: 'newOrder', send: async () => 'b', expired: () => 'x' });
    q.close();
    await expect(b).rejects.toBeInstanceOf(SubmissionQueueClosedError);
    await expect(
      q.run({ key: 'c', priority: 'cancel', send: async () => 'c', expired: () => 'x' }),
    ).rejects.toBeInstanceOf(SubmissionQueueClosedError);
    first.open();
    expect(await a).toBe('a');
  });
});

describe('what the risk mode lets out of the queue', () => {
  it('ACTIVE: everything; REDUCE_ONLY: cancels and reduce-only; HALTED: cancels only', () => {
    const allowed = (mode: 'ACTIVE' | 'REDUCE_ONLY' | 'HALTED') =>
      (['cancel', 'reduceOnly', 'newOrder'] as const).filter((p) => admits(mode, p));
    expect(allowed('ACTIVE')).toEqual(['cancel', 'reduceOnly', 'newOrder']);
    expect(allowed('REDUCE_ONLY')).toEqual(['cancel', 'reduceOnly']);
    expect(allowed('HALTED')).toEqual(['cancel']);
  });
});
