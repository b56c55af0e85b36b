import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';
import { SlidingWindowCounter } from './sliding-window.js';

describe('backoffDelayMs', () => {
  it('doubles from initialMs and caps at maxMs when jitter is off', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((a) =>
      backoffDelayMs(a, () => 0.7, { initialMs: 100, maxMs: 2_000, jitter: 0 }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
  });

  it('draws the delay from [d·(1−jitter), d] with the injected random', () => {
    const opts = { initialMs: 1_000, maxMs: 60_000, jitter: 0.5 };
    expect(backoffDelayMs(2, () => 0, opts)).toBe(4_000);
    expect(backoffDelayMs(2, () => 0.5, opts)).toBe(3_000);
    expect(backoffDelayMs(2, () => 0.999_999, opts)).toBe(2_000);
    expect(backoffDelayMs(10, () => 0.5, opts)).toBe(45_000);
  });

  it('full jitter can go down to zero; defaults are 500 ms ×2 capped at 30 s, half jitter', () => {
    expect(backoffDelayMs(3, () => 0.999_999_9, { initialMs: 100, jitter: 1 })).toBe(0);
    expect(backoffDelayMs(0, () => 0)).toBe(500);
    expect(backoffDelayMs(20, () => 0)).toBe(30_000);
    expect(backoffDelayMs(20, () => 0.5)).toBe(22_500);
  });

  it('rejects a jitter outside [0, 1]', () => {
    expect(() => backoffDelayMs(0, () => 0, { jitter: 1.5 })).toThrow(RangeError);
  });
});

describe('SlidingWindowCounter as the 30 new connections per minute limiter', () => {
  it('allows 30 in a minute, refuses the 31st, and frees slots as old ones leave the window', () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowCounter(30, { now: () => now });
    for (let i = 0; i < 30; i++) {
      expect(limiter.tryTake()).toBe(true);
      now += 1_000; // one connection per second: stamps at t0 … t0+29 s
    }
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.count()).toBe(30);
    // The first stamp (t0) leaves the window at t0+60 s; now is t0+30 s.
    expect(limiter.waitMs()).toBe(30_000);
    now += 29_999;
    expect(limiter.tryTake()).toBe(false);
    now += 1;
    expect(limiter.waitMs()).toBe(0);
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    expect(limiter.waitMs()).toBe(1_000);
  });

  it('force records past the limit (pings) and delays later takers accordingly', () => {
    let now = 0;
    const limiter = new SlidingWindowCounter(2, { now: () => now });
    limiter.force();
    limiter.force();
    now = 10;
    limiter.force();
    expect(limiter.count()).toBe(3);
    expect(limiter.tryTake()).toBe(false);
    // Back under the limit only when two stamps have left: the one at 0 (both) → count 1 at 60 000.
    expect(limiter.waitMs()).toBe(59_990);
    now = 60_000;
    expect(limiter.tryTake()).toBe(true);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new SlidingWindowCounter(0, { now: () => 0 })).toThrow(RangeError);
  });
});
