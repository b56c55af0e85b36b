import type { Random } from './runtime.js';

export interface BackoffOptions {
  /** first retry delay before jitter, ms (default 500) */
  initialMs?: number;
  /** cap on the delay before jitter, ms (default 30 000) */
  maxMs?: number;
  /** growth factor per attempt (default 2) */
  factor?: number;
  /**
   * Fraction of the delay that is randomised (default 0.5): the delay is drawn uniformly from
   * [d·(1−jitter), d]. 1 is "full jitter"; 0 is deterministic. Jitter spreads the reconnects of
   * many processes behind one IP so they do not hit the 30/min connection cap together.
   */
  jitter?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, jittered. Pure. */
export function backoffDelayMs(attempt: number, random: Random, options: BackoffOptions = {}): number {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.5;
  if (jitter < 0 || jitter > 1) throw new RangeError(`jitter must be in [0, 1]: ${jitter}`);
  const base = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return Math.round(base * (1 - jitter * random()));
}
