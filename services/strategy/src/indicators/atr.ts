import { assertPeriod } from './sma.js';

/** One bar's range, as numbers (indicators are statistics: floats are fine here). */
export interface Bar {
  readonly h: number;
  readonly l: number;
  readonly c: number;
}

/**
 * Wilder's Average True Range. TR = max(h − l, |h − prevClose|, |l − prevClose|) (just h − l for
 * the first bar); the first ATR is the mean of the first `period` TRs, then
 * atr = (atr × (period − 1) + tr) / period. Warm after `period` bars.
 */
export interface Atr {
  readonly period: number;
  readonly prevClose: number | null;
  readonly count: number;
  /** running TR sum while seeding, then the ATR */
  readonly acc: number;
}

export function atrInit(period: number): Atr {
  assertPeriod(period);
  return { period, prevClose: null, count: 0, acc: 0 };
}

export function trueRange(bar: Bar, prevClose: number | null): number {
  const hl = bar.h - bar.l;
  if (prevClose === null) return hl;
  return Math.max(hl, Math.abs(bar.h - prevClose), Math.abs(bar.l - prevClose));
}

export function atrUpdate(s: Atr, bar: Bar): Atr {
  const tr = trueRange(bar, s.prevClose);
  const count = s.count + 1;
  const p = s.period;
  let acc: number;
  if (count < p) acc = s.acc + tr;
  else if (count === p) acc = (s.acc + tr) / p;
  else acc = (s.acc * (p - 1) + tr) / p;
  return { period: p, prevClose: bar.c, count, acc };
}

export const atrWarm = (s: Atr): boolean => s.count >= s.period;
export const atrValue = (s: Atr): number | null => (atrWarm(s) ? s.acc : null);
export const atrReset = (s: Atr): Atr => atrInit(s.period);
