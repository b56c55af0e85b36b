// Small pure helpers for the process-level suites (memory, recovery): summaries of repeated
// samples and /proc parsing. Kept pure so they are unit tested.

/** Median, max and min of a non-empty sample (the median of an even count is the mean of the middle two). */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly max: number;
  readonly min: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize: no values');
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('summarize: non-finite value');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { n: s.length, median, max: s[s.length - 1] as number, min: s[0] as number };
}

/** Resident set size in bytes from the text of /proc/<pid>/status (`VmRSS:  123456 kB`); undefined when absent (process gone, kernel thread). */
export function parseVmRss(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB\s*$/m.exec(status);
  return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
}

/** The value of one Prometheus sample line by metric name (first match, any labels); undefined when absent. */
export function promValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m?.[1] === name) {
      const v = Number(m[3]);
      if (Number.isFinite(v)) return v;
    }
  }
  return undefined;
}
