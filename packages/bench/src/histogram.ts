import { build, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** µs, 1 µs .. 60 s, 3 significant digits */
export const histogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
export const record = (h: Histogram, ms: number) =>
  h.recordValue(Math.min(60_000_000, Math.max(1, Math.round(ms * 1000))));
export const pctMs = (h: Histogram, p: number) => h.getValueAtPercentile(p) / 1000;

/** A detail-table row: label, p50, p90, p99, p99.9, max (ms), n. */
export function percentileRow(label: string, h: Histogram): string[] {
  if (h.totalCount === 0) return [label, '—', '—', '—', '—', '—', '0'];
  return [
    label,
    fmtMs(pctMs(h, 50)),
    fmtMs(pctMs(h, 90)),
    fmtMs(pctMs(h, 99)),
    fmtMs(pctMs(h, 99.9)),
    fmtMs(h.maxValue / 1000),
    String(h.totalCount),
  ];
}

export const PERCENTILE_HEADER = ['figure', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'n'] as const;

export function fmtMs(ms: number): string {
  if (ms >= 1000) return Math.round(ms).toLocaleString('en-US');
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(3);
}

/** Percentile of a plain sample (nearest rank); NaN when empty. */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}
