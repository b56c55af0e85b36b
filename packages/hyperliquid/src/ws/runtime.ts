// Ports for time, timers, randomness and logging, so the transport's timing logic can be driven
// by a fake clock in unit tests and by the real one in production.

import type { Logger } from '@hyperflow/core';

export {
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  systemTimers,
  type TimerHandle,
  type Timers,
} from '@hyperflow/core';

/** Uniform random in [0, 1). */
export type Random = () => number;

/** A logger that adds `fields` to every line (a child logger without requiring `child()`). */
export function withFields(log: Logger, fields: object): Logger {
  return {
    debug: (obj, msg) => log.debug({ ...fields, ...obj }, msg),
    info: (obj, msg) => log.info({ ...fields, ...obj }, msg),
    warn: (obj, msg) => log.warn({ ...fields, ...obj }, msg),
    error: (obj, msg) => log.error({ ...fields, ...obj }, msg),
  };
}
