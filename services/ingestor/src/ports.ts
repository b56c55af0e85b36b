// Small ports the ingestor's core owns. Adapters over the venue client, the bus, prom-client and
// the file system implement them in main.ts; unit tests use plain fakes.

/** Wall-clock milliseconds since the epoch; may carry a fraction (receive stamps are sub-ms). */
export interface Clock {
  now(): number;
}

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** pino-compatible, object first. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = (): void => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
