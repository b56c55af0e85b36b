import { assertPeriod } from './sma.js';

/**
 * Wilder's RSI: the first average gain/loss is the plain mean of the first `period` changes, then
 * avg = (avg × (period − 1) + change) / period. Warm after `period + 1` closes.
 */
export interface Rsi {
  readonly period: number;
  readonly prev: number | null;
  /** number of changes seen */
  readonly count: number;
  readonly avgGain: number;
  readonly avgLoss: number;
}

export function rsiInit(period: number): Rsi {
  assertPeriod(period);
  return { period, prev: null, count: 0, avgGain: 0, avgLoss: 0 };
}

export function rsiUpdate(s: Rsi, close: number): Rsi {
  if (s.prev === null) return { ...s, prev: close };
  const change = close - s.prev;
  const gain = Math.max(change, 0);
  const loss = Math.max(-change, 0);
  const count = s.count + 1;
  const p = s.period;
  if (count <= p) {
    // seeding: accumulate sums, divide once the window is full
    const g = s.avgGain + gain;
    const l = s.avgLoss + loss;
    return count === p
      ? { period: p, prev: close, count, avgGain: g / p, avgLoss: l / p }
      : { period: p, prev: close, count, avgGain: g, avgLoss: l };
  }
  return {
    period: p,
    prev: close,
    count,
    avgGain: (s.avgGain * (p - 1) + gain) / p,
    avgLoss: (s.avgLoss * (p - 1) + loss) / p,
  };
}

export const rsiWarm = (s: Rsi): boolean => s.count >= s.period;

/** 0..100; 100 when there were no losses, 50 when the price did not move at all. */
export function rsiValue(s: Rsi): number | null {
  if (!rsiWarm(s)) return null;
  if (s.avgLoss === 0) return s.avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + s.avgGain / s.avgLoss);
}

export const rsiReset = (s: Rsi): Rsi => rsiInit(s.period);
