import { describe, expect, it } from 'vitest';
import type { HandleResult } from '../execute/executor.js';
import { FakeClock, settle } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { type RecoveryPorts, startRecovery, trackResult } from './resume.js';

const result = (orderId: string, status: HandleResult['status']): HandleResult => ({
  orderId,
  status,
  outcome: 'recorded',
});

function ports(over: Partial<RecoveryPorts> = {}) {
  const resumed: string[] = [];
  const reconciled: string[] = [];
  const clock = new FakeClock(T0);
  const p: RecoveryPorts = {
    clock,
    log: recordingLog().log,
    intervalMs: 2000,
    pending: new Set(),
    scan: async () => ({ unfinished: ['a', 'b'], resting: ['r1', 'r2'] }),
    openCloids: async () => new Set(['r1']),
    resume: async (id) => {
      resumed.push(id);
      return result(id, id === 'a' ? 'filled' : 'unknown');
    },
    reconcile: async (id) => {
      reconciled.push(id);
      return result(id, 'canceled');
    },
    track: () => {},
    retry: { clock, log: recordingLog().log },
    ...over,
  };
  return { p, resumed, reconciled, clock };
}

describe('recovery and resume', () => {
  it('on start: unfinished orders are resumed, resting ones gone from the venue reconciled', async () => {
    const s = ports();
    await startRecovery(s.p);
    expect(s.reconciled).toEqual(['r2']);
    expect(s.resumed).toEqual(['a', 'b']);
    // settled orders leave the pending set, the unknown one stays
    expect([...s.p.pending]).toEqual(['b']);
  });

  it('in dry-run nothing is asked of the venue about resting orders', async () => {
    const { openCloids: _, ...rest } = ports().p;
    const s = ports();
    await startRecovery({ ...rest, resume: s.p.resume, reconcile: s.p.reconcile });
    expect(s.reconciled).toEqual([]);
  });

  it('pending orders are resumed again on every interval, until stopped', async () => {
    const s = ports();
    const r = await startRecovery(s.p);
    await s.clock.advance(2000);
    expect(s.resumed).toEqual(['a', 'b', 'b']);
    await r.stop();
    await s.clock.advance(10_000);
    expect(s.resumed).toEqual(['a', 'b', 'b']);
  });

  it('one resume at a time per order; a failed resume is logged and retried', async () => {
    const { log, messages } = recordingLog();
    let release: () => void = () => {};
    let calls = 0;
    const s = ports({
      log,
      scan: async () => ({ unfinished: [], resting: [] }),
      resume: async (id) => {
        calls += 1;
        if (calls === 1) throw new Error('nats down');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return result(id, 'filled');
      },
    });
    const r = await startRecovery(s.p);
    s.p.pending.add('x');
    await r.recover();
    expect(messages()).toContain('order recovery failed; will retry');
    const first = r.recover();
    const second = r.recover();
    await settle();
    expect(calls).toBe(2);
    release();
    await Promise.all([first, second]);
    expect(s.p.pending.size).toBe(0);
  });

  it('the order stream and the open orders unreadable: retried with backoff, nothing resumed meanwhile', async () => {
    let scans = 0;
    let opens = 0;
    const s = ports();
    const r = startRecovery({
      ...s.p,
      scan: async () => {
        scans += 1;
        if (scans < 3) throw new Error('nats timeout');
        return { unfinished: ['a'], resting: ['r2'] };
      },
      openCloids: async () => {
        opens += 1;
        if (opens < 2) throw new Error('HTTP 503');
        return new Set<string>();
      },
    });
    await s.clock.advance(50);
    expect(s.resumed).toEqual([]);
    await s.clock.advance(2000);
    await r;
    expect([scans, opens]).toEqual([3, 2]);
    expect(s.reconciled).toEqual(['r2']);
    expect(s.resumed).toEqual(['a']);
  });

  it('a resting order whose reconciliation fails is reconciled again, never left resting in the record', async () => {
    let tries = 0;
    const s = ports({
      reconcile: async (id) => {
        tries += 1;
        if (tries < 3) throw new Error('orderStatus: HTTP 503');
        return result(id, 'canceled');
      },
    });
    const r = startRecovery(s.p);
    await s.clock.advance(1000);
    await r;
    expect(tries).toBe(3);
  });

  it('trackResult keeps only orders still waiting for their outcome', () => {
    const pending = new Set<string>();
    trackResult(pending, result('a', 'submitted'));
    trackResult(pending, result('b', 'unknown'));
    trackResult(pending, result('a', 'resting'));
    expect([...pending]).toEqual(['b']);
  });
});
