import { hostname } from 'node:os';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { scrubHexKeys } from './scrub.js';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

// Key names that hold secrets, in the spellings our configs and clients use.
const SECRET_KEYS = [
  'privateKey',
  'private_key',
  'PRIVATE_KEY',
  'HL_PRIVATE_KEY',
  'secret',
  'secretKey',
  'apiSecret',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'apiKey',
  'api_key',
  'creds',
  'credentials',
  'nkey',
  'seed',
  'mnemonic',
  'NATS_CREDS',
  'NATS_PASSWORD',
  'NATS_TOKEN',
  'NATS_NKEY',
  'NATS_SEED',
];

/** Redacted paths: each secret key at the top level and up to two levels deep. */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Added to `DEFAULT_REDACT_PATHS` (pino/fast-redact path syntax). */
  redactPaths?: readonly string[];
  /** Where JSON lines go; stdout when omitted. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * The root logger of a service: JSON lines with a `service` field, secrets redacted by path,
 * and every line scrubbed of hex private keys on its way out, wherever in the line a key hides
 * (an error message, a stack, a nested string).
 */
export function createLogger(opts: LoggerOptions): Logger {
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(opts.redactPaths ?? [])], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    scrubbing(dest),
  );
}

function scrubbing(dest: DestinationStream): DestinationStream {
  const d = dest as DestinationStream & { flushSync?: () => void; flush?: (cb?: () => void) => void };
  return {
    write: (line: string) => d.write(scrubHexKeys(line)),
    // pino's logger.flush() and exit paths look for these on the stream.
    ...(d.flushSync ? { flushSync: () => d.flushSync?.() } : {}),
    ...(d.flush ? { flush: (cb?: () => void) => d.flush?.(cb) } : {}),
  } as DestinationStream;
}
