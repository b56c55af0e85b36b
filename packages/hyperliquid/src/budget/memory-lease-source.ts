import { type Clock, systemClock } from '@hyperflow/core';
import type { BudgetLeaseSource } from './port.js';

export interface MemoryLeaseSourceOptions {
  /** default 1200 (venue: REST weight per IP per minute) */
  limit?: number;
  /** default 60 000 */
  windowMs?: number;
  /** how long a lease may be spent (default 5 000 ms) */
  leaseTtlMs?: number;
  clock?: Clock;
}

/**
 * The shared store's accounting, in memory: the reference a NATS KV adapter must reproduce (the
 * same arithmetic on a CAS-updated record), and the source for single-process tests.
 *
 * A lease taken at t may be spent until t + ttl, so each grant it funds lies in [t, t + ttl]; its
 * weight is counted from t until t + window + ttl, which covers every window containing that
 * grant. Hence the sum of grants in any sliding window is at most the limit.
 */
export class MemoryLeaseSource implements BudgetLeaseSource {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly leaseTtlMs: number;
  private readonly clock: Clock;
  private records: { at: number; amount: number }[] = [];
  private blockedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryLeaseSourceOptions = {}) {
    this.limit = options.limit ?? 1200;
    this.windowMs = options.windowMs ?? 60_000;
    this.leaseTtlMs = options.leaseTtlMs ?? 5_000;
    this.clock = options.clock ?? systemClock;
  }

  async lease(weight: number): Promise<{ leased: number; expiresAtMs: number; retryAtMs?: number }> {
    const now = this.clock.now();
    const expiresAtMs = now + this.leaseTtlMs;
    if (now < this.blockedUntil) return { leased: 0, expiresAtMs, retryAtMs: this.blockedUntil };
    const horizon = this.windowMs + this.leaseTtlMs;
    this.records = this.records.filter((r) => r.at + horizon > now);
    const used = this.records.reduce((sum, r) => sum + r.amount, 0);
    const leased = Math.max(0, Math.min(weight, this.limit - used));
    if (leased > 0) {
      this.records.push({ at: now, amount: leased });
      return { leased, expiresAtMs };
    }
    // Records are in time order: the oldest one leaving the horizon frees weight first.
    const oldest = this.records[0];
    return oldest ? { leased, expiresAtMs, retryAtMs: oldest.at + horizon } : { leased, expiresAtMs };
  }

  async exhaust(untilMs: number): Promise<void> {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }
}
