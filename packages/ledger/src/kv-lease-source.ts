import { type Clock, systemClock } from '@hyperflow/core';
import type { BudgetLeaseSource } from '@hyperflow/hyperliquid';
import { LedgerError } from './errors.js';

/**
 * The compare-and-set store the shared budget lives in. A NATS KV bucket (`@nats-io/kv` `KV`)
 * satisfies it as is; it is structural so the unit tests need no server.
 */
export interface CasStore {
  get(key: string): Promise<{ value: Uint8Array; revision: number; operation?: string } | null>;
  /** fails if the key exists */
  create(key: string, data: Uint8Array): Promise<number>;
  /** fails unless the key is still at `version` */
  update(key: string, data: Uint8Array, version: number): Promise<number>;
}

export interface KvLeaseSourceOptions {
  store: CasStore;
  /** one key per egress IP, e.g. `ip.prod-eu-1` (KV keys: letters, digits, `-_=.`) */
  key: string;
  /** default 1200 (venue: REST weight per IP per minute) */
  limit?: number;
  /** default 60 000 */
  windowMs?: number;
  /** how long a lease may be spent (default 5 000 ms) */
  leaseTtlMs?: number;
  /** lease records are rounded up to this granularity to keep the record small (default 1 000 ms) */
  bucketMs?: number;
  /** tolerated clock difference between processes, added to how long a lease counts (default 1 000 ms) */
  clockSkewMs?: number;
  /** compare-and-set attempts before giving up (default 20) */
  maxAttempts?: number;
  clock?: Clock;
}

/** The shared record: when the budget is blocked (after a 429) and the recent leases. */
interface Ledger {
  blockedUntil: number;
  /** [bucket start ms, weight] in time order */
  leases: [number, number][];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A BudgetLeaseSource on a compare-and-set store: the arithmetic of {@link MemoryLeaseSource}
 * applied to one record per IP, updated optimistically (read, compute, write at the read
 * revision, retry on conflict). One round trip pair per lease, never per request.
 */
export class KvLeaseSource implements BudgetLeaseSource {
  private readonly store: CasStore;
  private readonly key: string;
  private readonly limit: number;
  private readonly leaseTtlMs: number;
  private readonly bucketMs: number;
  /** how long a lease counts against the limit */
  private readonly horizonMs: number;
  private readonly maxAttempts: number;
  private readonly clock: Clock;

  constructor(options: KvLeaseSourceOptions) {
    this.store = options.store;
    this.key = options.key;
    this.limit = options.limit ?? 1200;
    this.leaseTtlMs = options.leaseTtlMs ?? 5_000;
    this.bucketMs = options.bucketMs ?? 1_000;
    this.horizonMs = (options.windowMs ?? 60_000) + this.leaseTtlMs + (options.clockSkewMs ?? 1_000);
    this.maxAttempts = options.maxAttempts ?? 20;
    this.clock = options.clock ?? systemClock;
  }

  async lease(weight: number): Promise<{ leased: number; expiresAtMs: number; retryAtMs?: number }> {
    let result: { leased: number; expiresAtMs: number; retryAtMs?: number } = { leased: 0, expiresAtMs: 0 };
    await this.transact((ledger, now) => {
      const expiresAtMs = now + this.leaseTtlMs;
      if (now < ledger.blockedUntil) {
        result = { leased: 0, expiresAtMs, retryAtMs: ledger.blockedUntil };
        return false;
      }
      const used = ledger.leases.reduce((sum, [, w]) => sum + w, 0);
      const leased = Math.max(0, Math.min(weight, this.limit - used));
      if (leased === 0) {
        const oldest = ledger.leases[0];
        result = oldest
          ? { leased, expiresAtMs, retryAtMs: oldest[0] + this.horizonMs }
          : { leased, expiresAtMs };
        return false;
      }
      // Rounded up: counting a lease from later keeps it counted longer, which is the safe side.
      const bucket = Math.ceil(now / this.bucketMs) * this.bucketMs;
      const last = ledger.leases[ledger.leases.length - 1];
      if (last && last[0] === bucket) last[1] += leased;
      else ledger.leases.push([bucket, leased]);
      result = { leased, expiresAtMs };
      return true;
    });
    return result;
  }

  async exhaust(untilMs: number): Promise<void> {
    await this.transact((ledger) => {
      if (ledger.blockedUntil >= untilMs) return false;
      ledger.blockedUntil = untilMs;
      return true;
    });
  }

  /** Read, let `change` edit the pruned record (returning whether to write), write at the read revision. */
  private async transact(change: (ledger: Ledger, now: number) => boolean): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const entry = await this.store.get(this.key);
      const live = entry !== null && (entry.operation === undefined || entry.operation === 'PUT');
      const ledger = live ? this.decode(entry.value) : { blockedUntil: 0, leases: [] };
      const now = this.clock.now();
      ledger.leases = ledger.leases.filter(([at]) => at + this.horizonMs > now);
      if (!change(ledger, now)) return;
      const data = encoder.encode(JSON.stringify(ledger));
      try {
        if (entry === null) await this.store.create(this.key, data);
        else await this.store.update(this.key, data, entry.revision);
        return;
      } catch (err) {
        // Another process wrote first (wrong last sequence / key exists): re-read and recompute.
        lastError = err;
      }
    }
    throw new LedgerError(`shared budget ${this.key}: no write after ${this.maxAttempts} attempts`, {
      cause: lastError,
    });
  }

  private decode(value: Uint8Array): Ledger {
    try {
      const parsed = JSON.parse(decoder.decode(value)) as Partial<Ledger>;
      const leases = Array.isArray(parsed.leases)
        ? parsed.leases.filter(
            (l): l is [number, number] =>
              Array.isArray(l) && typeof l[0] === 'number' && typeof l[1] === 'number',
          )
        : [];
      return { blockedUntil: typeof parsed.blockedUntil === 'number' ? parsed.blockedUntil : 0, leases };
    } catch (err) {
      throw new LedgerError(`shared budget ${this.key}: unreadable record`, { cause: err });
    }
  }
}
