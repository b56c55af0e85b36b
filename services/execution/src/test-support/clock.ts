// A fake Clock for the modules' unit tests: time moves only when a test calls `advance`, which runs
// every timer and sleeper that falls due, in time order, and lets their promises settle.
import type { Clock } from '../ports.js';

interface Timer {
  at: number;
  readonly periodMs: number | undefined;
  readonly fn: () => void;
  readonly id: number;
}

/** Lets pending promise callbacks run (a few turns of the microtask queue, no real timers). */
export async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #id = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  every(ms: number, fn: () => void): () => void {
    const id = this.#add(ms, fn, ms);
    return () => this.#remove(id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const id = this.#add(ms, resolve, undefined);
      signal?.addEventListener(
        'abort',
        () => {
          this.#remove(id);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** timers and sleepers waiting */
  get pending(): number {
    return this.#timers.length;
  }

  /** moves time forward by `ms`, firing what falls due on the way */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined) break;
      this.#now = next.at;
      if (next.periodMs === undefined) this.#remove(next.id);
      else next.at += next.periodMs;
      next.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  #add(ms: number, fn: () => void, periodMs: number | undefined): number {
    this.#id += 1;
    this.#timers.push({ at: this.#now + Math.max(1, ms), periodMs, fn, id: this.#id });
    return this.#id;
  }

  #remove(id: number): void {
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }
}
