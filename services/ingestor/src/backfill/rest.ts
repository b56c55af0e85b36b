import type { CandleInterval } from '@hyperflow/contracts';

/**
 * The `/info` calls the ingestor makes, answers unvalidated (they go through the same wire schemas
 * and normalizers as WS frames, so a REST copy of a venue fact gets the same id as the WS copy).
 * Budgeting happens in the adapter: a call refused for budget rejects.
 */
export interface RestSource {
  recentTrades(coin: string): Promise<unknown>;
  /** both bounds inclusive, ms */
  candleSnapshot(range: {
    readonly coin: string;
    readonly interval: CandleInterval;
    readonly startTime: number;
    readonly endTime: number;
  }): Promise<unknown>;
  l2Book(args: {
    readonly coin: string;
    readonly nSigFigs?: 2 | 3 | 4 | 5;
    readonly mantissa?: 1 | 2 | 5;
  }): Promise<unknown>;
  allMids(): Promise<unknown>;
}
