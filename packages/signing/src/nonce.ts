import { SigningError } from './errors.js';
import { type Hex, toWireAddress } from './hex.js';

// venue: a nonce must lie in (T − 2 days, T + 1 day), T = block time in ms (doc 6)
export const VENUE_NONCE_MAX_BEHIND_MS = 2 * 24 * 60 * 60 * 1000;
export const VENUE_NONCE_MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

export interface NonceManagerOptions {
  /** wall clock, unix ms (injected: the core never reads time itself) */
  readonly clock: () => number;
  /** how far inside the venue window we stay; default 5 minutes */
  readonly marginMs?: number;
}

export type NonceWindowStatus = 'ok' | 'too-low' | 'too-high';

/** Where `nonce` falls relative to the venue window around `venueTimeMs`, minus `marginMs` on each side. */
export function nonceWindowStatus(nonce: number, venueTimeMs: number, marginMs = 0): NonceWindowStatus {
  if (nonce <= venueTimeMs - VENUE_NONCE_MAX_BEHIND_MS + marginMs) return 'too-low';
  if (nonce >= venueTimeMs + VENUE_NONCE_MAX_AHEAD_MS - marginMs) return 'too-high';
  return 'ok';
}

/**
 * Per-signer nonces: `max(now, last + 1)`, strictly increasing (doc 6; [NK] createNonceManager).
 * `next` is synchronous, so concurrent async callers in one process can never draw the same value.
 * Keyed by the *signing* address (the agent's when an agent signs), which is how the venue tracks
 * nonces. Across processes, a lease holder seeds the manager with the last nonce it persisted.
 */
export class NonceManager {
  readonly #clock: () => number;
  readonly #marginMs: number;
  readonly #last = new Map<Hex, number>();
  /** venue time − our clock, once observed */
  #skewMs: number | undefined;

  constructor(options: NonceManagerOptions) {
    this.#clock = options.clock;
    this.#marginMs = options.marginMs ?? 5 * 60 * 1000;
  }

  #now(): number {
    const now = this.#clock();
    if (!Number.isSafeInteger(now) || now <= 0) {
      throw new SigningError('nonce-window', `clock returned ${now}, not a positive integer of ms`);
    }
    return now;
  }

  /**
   * Records the venue's time (e.g. a block or response timestamp). From then on `next` refuses to
   * issue nonces the venue would reject because our clock is too far from its own.
   */
  observeVenueTime(venueTimeMs: number): void {
    if (!Number.isSafeInteger(venueTimeMs) || venueTimeMs <= 0) {
      throw new SigningError('nonce-window', `venue time ${venueTimeMs} is not a positive integer of ms`);
    }
    this.#skewMs = venueTimeMs - this.#now();
  }

  /** The next nonce for `signer`, recorded as used. Throws `nonce-window` instead of issuing one the venue would refuse. */
  next(signer: string): number {
    const key = toWireAddress(signer, 'signer');
    const now = this.#now();
    const last = this.#last.get(key);
    const nonce = last === undefined || last < now ? now : last + 1;
    // A counter far ahead of the clock means a burst, or a seed from a process with a fast clock.
    if (nonce - now >= VENUE_NONCE_MAX_AHEAD_MS - this.#marginMs) {
      throw new SigningError(
        'nonce-window',
        `nonce ${nonce} for ${key} is ${nonce - now} ms ahead of the clock; the venue accepts < 1 day`,
      );
    }
    if (this.#skewMs !== undefined) {
      const status = nonceWindowStatus(nonce, now + this.#skewMs, this.#marginMs);
      if (status !== 'ok') {
        throw new SigningError(
          'nonce-window',
          `nonce ${nonce} is ${status} for the venue window (clock skew ${this.#skewMs} ms vs venue)`,
        );
      }
    }
    this.#last.set(key, nonce);
    return nonce;
  }

  /** Raises the last-used nonce for `signer` (never lowers it): how a lease hand-over resumes. */
  seed(signer: string, lastUsed: number): void {
    if (!Number.isSafeInteger(lastUsed) || lastUsed < 0) {
      throw new SigningError('invalid-integer', `lastUsed: ${lastUsed} is not a non-negative safe integer`);
    }
    const key = toWireAddress(signer, 'signer');
    const last = this.#last.get(key);
    if (last === undefined || lastUsed > last) this.#last.set(key, lastUsed);
  }

  /** The last nonce issued or seeded for `signer`, if any (what a lease persists). */
  lastUsed(signer: string): number | undefined {
    return this.#last.get(toWireAddress(signer, 'signer'));
  }
}
