import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { scrubHexKeys } from '../log/scrub.js';

/** The environment as Node gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A config schema: a zod object over environment variable names. */
export type ConfigSchema = z.ZodType<unknown, Record<string, string | undefined>>;

/**
 * Parse `env` with `schema` and return the frozen config. An empty variable counts as unset,
 * so schema defaults apply. On failure throws `ConfigError` naming every bad or missing variable.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const result = parseEnv(schema, env);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

/** Like `loadConfig` but returns the issues, so several schemas can report together. */
export function parseEnv<S extends ConfigSchema>(
  schema: S,
  env: Env,
): { ok: true; config: Readonly<z.output<S>> } | { ok: false; issues: ConfigIssue[] } {
  const input: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) input[k] = v === '' ? undefined : v;
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, config: deepFreeze(result.data) };
  const issues = result.error.issues.map((issue): ConfigIssue => {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    const raw = input[String(issue.path[0])];
    if (raw !== undefined) return { variable, reason: hideValue(issue.message, raw) };
    return {
      variable,
      reason: issue.message.includes('received undefined') ? 'missing' : `missing: ${issue.message}`,
    };
  });
  return { ok: false, issues };
}

// zod's own messages do not quote the input, but a custom message might: never echo the value.
function hideValue(message: string, raw: string): string {
  // Below 4 characters a value is no secret and hiding it would only garble the message.
  const hidden = raw.length >= 4 ? message.split(raw).join('<value hidden>') : message;
  return scrubHexKeys(hidden);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
