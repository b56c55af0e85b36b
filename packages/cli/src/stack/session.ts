import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How other CLI commands reach the NATS server a running `hyperflow up` started. */
export interface Session {
  readonly url: string;
  readonly user: string;
  readonly pass: string;
}

const file = (repoRoot: string) => join(repoRoot, '.hyperflow', 'session.json');

/** Written 0600: it holds the operator password of this run only. */
export function writeSession(repoRoot: string, session: Session): void {
  // `up --data-dir` keeps its data elsewhere: the session still lives here, where the CLI looks
  mkdirSync(dirname(file(repoRoot)), { recursive: true });
  writeFileSync(file(repoRoot), JSON.stringify(session), { mode: 0o600 });
  chmodSync(file(repoRoot), 0o600);
}

export function readSession(repoRoot: string): Session | undefined {
  if (!existsSync(file(repoRoot))) return undefined;
  return JSON.parse(readFileSync(file(repoRoot), 'utf8')) as Session;
}

export function clearSession(repoRoot: string): void {
  rmSync(file(repoRoot), { force: true });
}

/** NATS_URL/NATS_USER/NATS_PASS from the environment win over a local session. */
export function resolveNats(repoRoot: string, env: NodeJS.ProcessEnv): Session | undefined {
  if (env.NATS_URL) return { url: env.NATS_URL, user: env.NATS_USER ?? '', pass: env.NATS_PASS ?? '' };
  return readSession(repoRoot);
}
