/**
 * "Logged once with context": the first occurrence of each key is logged, then at most one line per
 * `intervalMs` that says how many were suppressed meanwhile, so a flood of bad frames cannot flood
 * the log. Pure: the caller passes the time.
 */
export class LogLimiter {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(private readonly intervalMs: number) {}

  /** Whether to log now, and how many occurrences of `key` were not logged since the last line. */
  check(key: string, nowMs: number): { log: boolean; suppressed: number } {
    const entry = this.last.get(key);
    if (entry === undefined || nowMs - entry.atMs >= this.intervalMs) {
      const suppressed = entry?.suppressed ?? 0;
      this.last.set(key, { atMs: nowMs, suppressed: 0 });
      return { log: true, suppressed };
    }
    entry.suppressed += 1;
    return { log: false, suppressed: entry.suppressed };
  }
}
