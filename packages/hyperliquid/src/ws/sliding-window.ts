import type { Clock } from '@hyperflow/core';

/**
 * Counts events in a sliding window (default 60 s). Used for the venue's per-minute WS caps
 * (30 new connections, 2000 sent messages); a sliding window is never looser than a fixed one,
 * so it is safe whichever the venue uses.
 */
export class SlidingWindowCounter {
  private readonly stamps: number[] = [];

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
    readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(limit) || limit <= 0)
      throw new RangeError(`limit must be a positive integer: ${limit}`);
  }

  /** Events currently inside the window. */
  count(): number {
    this.evict(this.clock.now());
    return this.stamps.length;
  }

  /** Records one event if it fits; returns false (and records nothing) otherwise. */
  tryTake(): boolean {
    const now = this.clock.now();
    this.evict(now);
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(now);
    return true;
  }

  /** Records one event even over the limit (for frames that must go out, like keep-alive pings). */
  force(): void {
    const now = this.clock.now();
    this.evict(now);
    this.stamps.push(now);
  }

  /** Milliseconds until {@link tryTake} would succeed; 0 if it would now. */
  waitMs(): number {
    const now = this.clock.now();
    this.evict(now);
    if (this.stamps.length < this.limit) return 0;
    // The slot frees when the event that brings the count down to limit-1 leaves the window.
    const freeing = this.stamps[this.stamps.length - this.limit];
    return freeing === undefined ? 0 : Math.max(0, freeing + this.windowMs - now);
  }

  private evict(now: number): void {
    let drop = 0;
    while (drop < this.stamps.length && (this.stamps[drop] as number) <= now - this.windowMs) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}
