// One active process per signer (two processes sharing a key race on nonces): the nonce lease in the
// `leases` bucket. A second replica waits as hot standby until the lease is free. Only the replica
// that holds it acts at the venue and records (risk modes, account state).
import type { NonceManager } from '@hyperflow/signing';
import { ExecutionConfigError } from '../errors.js';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
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
  /** the lease bucket's name, for the messages */
  readonly bucket: string;
  /**
   * EXEC_SINGLE_PROCESS: sign without a lease, on process-local nonces (one process per key, by
   * the operator's word). Otherwise a missing lease bucket is a configuration error.
   */
  readonly singleProcess: boolean;
  /** the leased nonce manager, or `missing` when the lease bucket does not exist; throws when unreachable */
  openLease(): Promise<LeasedNonces | 'missing'>;
  /** the process-local nonce manager of the single-process mode */
  localNonces(): NonceManager;
  /** reaching the bucket is retried with backoff, never replaced by local nonces */
  readonly retry: Omit<RetryOptions, 'permanent'>;
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
  const leased = p.singleProcess
    ? undefined
    : await untilOk('the signer lease bucket', () => p.openLease(), p.retry);
  if (leased === 'missing') {
    throw new ExecutionConfigError(
      `the signer lease bucket ${p.bucket} does not exist: provision it (BUS_PROVISION=true or the ` +
        'provisioner), or set EXEC_SINGLE_PROCESS=true if exactly one process signs with this key',
    );
  }
  if (leased === undefined)
    p.log.warn(
      { signer: p.signer },
      'EXEC_SINGLE_PROCESS: no signer lease; nothing stops a second process from racing our nonces',
    );
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
