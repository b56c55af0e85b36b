import { NonceManager } from '@hyperflow/signing';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { type LeasedNonces, startSignerLease } from './signer-lease.js';

const SIGNER = '0x00000000000000000000000000000000000000aa';

class FakeLease extends NonceManager implements LeasedNonces {
  calls: string[] = [];
  #grant: (() => void) | undefined;
  async acquire(): Promise<void> {
    this.calls.push('acquire');
    await new Promise<void>((resolve) => {
      this.#grant = resolve;
    });
  }
  grant(): void {
    this.#grant?.();
  }
  async release(): Promise<void> {
    this.calls.push('release');
  }
  abandon(): void {
    this.calls.push('abandon');
  }
}

describe('signer lease and nonces', () => {
  const clock = new FakeClock(T0);
  const base = {
    bucket: 'KV_hl_leases',
    singleProcess: false,
    retry: { clock, log: recordingLog().log },
  };

  it('with a lease bucket: standby until the lease is held, then leader; stop releases it', async () => {
    const lease = new FakeLease({ clock: () => clock.now() });
    const roles: string[] = [];
    const { log } = recordingLog();
    const l = await startSignerLease({
      ...base,
      log,
      signer: SIGNER,
      openLease: async () => lease,
      localNonces: () => new NonceManager({ clock: () => clock.now() }),
      onRole: (r) => roles.push(r),
    });
    expect(l.nonces).toBe(lease);
    expect(l.active).toBe(false);
    const acquired = l.acquire();
    await clock.advance(10);
    expect(roles).toEqual(['standby']);
    expect(l.active).toBe(false);
    lease.grant();
    await acquired;
    expect(roles).toEqual(['standby', 'leader']);
    expect(l.active).toBe(true);
    await l.stop();
    expect(lease.calls).toEqual(['acquire', 'release']);
  });

  it('a missing lease bucket refuses the start with a clear message; no local nonces', async () => {
    let local = 0;
    const starting = startSignerLease({
      ...base,
      log: recordingLog().log,
      signer: SIGNER,
      openLease: async () => 'missing',
      localNonces: () => {
        local += 1;
        return new NonceManager({ clock: () => clock.now() });
      },
    });
    await expect(starting).rejects.toThrow(
      /signer lease bucket KV_hl_leases does not exist: .*EXEC_SINGLE_PROCESS=true/,
    );
    expect(local).toBe(0);
  });

  it('the lease bucket unreachable: retried with backoff until it answers, never process-local nonces', async () => {
    const c = new FakeClock(T0);
    const lease = new FakeLease({ clock: () => c.now() });
    let tries = 0;
    const waiting: string[] = [];
    const starting = startSignerLease({
      ...base,
      retry: { clock: c, log: recordingLog().log, onWaiting: (r) => waiting.push(r) },
      log: recordingLog().log,
      signer: SIGNER,
      openLease: async () => {
        tries += 1;
        if (tries < 3) throw new Error('503 No Responders Available For Request');
        return lease;
      },
      localNonces: () => {
        throw new Error('must not be used');
      },
    });
    await c.advance(1000);
    const l = await starting;
    expect(tries).toBe(3);
    expect(l.nonces).toBe(lease);
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toMatch(/^waiting for the signer lease bucket: /);
  });

  it('EXEC_SINGLE_PROCESS: process-local nonces, active at once, with a warning; the bucket is not asked', async () => {
    const local = new NonceManager({ clock: () => clock.now() });
    const roles: string[] = [];
    const { log, messages } = recordingLog();
    const l = await startSignerLease({
      ...base,
      singleProcess: true,
      log,
      signer: SIGNER,
      openLease: async () => {
        throw new Error('must not be asked');
      },
      localNonces: () => local,
      onRole: (r) => roles.push(r),
    });
    expect(l.nonces).toBe(local);
    expect(l.active).toBe(true);
    await l.acquire();
    expect(roles).toEqual(['leader']);
    expect(messages()[0]).toMatch(/^EXEC_SINGLE_PROCESS/);
  });

  it('abandon lets the lease lapse by its TTL: nothing released', async () => {
    const lease = new FakeLease({ clock: () => clock.now() });
    const l = await startSignerLease({
      ...base,
      log: recordingLog().log,
      signer: SIGNER,
      openLease: async () => lease,
      localNonces: () => new NonceManager({ clock: () => clock.now() }),
    });
    l.abandon?.();
    expect(lease.calls).toEqual(['abandon']);
  });
});
