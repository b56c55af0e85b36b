import {
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  systemTimers,
  type Timers,
} from '@hyperflow/core';
import { BudgetLedger, type BudgetPolicy } from './ledger.js';
import type {
  AcquireOptions,
  BudgetLeaseSource,
  BudgetSnapshot,
  Grant,
  ObservedUsage,
  Priority,
  RateBudget,
} from './port.js';

/** Spends weight leased from a shared source; grants only what has been leased and not expired. */
class LeasePolicy implements BudgetPolicy {
  private leases: { amount: number; expiresAt: number }[] = [];
  /** weight debited beyond the leased balance, paid from the next leases */
  private debt = 0;

  constructor(
    private readonly limit: number,
    private readonly maxWeight: number,
  ) {}

  add(amount: number, expiresAt: number): void {
    const paid = Math.min(this.debt, amount);
    this.debt -= paid;
    if (amount - paid > 0) this.leases.push({ amount: amount - paid, expiresAt });
    this.leases.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  balance(now: number): number {
    this.leases = this.leases.filter((l) => l.expiresAt > now);
    return this.leases.reduce((sum, l) => sum + l.amount, 0);
  }

  possible(weight: number): boolean {
    return weight <= this.maxWeight;
  }

  waitMs(weight: number, _priority: Priority, now: number): number {
    // Only a lease can make room, and its arrival refreshes the ledger.
    return this.balance(now) >= weight ? 0 : Number.POSITIVE_INFINITY;
  }

  commit(weight: number, _priority: Priority, now: number): void {
    this.spend(weight, now);
  }

  debit(weight: number, now: number): void {
    this.debt += this.spend(weight, now);
  }

  sync(observed: ObservedUsage): void {
    // The shared store owns the count; locally all we can do after a 429 is stop spending leases.
    if (observed.kind === 'throttled') this.leases = [];
  }

  usage(now: number): { limit: number; used: number } {
    return { limit: this.limit, used: Math.max(0, this.limit - this.balance(now)) };
  }

  /** Spends from the earliest-expiring leases; returns what could not be covered. */
  private spend(weight: number, now: number): number {
    this.balance(now);
    let left = weight;
    for (const lease of this.leases) {
      const take = Math.min(lease.amount, left);
      lease.amount -= take;
      left -= take;
      if (left === 0) break;
    }
    this.leases = this.leases.filter((l) => l.amount > 0);
    return left;
  }
}

export interface LeasedBudgetOptions {
  source: BudgetLeaseSource;
  /** the shared limit, for snapshots (default 1200) */
  limit?: number;
  /** weight leased per round trip; also the largest single acquire (default 100) */
  chunk?: number;
  /** lease ahead when the local balance falls below this, keeping round trips off the hot path (default chunk / 2) */
  lowWater?: number;
  /** wait before asking again after the source had nothing to lease (default 500 ms) */
  retryMs?: number;
  /** a 429 exhausts the shared budget for this long (default 60 000 ms) */
  throttleMs?: number;
  defaultMaxWaitMs?: number;
  clock?: Clock;
  timers?: Timers;
  logger?: Logger;
}

/**
 * A RateBudget shared across processes: the local ledger (priorities, deadlines) spends weight
 * leased in chunks from a {@link BudgetLeaseSource}, and leases ahead at a low-water mark, so an
 * acquire normally costs no network round trip.
 */
export class LeasedBudget implements RateBudget {
  private readonly source: BudgetLeaseSource;
  private readonly policy: LeasePolicy;
  private readonly ledger: BudgetLedger;
  private readonly chunk: number;
  private readonly lowWater: number;
  private readonly retryMs: number;
  private readonly throttleMs: number;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: Logger;
  private leasing = false;
  private retryScheduled = false;
  private closed = false;
  /** round trips to the source, for the hot-path cost */
  leaseCalls = 0;

  constructor(options: LeasedBudgetOptions) {
    this.source = options.source;
    this.chunk = options.chunk ?? 100;
    this.lowWater = options.lowWater ?? Math.floor(this.chunk / 2);
    this.retryMs = options.retryMs ?? 500;
    this.throttleMs = options.throttleMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.log = options.logger ?? silentLogger;
    this.policy = new LeasePolicy(options.limit ?? 1200, this.chunk);
    const ledgerOptions = { policy: this.policy, clock: this.clock, timers: this.timers };
    this.ledger = new BudgetLedger(
      options.defaultMaxWaitMs === undefined
        ? ledgerOptions
        : { ...ledgerOptions, defaultMaxWaitMs: options.defaultMaxWaitMs },
    );
  }

  acquire(weight: number, options: AcquireOptions): Promise<Grant> {
    const grant = this.ledger.acquire(weight, options);
    this.topUp();
    return grant.then((g) => {
      this.topUp();
      return g;
    });
  }

  debit(weight: number): void {
    this.ledger.debit(weight);
    this.topUp();
  }

  sync(observed: ObservedUsage): void {
    this.ledger.sync(observed);
    if (observed.kind === 'throttled') {
      const untilMs = this.clock.now() + (observed.retryAfterMs ?? this.throttleMs);
      this.source
        .exhaust(untilMs)
        .catch((err: unknown) => this.log.warn({ err }, 'could not mark shared budget exhausted'));
    }
  }

  snapshot(): BudgetSnapshot {
    return this.ledger.snapshot();
  }

  close(): void {
    this.closed = true;
    this.ledger.close();
  }

  /** Leases a chunk when waiters are blocked or the balance runs low; one lease in flight at a time. */
  private topUp(): void {
    if (this.closed || this.leasing || this.retryScheduled) return;
    const now = this.clock.now();
    if (this.ledger.queued === 0 && this.policy.balance(now) >= this.lowWater) return;
    this.leasing = true;
    this.leaseCalls++;
    this.source
      .lease(this.chunk)
      .then(
        ({ leased, expiresAtMs, retryAtMs }) => {
          if (leased > 0) this.policy.add(leased, expiresAtMs);
          return { leased, retryAtMs };
        },
        (err: unknown) => {
          this.log.warn({ err }, 'budget lease failed');
          return { leased: 0, retryAtMs: undefined };
        },
      )
      .then(({ leased, retryAtMs }) => {
        this.leasing = false;
        if (this.closed) return;
        this.ledger.refresh();
        if (leased > 0) {
          this.topUp();
          return;
        }
        // Shared budget exhausted (or unreachable): ask again when it frees, not in a tight loop.
        const waitMs = retryAtMs === undefined ? this.retryMs : Math.max(1, retryAtMs - this.clock.now());
        this.retryScheduled = true;
        this.timers.setTimeout(() => {
          this.retryScheduled = false;
          this.topUp();
        }, waitMs);
      });
  }
}
