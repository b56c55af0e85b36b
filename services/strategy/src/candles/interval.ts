import type { CandleInterval } from '@hyperflow/contracts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Fixed lengths; `1M` is a calendar month and has none. */
const FIXED_MS: Record<Exclude<CandleInterval, '1M'>, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/**
 * Open time of the candle holding `tsMs`. venue: candles open at UTC-aligned multiples of the
 * interval since the epoch (`t`) and close at `T = t + interval − 1` (seen in candleSnapshot).
 * Assumed, not verified against the venue: `3d`/`1w` are epoch multiples too, `1M` opens on the
 * first day of the UTC month.
 */
export function bucketStart(interval: CandleInterval, tsMs: number): number {
  if (interval === '1M') {
    const d = new Date(tsMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = FIXED_MS[interval];
  return Math.floor(tsMs / len) * len;
}

/** Close time (inclusive, the venue's `T`) of the candle opening at `openTsMs`. */
export function bucketEnd(interval: CandleInterval, openTsMs: number): number {
  if (interval === '1M') {
    const d = new Date(openTsMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
  }
  return openTsMs + FIXED_MS[interval] - 1;
}
