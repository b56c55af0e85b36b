/** The logging port: pino satisfies it; object first, message second. */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

const noop = () => {};

/** A logger that drops everything, for callers that pass none. */
export const silentLogger: Logger = { info: noop, warn: noop, error: noop, debug: noop };
