// Randomness and a field-adding logger for the transport; time, timers and the Logger port are
// @hyperflow/core's.

import type { Logger } from '@hyperflow/core';

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
