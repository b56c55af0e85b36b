// The RateBudget port: what a caller needs to spend venue budget without being rate limited.
// Implementations: the in-process ledger (ledger.ts) and, later, a shared one that leases chunks of
// the per-IP window from a NATS KV bucket (see BudgetLeaseSource) so the hot path stays local.

/** Who goes first when budget is short: risk-reducing traffic before new risk before reads. */
export type Priority = 'cancel' | 'reduceOnly' | 'newOrder' | 'info';

/** Lower rank is served first. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = {
  cancel: 0,
  reduceOnly: 1,
  newOrder: 2,
  info: 3,
};

export interface AcquireOptions {
  priority: Priority;
  /**
   * Absolute clock time (epoch ms) after which the request gives up waiting and resolves as
   * expired. Default: now + the budget's `defaultMaxWaitMs`.
   */
  deadlineMs?: number;
}

/** The outcome of an acquire. Running out of budget is an outcome, not an exception. */
export type Grant =
  | {
      granted: true;
      weight: number;
      priority: Priority;
      /** clock time of the grant */
      atMs: number;
      waitedMs: number;
    }
  | {
      granted: false;
      /**
       * deadline: still no room at the deadline. tooLarge: more than the whole budget, can never be
       * granted. closed: the budget was closed while waiting.
       */
      reason: 'deadline' | 'tooLarge' | 'closed';
      weight: number;
      priority: Priority;
      atMs: number;
      waitedMs: number;
    };

/** What the venue told us about our usage, to re-synchronise the local view. */
export type ObservedUsage =
  /**
   * The venue refused for rate (HTTP 429 on the IP budget, "Too many cumulative requests" on the
   * address budget): our view was too optimistic. `retryAfterMs` if the venue said when to retry.
   */
  | { kind: 'throttled'; retryAfterMs?: number }
  /** An authoritative count, e.g. `userRateLimit` → `{ used: nRequestsUsed, limit: nRequestsCap }`. */
  | { kind: 'usage'; used: number; limit?: number };

export interface BudgetSnapshot {
  limit: number;
  used: number;
  available: number;
  /** requests waiting */
  queued: number;
}

/** A budget of venue weight (per-IP REST weight, or per-address action requests). */
export interface RateBudget {
  /** Waits (by priority, then arrival) until `weight` fits, or until the deadline. */
  acquire(weight: number, options: AcquireOptions): Promise<Grant>;
  /**
   * Records weight already spent, without waiting and even past the limit: the per-item extra
   * weight only known once a response arrives, or traffic that bypassed acquire.
   */
  debit(weight: number): void;
  /** Re-synchronises with what the venue observed (after a 429, or from `userRateLimit`). */
  sync(observed: ObservedUsage): void;
  snapshot(): BudgetSnapshot;
  /** Resolves every waiter as `closed` and refuses new acquires. */
  close(): void;
}

/**
 * The capacity source for a shared, cross-process RateBudget (to be backed by a NATS KV bucket
 * keyed by IP bucket name, updated with compare-and-set). Each process leases a chunk of weight
 * and spends it locally, so the hot path costs no round trip. A lease must be spent before it
 * expires, and the store counts it for one window plus the lease lifetime: every grant made from
 * it then falls inside a window the store already charged, so the sum of grants across processes
 * in any sliding window stays within the limit. {@link MemoryLeaseSource} is the reference.
 */
export interface BudgetLeaseSource {
  /**
   * Takes up to `weight` from the shared budget; `leased` may be less, or 0 when exhausted, in
   * which case `retryAtMs` (if known) says when weight frees up.
   */
  lease(weight: number): Promise<{ leased: number; expiresAtMs: number; retryAtMs?: number }>;
  /** Marks the shared budget exhausted until `untilMs` (after a 429) so every process backs off. */
  exhaust(untilMs: number): Promise<void>;
}
