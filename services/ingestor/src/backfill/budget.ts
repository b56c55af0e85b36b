import type { InfoBudget } from '@hyperflow/hyperliquid';

/** A budget that reports its usage (both the venue's ledgers do). */
export interface MeasuredBudget extends InfoBudget {
  snapshot(): { limit: number; used: number };
  close(): void;
}
