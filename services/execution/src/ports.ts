// Small ports the execution modules own. app.ts builds the adapters (system clock, NATS, the venue
// clients, prom-client); unit tests use the fakes in test-support.

/** Wall-clock time and timers: the one place a module reads time or waits. */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** runs `fn` every `ms` until the returned function is called */
  every(ms: number, fn: () => void): () => void;
  /** resolves after `ms`, or at once when `signal` aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock, on `now` (Date.now unless a test passes its own). */
export function systemClock(now: () => number = Date.now): Clock {
  return {
    now,
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      return () => clearInterval(timer);
    },
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}

/** pino-compatible, object first. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/** What every started module hands back: `stop` ends its work, in the reverse order of starting. */
export interface Module {
  stop(): Promise<void>;
  /** crash-like stop for tests: nothing awaited, nothing released */
  abandon?(): void;
}
