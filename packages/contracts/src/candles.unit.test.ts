import { describe, expect, it } from 'vitest';
import { CANDLE_INTERVAL_MS, candleCloseTime, candleOpenTime, minIntervalMs } from './candles.js';

describe('candle boundaries', () => {
  it('opens fixed intervals at UTC multiples since the epoch and closes one ms before the next', () => {
    const ts = Date.UTC(2026, 10, 24, 13, 47, 12, 345);
    expect(candleOpenTime('1m', ts)).toBe(Date.UTC(2026, 10, 24, 13, 47));
    expect(candleOpenTime('15m', ts)).toBe(Date.UTC(2026, 10, 24, 13, 45));
    expect(candleOpenTime('4h', ts)).toBe(Date.UTC(2026, 10, 24, 12));
    expect(candleOpenTime('1d', ts)).toBe(Date.UTC(2026, 10, 24));
    expect(candleCloseTime('1h', Date.UTC(2026, 10, 24, 13))).toBe(Date.UTC(2026, 10, 24, 14) - 1);
  });

  it('puts a trade exactly on a boundary in the candle that opens there', () => {
    const open = Date.UTC(2026, 0, 1, 0, 5);
    expect(candleOpenTime('5m', open)).toBe(open);
    expect(candleOpenTime('5m', open - 1)).toBe(open - CANDLE_INTERVAL_MS['5m']);
  });

  it('treats 1M as the calendar month', () => {
    expect(candleOpenTime('1M', Date.UTC(2024, 1, 29, 23))).toBe(Date.UTC(2024, 1, 1));
    expect(candleCloseTime('1M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1) - 1);
    expect(minIntervalMs('1M')).toBe(28 * 86_400_000);
  });
});
