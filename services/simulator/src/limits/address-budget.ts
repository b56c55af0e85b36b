import { REFUSAL } from '@hyperflow/hyperliquid/internal';
import { formatDecimal, SCALE } from '../market/decimal.js';

const OVER_BUDGET_INTERVAL_MS = 10_000; // venue: over budget, 1 request per 10 s

interface Usage {
  used: number;
  lastOverAt: number | undefined;
}

/** venue: per-address action budget = initial + 1 request per 1 USDC of lifetime volume */
export class AddressBudget {
  private readonly usage = new Map<string, Usage>();
  /** requests bought with reserveRequestWeight, per user */
  private readonly reserved = new Map<string, number>();

  constructor(private readonly initial: number) {}

  cap(cumVlm: bigint, user?: string): number {
    return this.initial + Number(cumVlm / SCALE) + (user === undefined ? 0 : (this.reserved.get(user) ?? 0));
  }

  /** venue: reserveRequestWeight adds `n` requests to the user's cap */
  reserve(user: string, n: number): void {
    this.reserved.set(user, (this.reserved.get(user) ?? 0) + n);
  }

  /** Returns the venue's error string, or undefined and counts the `n` requests. */
  use(user: string, n: number, cumVlm: bigint, isCancel: boolean, now: number): string | undefined {
    const u = this.usage.get(user) ?? { used: 0, lastOverAt: undefined };
    const cap = this.cap(cumVlm, user);
    // venue: cancels get min(limit + 100000, limit * 2) so a limited user can still cancel
    const limit = isCancel ? Math.min(cap + 100_000, cap * 2) : cap;
    if (u.used + n > limit) {
      const allowed = u.lastOverAt === undefined || now - u.lastOverAt >= OVER_BUDGET_INTERVAL_MS;
      if (!allowed) {
        return `${REFUSAL.addressBudget} (${u.used + n} > ${limit}) for cumulative volume traded $${formatDecimal(
          cumVlm - (cumVlm % (SCALE / 100n)),
          2,
        )}. Place taker orders to free up 1 request per USDC traded.`;
      }
      u.lastOverAt = now;
    }
    u.used += n;
    this.usage.set(user, u);
    return undefined;
  }

  state(user: string, cumVlm: bigint) {
    const used = this.usage.get(user)?.used ?? 0;
    return {
      cumVlm: formatDecimal(cumVlm, 1),
      nRequestsUsed: used,
      nRequestsCap: this.cap(cumVlm, user),
      nRequestsSurplus: this.reserved.get(user) ?? 0,
    };
  }
}
