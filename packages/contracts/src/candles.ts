import type { CandleInterval } from './subjects.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Lengths of the fixed intervals; `1M` is a calendar month and has none (see `CANDLE_INTERVAL_BOUNDS_MS`). */
export const CANDLE_INTERVAL_MS: Readonly<Record<Exclude<CandleInterval, '1M'>, number>> = {
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

export interface IntervalBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Shortest and longest length of every interval. They differ only for `1M`, the calendar month
 * (28 days in a common February, 31 in a long month). Use the minimum where overestimating the
 * count of candles in a range is safe (paging windows), the maximum where a range must hold a whole
 * candle; to find where a candle starts or ends, use `candleOpenTime` / `candleCloseTime`.
 */
export const CANDLE_INTERVAL_BOUNDS_MS: Readonly<Record<CandleInterval, IntervalBounds>> = {
  ...(Object.fromEntries(
    Object.entries(CANDLE_INTERVAL_MS).map(([iv, ms]) => [iv, { minMs: ms, maxMs: ms }]),
  ) as Record<Exclude<CandleInterval, '1M'>, IntervalBounds>),
  '1M': { minMs: 28 * DAY, maxMs: 31 * DAY },
};

/** The shortest length an interval can have (28 days for `1M`): safe for paging windows. */
export function minIntervalMs(interval: CandleInterval): number {
  return CANDLE_INTERVAL_BOUNDS_MS[interval].minMs;
}

/** The longest length an interval can have (31 days for `1M`). */
export function maxIntervalMs(interval: CandleInterval): number {
  return CANDLE_INTERVAL_BOUNDS_MS[interval].maxMs;
}

/**
 * Open time of the candle holding `tsMs`. venue: candles open at UTC-aligned multiples of the
 * interval since the epoch (`t`) and close at `T = t + interval − 1` (seen in the 1h candleSnapshot the
 * official Python SDK recorded: https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/tests/cassettes/info_test/test_get_candles_snapshot.yaml).
 * Assumed, not verified against the venue: no recording of a `3d`, `1w` or `1M` candle is known. `3d`/`1w` are taken as epoch multiples too, so a `1w` candle opens on a Thursday
 * (epoch day 0, 1970-01-01, was a Thursday), not on the Monday many venues use; `1M` opens on the
 * first day of the UTC month.
 */
export function candleOpenTime(interval: CandleInterval, tsMs: number): number {
  if (interval === '1M') {
    const d = new Date(tsMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = CANDLE_INTERVAL_MS[interval];
  return Math.floor(tsMs / len) * len;
}

/** Close time (inclusive, the venue's `T`) of the candle opening at `openTsMs`. */
export function candleCloseTime(interval: CandleInterval, openTsMs: number): number {
  if (interval === '1M') {
    const d = new Date(openTsMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
  }
  return openTsMs + CANDLE_INTERVAL_MS[interval] - 1;
}
