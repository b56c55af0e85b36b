import { assertPeriod } from './sma.js';

/**
 * Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period`
 * values (the TA-Lib convention), so it is warm after exactly `period` inputs.
 */
export interface Ema {
  readonly period: number;
  readonly count: number;
  /** running sum while seeding, then the EMA */
  readonly acc: number;
}

export function emaInit(period: number): Ema {
  assertPeriod(period);
  return { period, count: 0, acc: 0 };
}

export function emaUpdate(s: Ema, x: number): Ema {
  const count = s.count + 1;
  if (count < s.period) return { period: s.period, count, acc: s.acc + x };
  if (count === s.period) return { period: s.period, count, acc: (s.acc + x) / s.period };
  const alpha = 2 / (s.period + 1);
  return { period: s.period, count, acc: s.acc + alpha * (x - s.acc) };
}

export const emaWarm = (s: Ema): boolean => s.count >= s.period;
export const emaValue = (s: Ema): number | null => (emaWarm(s) ? s.acc : null);
export const emaReset = (s: Ema): Ema => emaInit(s.period);
