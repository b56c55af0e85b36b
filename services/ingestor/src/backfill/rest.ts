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

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Candle lengths; 1M as 31 days, so a window rounded down to it never starts after the gap. */
export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': MIN,
  '3m': 3 * MIN,
  '5m': 5 * MIN,
  '15m': 15 * MIN,
  '30m': 30 * MIN,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
  '1M': 31 * DAY,
};
