// The small ports every service's core takes instead of ambient time, timers and logging, with
// the system and silent implementations. Unit tests drive the same code with a fake clock.

/** Wall-clock milliseconds since the epoch; may carry a fraction (receive stamps can be sub-ms). */
export interface Clock {
  now(): number;
}

/** Opaque timer handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The logging port: pino satisfies it; object first, message second. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // a pending watchdog must not keep the process alive on its own
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const noop = (): void => {};

/** A logger that drops everything, for callers that pass none. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
