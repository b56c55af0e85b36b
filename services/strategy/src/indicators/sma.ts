/** Simple moving average over the last `period` values. Plain data, so it snapshots as JSON. */
export interface Sma {
  readonly period: number;
  /** the last `period` inputs, oldest first */
  readonly window: readonly number[];
  readonly sum: number;
}

export function smaInit(period: number): Sma {
  assertPeriod(period);
  return { period, window: [], sum: 0 };
}

export function smaUpdate(s: Sma, x: number): Sma {
  const full = s.window.length === s.period;
  const dropped = full ? (s.window[0] ?? 0) : 0;
  const window = full ? [...s.window.slice(1), x] : [...s.window, x];
  // re-summing the window when it rolls keeps float drift from accumulating
  const sum = full ? window.reduce((a, b) => a + b, 0) : s.sum + x - dropped;
  return { period: s.period, window, sum };
}

export const smaWarm = (s: Sma): boolean => s.window.length === s.period;
export const smaValue = (s: Sma): number | null => (smaWarm(s) ? s.sum / s.period : null);
/** Cold again (after a gap): needs `period` fresh values. */
export const smaReset = (s: Sma): Sma => smaInit(s.period);

export function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`period must be a positive integer, got ${period}`);
}
