import { z } from 'zod';

// Env values are strings; these turn them into typed values with messages that say what was
// expected, never what was given (a value may be a secret).

/** An integer variable; put the unit in its name (`TIMEOUT_MS`, `MAX_BYTES`). */
export function envInt(opts: { min?: number; max?: number } = {}) {
  let n = z.int('expected an integer');
  if (opts.min !== undefined) n = n.min(opts.min, `expected an integer >= ${opts.min}`);
  if (opts.max !== undefined) n = n.max(opts.max, `expected an integer <= ${opts.max}`);
  return z
    .string()
    .trim()
    .regex(/^[-+]?\d+$/, 'expected an integer')
    .transform(Number)
    .pipe(n);
}

/** `true` or `false`, nothing else (no `1`, `yes`: a typo should fail, not flip a switch). */
export function envBool() {
  return z.enum(['true', 'false'], 'expected "true" or "false"').transform((v) => v === 'true');
}

/** A comma-separated list; items are trimmed, empty items dropped, each checked by `item`. */
export function envList<T extends z.ZodType<unknown, string> = z.ZodString>(item?: T) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array((item ?? z.string()) as T).min(1, 'expected at least one item'));
}

/** A URL, optionally restricted to some protocols (`['nats', 'tls']`, without the colon). */
export function envUrl(opts: { protocols?: readonly string[] } = {}) {
  const protocols = opts.protocols;
  return z
    .string()
    .trim()
    .refine((s) => URL.canParse(s), { error: 'expected a URL', abort: true })
    .refine(
      (s) => !protocols || protocols.includes(new URL(s).protocol.replace(/:$/, '')),
      `expected a URL with protocol ${protocols?.join(' or ')}`,
    );
}
