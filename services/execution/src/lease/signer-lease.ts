// One active process per signer (two processes sharing a key race on nonces): the nonce lease in the
// `leases` bucket. A second replica waits as hot standby until the lease is free. Only the replica
// that holds it acts at the venue and records (risk modes, account state).
import type { NonceManager } from '@hyperflow/signing';
import type { Logger, Module } from '../ports.js';

/** The leased nonce manager's lifecycle (LeasedNonceManager fits). */
export interface LeasedNonces extends NonceManager {
  acquire(options?: { readonly signal?: AbortSignal }): Promise<void>;
  release(): Promise<void>;
  abandon(): void;
}

export interface SignerLeasePorts {
  readonly log: Logger;
  /** the signing address, for the logs */
  readonly signer: string;
  /** the leased nonce manager, or undefined when there is no lease bucket */
  openLease(): Promise<LeasedNonces | undefined>;
  /** the process-local nonce manager used without a lease bucket */
  localNonces(): NonceManager;
  /** called with `standby` before waiting for the lease, `leader` once held */
  onRole?(role: 'standby' | 'leader'): void;
}

export interface SignerLease extends Module {
  readonly nonces: NonceManager;
  /** holds the lease (always, without a lease bucket) */
  readonly active: boolean;
  /** waits as hot standby until the lease is held; then this replica leads */
  acquire(signal?: AbortSignal): Promise<void>;
}

export async function startSignerLease(p: SignerLeasePorts): Promise<SignerLease> {
  const leased = await p.openLease();
  const nonces = leased ?? p.localNonces();
  let active = leased === undefined;
  return {
    nonces,
    get active() {
      return active;
    },
    async acquire(signal) {
      if (leased !== undefined) {
        p.log.info({ signer: p.signer }, 'waiting for the signer lease (hot standby until then)');
        p.onRole?.('standby');
        await leased.acquire(signal === undefined ? {} : { signal });
        p.log.info({ signer: p.signer }, 'signer lease held: active');
      }
      active = true;
      p.onRole?.('leader');
    },
    async stop() {
      await leased?.release();
    },
    abandon() {
      leased?.abandon();
    },
  };
}
