// Passwords of the identities: random per deployment (`hyperflow setup`) or per run
// (`hyperflow up`), given to nats-server only as bcrypt hashes, refused when a placeholder.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { BusError } from '../errors.js';
import { IDENTITIES, passwordHashEnv } from './identities.js';

/** A random password that nats-server's config parser reads as a plain token. */
export function generatePassword(): string {
  return `p${randomBytes(24).toString('hex')}`;
}

/** Known placeholder values (`.env.example`'s `change-me-…`), empty and too-short ones. */
export function placeholderProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return 'is empty';
  if (/^change-?me/i.test(value) || /^(password|secret|changeit|example)$/i.test(value)) {
    return 'is a placeholder from .env.example';
  }
  if (value.length < 16) return 'is shorter than 16 characters';
  return undefined;
}

/** Throws naming the variable when `value` is a placeholder (never echoing the value). */
export function refusePlaceholder(variable: string, value: string | undefined): void {
  const problem = placeholderProblem(value);
  if (problem !== undefined) {
    throw new BusError(`${variable} ${problem}: generate real secrets with \`npx hyperflow setup\``);
  }
}

/**
 * The bcrypt hash as nats-server reads it from an environment variable: double-quoted, or the
 * server would parse `$2b$…` as a variable reference.
 */
export function serverPasswordValue(password: string, cost = 11): string {
  return `"${bcrypt.hashSync(password, cost)}"`;
}

/** `NATS_<USER>_PASSWORD_HASH` for every identity of the table. */
export function serverPasswordEnv(
  passwords: Readonly<Record<string, string>>,
  cost = 11,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { user } of IDENTITIES) {
    const pw = passwords[user];
    if (pw === undefined) throw new BusError(`no password for NATS identity ${user}`);
    env[passwordHashEnv(user)] = serverPasswordValue(pw, cost);
  }
  return env;
}
