import { REFUSAL } from '@hyperflow/hyperliquid/internal';

const DAY_MS = 86_400_000;
const KEPT = 100; // venue: the 100 highest nonces per signer

/** Per-signer nonce set with the venue's rules. Pure: time is passed in. */
export class NonceStore {
  private readonly sets = new Map<string, number[]>();

  /** Returns the venue's error string, or undefined and records the nonce. */
  use(signer: string, nonce: number, now: number): string | undefined {
    // venue: the nonce must lie in (T − 2 days, T + 1 day)
    const low = now - 2 * DAY_MS;
    const high = now + DAY_MS;
    if (nonce <= low) return `${REFUSAL.nonceTooLow}${nonce} < ${low}`;
    if (nonce >= high) return `${REFUSAL.nonceTooHigh}${nonce} > ${high}`;
    const set = this.sets.get(signer) ?? [];
    if (set.includes(nonce)) return `${REFUSAL.duplicateNonce}${nonce}`;
    const min = set[0];
    // venue: once 100 are kept, a new nonce must beat the smallest of them
    if (set.length >= KEPT && min !== undefined && nonce < min)
      return `${REFUSAL.nonceTooLow}${nonce} < ${min}`;
    let i = set.length;
    while (i > 0 && (set[i - 1] ?? 0) > nonce) i--;
    set.splice(i, 0, nonce);
    if (set.length > KEPT) set.shift();
    this.sets.set(signer, set);
    return undefined;
  }
}
