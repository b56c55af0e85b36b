import type { InfoBudget } from '@hyperflow/hyperliquid';

/** A budget that reports its usage (both the venue's ledgers do). */
export interface MeasuredBudget extends InfoBudget {
  snapshot(): { limit: number; used: number };
  close(): void;
}

/**
 * This process's share of the REST weight (`local`) AND the IP's shared window (`shared`, leased
 * from the NATS KV ledger under the IP bucket name, so every process behind one egress IP stays
 * within the venue's 1200/min together). Weight is taken from the local share first: a request
 * this process may not make never consumes shared budget.
 */
export function bothBudgets(local: MeasuredBudget, shared: MeasuredBudget): MeasuredBudget {
  return {
    async acquire(weight, options) {
      const mine = await local.acquire(weight, options);
      if (!mine.granted) return mine;
      const ours = await shared.acquire(weight, options);
      // the local share was taken for a request that will not be sent; it ages out with its window
      return ours;
    },
    debit(weight) {
      local.debit(weight);
      shared.debit(weight);
    },
    sync(observed) {
      // a 429 means the IP as a whole is over: both views back off
      local.sync(observed);
      shared.sync(observed);
    },
    snapshot: () => local.snapshot(),
    close() {
      local.close();
      shared.close();
    },
  };
}
