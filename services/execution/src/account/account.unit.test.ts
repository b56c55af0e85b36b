import type { FillRecorded } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import type { HandleResult } from '../execute/executor.js';
import { noMetrics } from '../metrics/metrics.js';
import { ACCOUNT, clearinghouse, fill } from '../test-support/account.js';
import { FakeClock, settle } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { type AccountHandlers, type AccountPorts, type FillRecoveryPort, startAccount } from './account.js';

const CLOID = `0x${'a'.repeat(32)}`;

function ports(over: Partial<AccountPorts> = {}) {
  const facts: string[] = [];
  const published: string[] = [];
  const fills: string[] = [];
  const canceled: string[] = [];
  const recoveries: string[] = [];
  let handlers: AccountHandlers | undefined;
  let closed = false;
  const clock = new FakeClock(T0);
  const p: AccountPorts = {
    net: 'sim',
    account: ACCOUNT,
    clock,
    log: recordingLog().log,
    retry: { clock, log: recordingLog().log },
    metrics: {
      ...noMetrics,
      fillRecovery: (r, n) => recoveries.push(`${r}${n === undefined ? '' : `:${n}`}`),
    },
    venue: { clearinghouseState: async () => clearinghouse('-0.5'), openOrders: async () => [] },
    apply: (fact) => facts.push(fact.type),
    publishPosition: async (pos) => published.push(`position:${pos.coin}`),
    publishBalance: async () => published.push('balance'),
    recordFill: async (cloid, f) => {
      fills.push(`${cloid}:${f.tid}`);
      return {
        orderId: cloid,
        status: cloid === CLOID ? 'filled' : 'none',
        outcome: 'recorded',
      } as HandleResult;
    },
    recordCanceled: async (cloid, reason) => canceled.push(`${cloid}:${reason}`),
    follow: async (h) => {
      handlers = h;
      return {
        close: async () => {
          closed = true;
        },
      };
    },
    ...over,
  };
  return {
    p,
    clock,
    facts,
    published,
    fills,
    canceled,
    recoveries,
    handlers: () => handlers,
    closed: () => closed,
  };
}

describe('account: reconciliation, fill recovery, fill attribution', () => {
  it('on start the venue positions go into the risk book and onto acct.', async () => {
    const s = ports();
    await startAccount(s.p);
    expect(s.facts).toContain('positionObserved');
    expect(s.published).toEqual(['position:ETH', 'balance']);
  });

  it('the account state unreadable at start: retried with backoff, not ready meanwhile, never "flat"', async () => {
    let calls = 0;
    const waiting: string[] = [];
    const s = ports({
      venue: {
        clearinghouseState: async () => {
          calls += 1;
          if (calls <= 3) throw new Error('HTTP 503 Service Unavailable');
          return clearinghouse('-0.5');
        },
        openOrders: async () => [],
      },
    });
    let started = false;
    const starting = startAccount({
      ...s.p,
      retry: { ...s.p.retry, onWaiting: (r) => waiting.push(r) },
    }).then(() => {
      started = true;
    });
    await s.clock.advance(100);
    expect(started).toBe(false);
    expect(s.facts).toEqual([]);
    await s.clock.advance(1000);
    await starting;
    expect(calls).toBe(4);
    expect(waiting).toEqual(Array(3).fill('waiting for the account state: HTTP 503 Service Unavailable'));
    expect(s.facts).toContain('positionObserved');
    expect(s.handlers()).toBeDefined();
  });

  it('unreadable after a reconnect: REDUCE_ONLY (feedLost) until read again, then restored and ready', async () => {
    let fail = false;
    let ready = 0;
    const s = ports({
      onReconciled: () => {
        ready += 1;
      },
      venue: {
        clearinghouseState: async () => {
          if (fail) throw new Error('timed out');
          return clearinghouse('-0.5');
        },
        openOrders: async () => [],
      },
    });
    await startAccount(s.p);
    s.facts.length = 0;
    fail = true;
    (s.handlers() as AccountHandlers).onResubscribed();
    await s.clock.advance(50);
    expect(s.facts).toEqual(['feedLost']);
    await s.clock.advance(1000);
    expect(ready).toBe(0);
    fail = false;
    await s.clock.advance(5000);
    expect(s.facts.filter((f) => f !== 'positionObserved' && f !== 'openOrdersObserved')).toEqual([
      'feedLost',
      'feedRestored',
    ]);
    expect(ready).toBe(1);
  });

  it("a live fill of our order goes to its record; someone else's live fill moves the position", async () => {
    const s = ports();
    await startAccount(s.p);
    const h = s.handlers() as AccountHandlers;
    s.facts.length = 0;
    await h.onFill(fill({ cloid: CLOID, tid: 1 }), false);
    expect(s.facts).toEqual([]);
    await h.onFill(fill({ tid: 2 }), false);
    expect(s.facts).toEqual(['orderFilled']);
    // a snapshot fill is already in the reconciled positions
    await h.onFill(fill({ tid: 3 }), true);
    expect(s.facts).toEqual(['orderFilled']);
    expect(s.fills).toEqual([`${CLOID}:1`]);
  });

  it('a venue-side cancel of our order is recorded; other updates are not', async () => {
    const s = ports();
    await startAccount(s.p);
    const h = s.handlers() as AccountHandlers;
    const update = (status: string) =>
      ({ status, order: { cloid: CLOID.toUpperCase(), oid: 9 } }) as unknown as Parameters<
        AccountHandlers['onOrderUpdate']
      >[0];
    await h.onOrderUpdate(update('open'));
    await h.onOrderUpdate(update('marginCanceled'));
    expect(s.canceled).toEqual([`${CLOID}:marginCanceled`]);
  });

  it('fills missed meanwhile are recovered from the last one seen, and again after a resubscribe', async () => {
    const runs: string[] = [];
    let record: ((f: FillRecorded) => Promise<void>) | undefined;
    const recovery: FillRecoveryPort = {
      restore: (last) => runs.push(`restore:${last?.timeMs}`),
      observe: (f) => runs.push(`observe:${f.tid}`),
      run: async () => {
        runs.push('run');
        await record?.(fill({ cloid: CLOID, tid: 5 }));
        return { recovered: 1 };
      },
    };
    const s = ports({
      fills: {
        create: (r) => {
          record = r;
          return recovery;
        },
        lastSeen: async () => ({ timeMs: T0 - 5, tids: [4] }),
      },
    });
    await startAccount(s.p);
    expect(runs).toEqual([`restore:${T0 - 5}`, 'run']);
    expect(s.fills).toEqual([`${CLOID}:5`]);
    expect(s.recoveries).toEqual(['ok', 'fills:1']);
    const h = s.handlers() as AccountHandlers;
    await h.onFill(fill({ tid: 6 }), false);
    h.onResubscribed();
    await settle();
    expect(runs).toEqual([`restore:${T0 - 5}`, 'run', 'observe:6', 'run']);
  });

  it('the last fill seen unreadable: retried, not replaced by the default lookback', async () => {
    let reads = 0;
    const restored: (number | undefined)[] = [];
    const recovery: FillRecoveryPort = {
      restore: (last) => restored.push(last?.timeMs),
      observe: () => {},
      run: async () => ({ recovered: 0 }),
    };
    const s = ports({
      fills: {
        create: () => recovery,
        lastSeen: async () => {
          reads += 1;
          if (reads < 3) throw new Error('nats timeout');
          return { timeMs: T0 - 9, tids: [1] };
        },
      },
    });
    const starting = startAccount(s.p);
    await s.clock.advance(1000);
    await starting;
    expect(reads).toBe(3);
    expect(restored).toEqual([T0 - 9]);
  });

  it('a fill that could not be recorded does not move the mark, and fills are recovered again', async () => {
    const runs: string[] = [];
    const recovery: FillRecoveryPort = {
      restore: () => {},
      observe: (f) => runs.push(`observe:${f.tid}`),
      run: async () => {
        runs.push('run');
        return { recovered: 0 };
      },
    };
    const s = ports({
      fills: { create: () => recovery, lastSeen: async () => undefined },
      recordFill: async () => {
        throw new Error('append failed');
      },
    });
    await startAccount(s.p);
    const h = s.handlers() as AccountHandlers;
    await expect(h.onFill(fill({ cloid: CLOID, tid: 8 }), false)).rejects.toThrow('append failed');
    h.onFrameFailed();
    await settle();
    expect(runs).toEqual(['run', 'run']);
  });

  it('stop closes the account socket', async () => {
    const s = ports();
    const a = await startAccount(s.p);
    await a.stop();
    expect(s.closed()).toBe(true);
  });
});
