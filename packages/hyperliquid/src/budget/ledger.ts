import { type Clock, systemClock, systemTimers, type TimerHandle, type Timers } from '@hyperflow/core';
import {
  type AcquireOptions,
  type BudgetSnapshot,
  type Grant,
  type ObservedUsage,
  PRIORITY_RANK,
  type Priority,
  type RateBudget,
} from './port.js';

/** How a budget decides what fits. Pure given `now`; the ledger does the queueing and timing. */
export interface BudgetPolicy {
  /** False if `weight` can never be granted (more than the whole budget). */
  possible(weight: number, priority: Priority): boolean;
  /** 0 if `weight` fits now; else ms until it may (Infinity: not by time alone, only by a sync). */
  waitMs(weight: number, priority: Priority, now: number): number;
  commit(weight: number, priority: Priority, now: number): void;
  debit(weight: number, now: number): void;
  sync(observed: ObservedUsage, now: number): void;
  usage(now: number): { limit: number; used: number };
}

export interface SlidingWindowPolicyOptions {
  /** default 1200 (venue: REST weight per IP per minute) */
  limit?: number;
  /** default 60 000 */
  windowMs?: number;
  /**
   * Weight only cancels and reduce-only requests may use (default 60, 5% of 1200), so a burst of
   * reads or new orders can never lock out the requests that reduce risk.
   */
  reservedForRiskReducing?: number;
}

/**
 * The per-IP REST weight window. The venue does not say sliding or fixed (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits, unconfirmed);
 * a sliding window never grants more than a fixed one in any minute, so it is safe either way.
 */
export class SlidingWindowPolicy implements BudgetPolicy {
  private limit: number;
  private readonly windowMs: number;
  private readonly reserved: number;
  /** spends in time order; entries before `head` have left the window */
  private log: { at: number; weight: number }[] = [];
  private head = 0;
  /** running sum of the weights in the window, so the hot path is O(1) */
  private sum = 0;

  constructor(options: SlidingWindowPolicyOptions = {}) {
    // venue: 1200 REST weight per IP per minute
    this.limit = options.limit ?? 1200;
    this.windowMs = options.windowMs ?? 60_000;
    this.reserved = options.reservedForRiskReducing ?? Math.floor(this.limit * 0.05);
  }

  possible(weight: number, priority: Priority): boolean {
    return weight <= this.ceiling(priority);
  }

  waitMs(weight: number, priority: Priority, now: number): number {
    this.evict(now);
    const ceiling = this.ceiling(priority);
    let used = this.sum;
    if (used + weight <= ceiling) return 0;
    for (let i = this.head; i < this.log.length; i++) {
      const entry = this.log[i] as { at: number; weight: number };
      used -= entry.weight;
      if (used + weight <= ceiling) return Math.max(1, entry.at + this.windowMs - now);
    }
    return Number.POSITIVE_INFINITY;
  }

  commit(weight: number, _priority: Priority, now: number): void {
    this.record(now, weight);
  }

  debit(weight: number, now: number): void {
    this.record(now, weight);
  }

  sync(observed: ObservedUsage, now: number): void {
    switch (observed.kind) {
      case 'throttled': {
        // venue: 429 carries no usage and (as far as documented) no Retry-After: someone else on
        // this IP spent the window. Treat it as full for a whole window, or until retryAfterMs.
        const blockMs = observed.retryAfterMs ?? this.windowMs;
        this.reset([{ at: now + blockMs - this.windowMs, weight: this.limit }]);
        return;
      }
      case 'usage':
        if (observed.limit !== undefined) this.limit = observed.limit;
        // Unknown spread within the window: assume it was all spent now (frees latest, so safe).
        this.reset(observed.used > 0 ? [{ at: now, weight: observed.used }] : []);
        return;
      default: {
        const never: never = observed;
        throw new RangeError(`unknown observation ${JSON.stringify(never)}`);
      }
    }
  }

  usage(now: number): { limit: number; used: number } {
    this.evict(now);
    return { limit: this.limit, used: this.sum };
  }

  private ceiling(priority: Priority): number {
    return priority === 'cancel' || priority === 'reduceOnly' ? this.limit : this.limit - this.reserved;
  }

  private record(at: number, weight: number): void {
    this.log.push({ at, weight });
    this.sum += weight;
  }

  private reset(entries: { at: number; weight: number }[]): void {
    this.log = entries;
    this.head = 0;
    this.sum = entries.reduce((s, e) => s + e.weight, 0);
  }

  private evict(now: number): void {
    while (this.head < this.log.length && (this.log[this.head] as { at: number }).at <= now - this.windowMs) {
      this.sum -= (this.log[this.head] as { weight: number }).weight;
      this.head++;
    }
    // Compact now and then rather than shifting the array on every eviction.
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.head = 0;
    }
  }
}

export interface AddressPolicyOptions {
  /** requests used so far (from `userRateLimit.nRequestsUsed`); default 0 */
  used?: number;
  /** the cap (from `userRateLimit.nRequestsCap`); default 10 000, the venue's initial budget */
  cap?: number;
  /** venue: when over budget, 1 request per 10 s */
  overBudgetIntervalMs?: number;
}

/**
 * The per-address action budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits): cumulative, not windowed. Cap = 10 000 + 1 per USDC of
 * lifetime volume; cancels may go up to min(cap + 100 000, 2·cap); past the cap, one request per
 * 10 s. Weight here is address requests: a batch of n orders or cancels costs n.
 */
export class AddressPolicy implements BudgetPolicy {
  private used: number;
  private cap: number;
  private readonly intervalMs: number;
  private lastOverBudgetAt = Number.NEGATIVE_INFINITY;

  constructor(options: AddressPolicyOptions = {}) {
    this.used = options.used ?? 0;
    this.cap = options.cap ?? 10_000;
    this.intervalMs = options.overBudgetIntervalMs ?? 10_000;
  }

  possible(weight: number): boolean {
    return weight > 0;
  }

  waitMs(weight: number, priority: Priority, now: number): number {
    if (this.used + weight <= this.capFor(priority)) return 0;
    // Over budget only single requests trickle through; a batch needs the cap to grow (a sync).
    if (weight > 1) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.lastOverBudgetAt + this.intervalMs - now);
  }

  commit(weight: number, priority: Priority, now: number): void {
    if (this.used + weight > this.capFor(priority)) this.lastOverBudgetAt = now;
    this.used += weight;
  }

  debit(weight: number): void {
    this.used += weight;
  }

  sync(observed: ObservedUsage, now: number): void {
    switch (observed.kind) {
      case 'throttled':
        // venue (3P probe): a refused request costs nothing and does not restart the 10 s window;
        // it does prove we are at the cap.
        this.used = Math.max(this.used, this.cap);
        return;
      case 'usage':
        this.used = observed.used;
        if (observed.limit !== undefined) this.cap = observed.limit;
        if (this.used < this.cap) this.lastOverBudgetAt = Number.NEGATIVE_INFINITY;
        return;
      default: {
        const never: never = observed;
        throw new RangeError(`unknown observation ${JSON.stringify(never)} at ${now}`);
      }
    }
  }

  usage(): { limit: number; used: number } {
    return { limit: this.cap, used: this.used };
  }

  private capFor(priority: Priority): number {
    // venue: cancels have a higher cap so positions can still be closed when rate-limited.
    return priority === 'cancel' ? Math.min(this.cap + 100_000, this.cap * 2) : this.cap;
  }
}

export interface BudgetLedgerOptions {
  policy: BudgetPolicy;
  clock?: Clock;
  timers?: Timers;
  /** wait limit when an acquire gives no deadline (default 5 000 ms) */
  defaultMaxWaitMs?: number;
}

interface Waiter {
  readonly weight: number;
  readonly priority: Priority;
  readonly deadlineMs: number;
  readonly enqueuedAt: number;
  readonly resolve: (g: Grant) => void;
}

/**
 * The in-process RateBudget: a priority queue (cancel > reduce-only > new order > info, then
 * arrival order) in front of a policy. Strictly head-of-line: a waiting cancel is never overtaken
 * by a smaller read that happens to fit.
 */
export class BudgetLedger implements RateBudget {
  private readonly policy: BudgetPolicy;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly defaultMaxWaitMs: number;
  private readonly queue: Waiter[] = [];
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(options: BudgetLedgerOptions) {
    this.policy = options.policy;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.defaultMaxWaitMs = options.defaultMaxWaitMs ?? 5_000;
  }

  acquire(weight: number, options: AcquireOptions): Promise<Grant> {
    if (!Number.isFinite(weight) || weight <= 0) throw new RangeError(`weight must be positive: ${weight}`);
    const now = this.clock.now();
    const { priority } = options;
    const deadlineMs = options.deadlineMs ?? now + this.defaultMaxWaitMs;
    if (this.closed || !this.policy.possible(weight, priority)) {
      const reason = this.closed ? 'closed' : 'tooLarge';
      return Promise.resolve({ granted: false, reason, weight, priority, atMs: now, waitedMs: 0 });
    }
    return new Promise<Grant>((resolve) => {
      const waiter: Waiter = { weight, priority, deadlineMs, enqueuedAt: now, resolve };
      const rank = PRIORITY_RANK[priority];
      const at = this.queue.findIndex((w) => PRIORITY_RANK[w.priority] > rank);
      this.queue.splice(at < 0 ? this.queue.length : at, 0, waiter);
      this.pump();
    });
  }

  debit(weight: number): void {
    this.policy.debit(weight, this.clock.now());
  }

  sync(observed: ObservedUsage): void {
    this.policy.sync(observed, this.clock.now());
    this.pump();
  }

  snapshot(): BudgetSnapshot {
    const { limit, used } = this.policy.usage(this.clock.now());
    return { limit, used, available: Math.max(0, limit - used), queued: this.queue.length };
  }

  /** Requests waiting. */
  get queued(): number {
    return this.queue.length;
  }

  /** Re-evaluates waiters after the policy's capacity changed from outside (a lease arrived). */
  refresh(): void {
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
    const now = this.clock.now();
    for (const w of this.queue.splice(0)) this.settle(w, now, 'closed');
  }

  private pump(): void {
    this.clearTimer();
    const now = this.clock.now();
    let wakeIn = Number.POSITIVE_INFINITY;
    for (;;) {
      wakeIn = this.grantHeads(now);
      // Expiry after granting: a request that fits at its deadline still gets its grant.
      const before = this.queue.length;
      for (let i = this.queue.length - 1; i >= 0; i--) {
        const w = this.queue[i] as Waiter;
        if (w.deadlineMs > now) continue;
        this.queue.splice(i, 1);
        this.settle(w, now, 'deadline');
      }
      // An expired head may have been what blocked the rest.
      if (this.queue.length === before) break;
    }
    for (const w of this.queue) wakeIn = Math.min(wakeIn, w.deadlineMs - now);
    if (Number.isFinite(wakeIn)) this.timer = this.timers.setTimeout(() => this.pump(), Math.max(1, wakeIn));
  }

  /** Grants from the head while it fits; returns ms until the blocked head may fit. */
  private grantHeads(now: number): number {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Waiter;
      const waitMs = this.policy.waitMs(head.weight, head.priority, now);
      if (waitMs > 0) return waitMs;
      this.queue.shift();
      this.policy.commit(head.weight, head.priority, now);
      this.settle(head, now, undefined);
    }
    return Number.POSITIVE_INFINITY;
  }

  private settle(w: Waiter, now: number, refused: 'deadline' | 'closed' | undefined): void {
    const base = { weight: w.weight, priority: w.priority, atMs: now, waitedMs: now - w.enqueuedAt };
    w.resolve(
      refused === undefined ? { granted: true, ...base } : { granted: false, reason: refused, ...base },
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The per-IP REST weight budget: 1200 per minute, in process. */
export function ipWeightBudget(
  options: SlidingWindowPolicyOptions & Omit<BudgetLedgerOptions, 'policy'> = {},
): BudgetLedger {
  return new BudgetLedger({ ...options, policy: new SlidingWindowPolicy(options) });
}

/** The per-address action budget (weight = address requests), in process. */
export function addressActionBudget(
  options: AddressPolicyOptions & Omit<BudgetLedgerOptions, 'policy'> = {},
): BudgetLedger {
  return new BudgetLedger({ ...options, policy: new AddressPolicy(options) });
}
