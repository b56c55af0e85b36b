// `hyperflow setup`: writes .env from .env.example with a random password for every NATS identity
// (and Grafana), plus the bcrypt hashes nats-server is given instead of the passwords.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  generatePassword,
  IDENTITIES,
  passwordEnv,
  passwordHashEnv,
  serverPasswordValue,
} from '@hyperflow/bus';
import { CliError } from '../errors.js';

/** Variables that get a fresh random value. */
const GENERATED = new Set([...IDENTITIES.map((i) => passwordEnv(i.user)), 'GRAFANA_ADMIN_PASSWORD']);

/**
 * The .env text for `example`: every generated variable gets a random value, every NATS password
 * its `…_HASH` line (single-quoted so compose takes the `$` literally). Pure but for randomness.
 */
export function renderEnv(example: string, hashCost = 11): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of example.split('\n')) {
    const m = /^([A-Z0-9_]+)=/.exec(line);
    const name = m?.[1];
    if (name !== undefined && /_PASSWORD_HASH$/.test(name)) continue;
    if (name === undefined || !GENERATED.has(name)) {
      out.push(line);
      continue;
    }
    seen.add(name);
    const password = generatePassword();
    out.push(`${name}=${password}`);
    const id = IDENTITIES.find((i) => passwordEnv(i.user) === name);
    if (id !== undefined)
      out.push(`${passwordHashEnv(id.user)}='${serverPasswordValue(password, hashCost)}'`);
  }
  const missing = [...GENERATED].filter((n) => !seen.has(n));
  if (missing.length > 0) throw new CliError(`.env.example lacks ${missing.join(', ')}`);
  return out.join('\n');
}

export function setup(opts: { example: string; target: string; force: boolean }): string {
  if (existsSync(opts.target) && !opts.force) {
    throw new CliError(
      `${opts.target} exists: keep it, or pass --force to replace every secret in it (rotation)`,
    );
  }
  writeFileSync(opts.target, renderEnv(readFileSync(opts.example, 'utf8')), { mode: 0o600 });
  return opts.target;
}
