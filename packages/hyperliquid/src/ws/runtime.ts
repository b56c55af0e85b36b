// Ports for time, timers, randomness and logging, so the transport's timing logic can be driven
// by a fake clock in unit tests and by the real one in production.

/** Wall-clock milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** Opaque timer handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/** The subset of the timer API the transport needs. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A pino-compatible logger (object first, then message). */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Uniform random in [0, 1). */
export type Random = () => number;

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending watchdog must not keep the process alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const noop = (): void => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that adds `fields` to every line (a child logger without requiring `child()`). */
export function withFields(log: Logger, fields: object): Logger {
  return {
    debug: (obj, msg) => log.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => log.info({ ...fields, ...obj }, msg),
    warn: (obj, msg) => log.warn({ ...fields, ...obj }, msg),
    error: (obj, msg) => log.error({ ...fields, ...obj }, msg),
  };
}
