import { describe, expect, it } from 'vitest';
import {
  CANDLE_INTERVAL_BOUNDS_MS,
  CANDLE_INTERVAL_MS,
  candleCloseTime,
  candleOpenTime,
  maxIntervalMs,
  minIntervalMs,
} from './candles.js';
import { CandleInterval } from './subjects.js';

const DAY = 86_400_000;

describe('candle boundaries', () => {
  it('opens fixed intervals at UTC multiples since the epoch and closes one ms before the next', () => {
    const ts = Date.UTC(2026, 10, 24, 13, 47, 12, 345);
    expect(candleOpenTime('1m', ts)).toBe(Date.UTC(2026, 10, 24, 13, 47));
    expect(candleOpenTime('15m', ts)).toBe(Date.UTC(2026, 10, 24, 13, 45));
    expect(candleOpenTime('4h', ts)).toBe(Date.UTC(2026, 10, 24, 12));
    expect(candleOpenTime('1d', ts)).toBe(Date.UTC(2026, 10, 24));
    expect(candleCloseTime('1h', Date.UTC(2026, 10, 24, 13))).toBe(Date.UTC(2026, 10, 24, 14) - 1);
  });

  it('matches the recorded 1h candleSnapshot: t on the hour, T = t + 1h − 1', () => {
    // the Python SDK's cassette tests/cassettes/info_test/test_get_candles_snapshot.yaml (kPEPE, 2023-05-21)
    expect(candleOpenTime('1h', 1684702007000)).toBe(1684699200000);
    expect(candleCloseTime('1h', 1684699200000)).toBe(1684702799999);
  });

  it('puts a trade exactly on a boundary in the candle that opens there', () => {
    const open = Date.UTC(2026, 0, 1, 0, 5);
    expect(candleOpenTime('5m', open)).toBe(open);
    expect(candleOpenTime('5m', open - 1)).toBe(open - CANDLE_INTERVAL_MS['5m']);
  });

  // Assumption, not settled by any recording: no recorded 1w candle is known. Epoch multiples of 7
  // days start on Thursdays (1970-01-01 was one). If the venue's weeks start on Monday, this fails
  // against a recording, which is the point.
  it('opens 1w candles on a UTC Thursday, epoch-aligned', () => {
    const open = candleOpenTime('1w', Date.UTC(2026, 11, 2, 15, 30)); // a Wednesday
    expect(open).toBe(Date.UTC(2026, 10, 26)); // Thursday 2026-11-26
    expect(new Date(open).getUTCDay()).toBe(4);
    expect(candleOpenTime('1w', Date.UTC(2026, 11, 3))).toBe(Date.UTC(2026, 11, 3));
  });

  it('treats 1M as the calendar month, the leap February of 2028 included', () => {
    const feb = Date.UTC(2028, 1, 1);
    const mar = Date.UTC(2028, 2, 1);
    expect(candleOpenTime('1M', Date.UTC(2028, 1, 29, 23, 59, 59, 999))).toBe(feb);
    expect(candleOpenTime('1M', mar)).toBe(mar);
    expect(candleOpenTime('1M', mar - 1)).toBe(feb);
    expect(candleCloseTime('1M', feb)).toBe(mar - 1);
    expect(candleCloseTime('1M', feb) + 1 - feb).toBe(29 * DAY);
  });

  it('rolls 1M over at the year end', () => {
    const jan = Date.UTC(2028, 0, 1);
    expect(candleOpenTime('1M', jan - 1)).toBe(Date.UTC(2027, 11, 1));
    expect(candleCloseTime('1M', Date.UTC(2027, 11, 1))).toBe(jan - 1);
    expect(candleOpenTime('1M', jan)).toBe(jan);
  });

  it('bounds 1M by 28 days (common February) and 31 days (a long month)', () => {
    expect(minIntervalMs('1M')).toBe(28 * DAY);
    expect(maxIntervalMs('1M')).toBe(31 * DAY);
    const lengths: number[] = [];
    for (let m = 0; m < 12 * 8; m++) {
      const open = Date.UTC(2024, m, 1);
      lengths.push(candleCloseTime('1M', open) + 1 - open);
    }
    expect(Math.min(...lengths)).toBe(minIntervalMs('1M')); // February 2025
    expect(Math.max(...lengths)).toBe(maxIntervalMs('1M'));
    expect(Date.UTC(2027, 2, 1) - Date.UTC(2027, 1, 1)).toBe(28 * DAY);
  });

  it('gives fixed intervals one length as both bounds, for every interval the venue has', () => {
    for (const iv of CandleInterval.options) {
      const { minMs, maxMs } = CANDLE_INTERVAL_BOUNDS_MS[iv];
      if (iv === '1M') continue;
      expect([minMs, maxMs]).toEqual([CANDLE_INTERVAL_MS[iv], CANDLE_INTERVAL_MS[iv]]);
      expect(candleCloseTime(iv, 0) + 1).toBe(minMs);
    }
  });
});
