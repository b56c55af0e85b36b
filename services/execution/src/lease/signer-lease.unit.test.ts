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

  it('with a lease bucket: standby until the lease is held, then leader; stop releases it', async () => {
    const lease = new FakeLease({ clock: () => clock.now() });
    const roles: string[] = [];
    const { log } = recordingLog();
    const l = await startSignerLease({
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

  it('without a lease bucket: the process-local nonces, active at once', async () => {
    const local = new NonceManager({ clock: () => clock.now() });
    const roles: string[] = [];
    const l = await startSignerLease({
      log: recordingLog().log,
      signer: SIGNER,
      openLease: async () => undefined,
      localNonces: () => local,
      onRole: (r) => roles.push(r),
    });
    expect(l.nonces).toBe(local);
    expect(l.active).toBe(true);
    await l.acquire();
    expect(roles).toEqual(['leader']);
  });

  it('abandon lets the lease lapse by its TTL: nothing released', async () => {
    const lease = new FakeLease({ clock: () => clock.now() });
    const l = await startSignerLease({
      log: recordingLog().log,
      signer: SIGNER,
      openLease: async () => lease,
      localNonces: () => new NonceManager({ clock: () => clock.now() }),
    });
    l.abandon?.();
    expect(lease.calls).toEqual(['abandon']);
  });
});
