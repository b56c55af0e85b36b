// One active nonce issuer per signer across processes: two processes sharing a key race on nonces
// (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/nonces-and-api-wallets). The issuer holds a KV lease (`nonce.<signer>` in the `hl_leases` bucket) and persists
// in its value the last nonce used and a ceiling it promises not to exceed before its next write.
//
// Why a ceiling and not only the last nonce: nonces drawn between two renewals are not persisted,
// and a key that expires by max_age (the holder crashed) takes its value with it. So:
// - each write carries `ceiling = max(write time, lastUsed) + ttl − margin` (one lease validity of
//   headroom); the holder refuses any nonce above the ceiling of its last successful write, and any
//   nonce at all once the lease is not locally valid;
// - a standby watches the key while waiting, so it knows the newest value written, and seeds the
//   NonceManager with `max(lastUsed, ceiling)` of it; NonceManager then draws `max(now, last + 1)`.
// Hence every nonce after a takeover is above every nonce the previous holder could have used.
// If a standby missed the last write (it was disconnected), `now` is the fallback: it takes over at
// least a TTL after that write, which is past its ceiling unless the clocks differ by more than the
// safety margin.
//
// Early takeover (lease presence, see @hyperflow/bus lease.ts): a standby may take the key long
// before the TTL, from a holder whose connection is gone, possibly with a send already in flight.
// It takes over only by a revision-checked update of the exact revision R it read, so R is the
// holder's last write; the holder never issues a nonce above the ceiling of its last acknowledged
// write, and ceilings never decrease from one write to the next (each is at least the previous
// one, even if the clock steps back), so every nonce the old holder issued or had in flight is
// <= ceiling(R), and the new holder seeds from exactly that record. The cost: the new holder's
// nonces start up to one lease validity ahead of its clock (well inside the venue's window).

import type { KvLease, LeaseBucket, LeaseLostReason, LeasePresenceOptions, Logger } from '@hyperflow/bus';
import { NonceManager, toWireAddress } from '@hyperflow/signing';
import { LedgerError } from './errors.js';

/** The lease value of a nonce lease. */
export interface NonceLeaseData {
  /** highest nonce issued (or seeded) when the value was written */
  readonly lastUsed: number;
  /** the writer issues no nonce above this until its next successful write */
  readonly ceiling: number;
}

export class NonceLeaseError extends LedgerError {
  override name = 'NonceLeaseError';
}

export interface LeasedNonceManagerOptions {
  /** the `leases` bucket (`openLeaseBucket(nc, buckets(prefix).leases)`) */
  readonly leases: LeaseBucket;
  /** the signing address (the agent's when an agent signs): the venue's nonce key */
  readonly signer: string;
  /** unique per process */
  readonly holderId: string;
  /** the bucket's max_age in ms (30 000 for the contract's `hl_leases`) */
  readonly ttlMs: number;
  readonly renewIntervalMs?: number;
  readonly safetyMarginMs?: number;
  readonly pollMs?: number;
  /** unix ms; default Date.now */
  readonly clock?: () => number;
  /** how far inside the venue nonce window to stay (NonceManager option) */
  readonly marginMs?: number;
  /** the lease was lost: stop sending; nonces are refused from now on */
  readonly onLost?: (reason: LeaseLostReason) => void;
  /** fast takeover after a crash (lease presence); default off: the TTL */
  readonly presence?: LeasePresenceOptions;
  /** the lease's own log lines (acquired, taken over, lost) */
  readonly log?: Logger;
}

/**
 * A NonceManager that issues nonces for one signer only while it holds that signer's lease. Give
 * it to @hyperflow/signing's ExchangeSigner as `nonces`; `next` throws NonceLeaseError when the
 * lease is not held (standby, lost, released) or a burst would pass the persisted ceiling.
 */
export class LeasedNonceManager extends NonceManager {
  readonly signer: string;
  readonly #lease: KvLease<NonceLeaseData>;
  readonly #clock: () => number;
  readonly #ttlMs: number;
  readonly #marginMs: number;
  /** ceiling of the last successful write; nonces above it are refused */
  #ceiling = 0;

  constructor(options: LeasedNonceManagerOptions) {
    const clock = options.clock ?? Date.now;
    super({ clock, ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }) });
    this.signer = toWireAddress(options.signer, 'signer');
    this.#clock = clock;
    this.#ttlMs = options.ttlMs;
    this.#marginMs = options.safetyMarginMs ?? Math.min(2000, Math.floor(options.ttlMs / 5));
    this.#lease = options.leases.lease<NonceLeaseData>({
      key: `nonce.${this.signer}`,
      holderId: options.holderId,
      ttlMs: options.ttlMs,
      safetyMarginMs: this.#marginMs,
      clock,
      ...(options.renewIntervalMs === undefined ? {} : { renewIntervalMs: options.renewIntervalMs }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      ...(options.presence === undefined ? {} : { presence: options.presence }),
      ...(options.log === undefined ? {} : { log: options.log }),
      dataForRenew: () => this.#snapshot(),
      onWritten: (data) => {
        if (data !== undefined) this.#ceiling = data.ceiling;
      },
      ...(options.onLost === undefined ? {} : { onLost: options.onLost }),
    });
  }

  #snapshot(): NonceLeaseData {
    const last = super.lastUsed(this.signer) ?? 0;
    // headroom of one lease validity past the clock, or past a seed that runs ahead of our clock;
    // never below the ceiling already written (an early takeover relies on the last one being the max)
    const ceiling = Math.max(this.#ceiling, Math.max(last, this.#clock()) + this.#ttlMs - this.#marginMs);
    return { lastUsed: last, ceiling };
  }

  #resume(previous: NonceLeaseData | undefined): NonceLeaseData {
    if (previous !== undefined) this.seed(this.signer, Math.max(previous.lastUsed, previous.ceiling));
    return this.#snapshot();
  }

  /** Waits as a hot standby until this process holds the signer's lease, then resumes above the previous holder. */
  async acquire(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.#lease.acquire({
      data: (previous) => this.#resume(previous),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** One attempt, no waiting. */
  async tryAcquire(): Promise<boolean> {
    const r = await this.#lease.tryAcquire({ data: (previous) => this.#resume(previous) });
    return r.acquired;
  }

  /** True while nonces can be issued. */
  isActive(): boolean {
    return this.#lease.isHeld();
  }

  override next(signer: string): number {
    if (toWireAddress(signer, 'signer') !== this.signer) {
      throw new NonceLeaseError(`nonce lease is for ${this.signer}, not ${signer}`);
    }
    if (!this.#lease.isHeld()) throw new NonceLeaseError(`nonce lease for ${this.signer} is not held`);
    const nonce = super.next(signer);
    // a refused nonce stays counted as used: harmless, it is never signed
    if (nonce > this.#ceiling) {
      throw new NonceLeaseError(
        `nonce ${nonce} is above the persisted ceiling ${this.#ceiling}; retry after renew`,
      );
    }
    return nonce;
  }

  /** Stops issuing and hands over with the exact last nonce, so a standby resumes at once. */
  async release(): Promise<void> {
    const last = super.lastUsed(this.signer) ?? 0;
    await this.#lease.release({ lastUsed: last, ceiling: last });
  }

  /** The presence subject this holder answers on, when it advertises one. */
  get presenceSubject(): string | undefined {
    return this.#lease.presenceSubject;
  }

  /** Stops renewing without a final write (crash-like; the lease lapses by TTL, or at once with presence). */
  abandon(): void {
    this.#lease.abandon();
  }
}
