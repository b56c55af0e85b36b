import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatePassword, serverPasswordEnv } from '@hyperflow/bus';
import { locateNatsServer, NatsLocalError } from '@hyperflow/nats-local';
import { CliError } from '../errors.js';

/** The NATS users of infra/nats/nats.conf and the environment variable holding each password. */
export const NATS_USERS = {
  ingestor: 'NATS_INGESTOR_PASSWORD',
  strategy: 'NATS_STRATEGY_PASSWORD',
  execution: 'NATS_EXECUTION_PASSWORD',
  operator: 'NATS_OPERATOR_PASSWORD',
  provisioner: 'NATS_PROVISIONER_PASSWORD',
} as const;
export type NatsUser = keyof typeof NATS_USERS;

export interface LocalNats {
  readonly url: string;
  readonly passwords: Readonly<Record<NatsUser, string>>;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The nats-server to run: the first in infra/nats/versions.json's range (HYPERFLOW_NATS_SERVER,
 * <repo>/.hyperflow/bin, PATH). An older one is refused with the version found, the minimum and
 * the install command.
 */
export function findNatsServer(repoRoot: string): string {
  try {
    return locateNatsServer({ repoRoot }).bin;
  } catch (err) {
    if (err instanceof NatsLocalError) throw new CliError(err.message, { cause: err });
    throw err;
  }
}

/** One password per NATS user, made for this run. */
export function runPasswords(): Record<NatsUser, string> {
  return Object.fromEntries(Object.keys(NATS_USERS).map((u) => [u, generatePassword()])) as Record<
    NatsUser,
    string
  >;
}

/** the guard that ties nats-server's life to ours (same path from src/stack and dist/stack) */
const GUARD = fileURLToPath(new URL('../../bin/nats-guard.js', import.meta.url));

/**
 * Starts nats-server with the repository's config (JetStream, one user per service) on a free
 * loopback port. Passwords are generated for this run and handed to the services, never printed.
 * It runs under bin/nats-guard.js, which stops it when we stop, die or lose our terminal.
 */
export async function startLocalNats(opts: {
  repoRoot: string;
  configFile: string;
  dataDir: string;
}): Promise<LocalNats> {
  const bin = findNatsServer(opts.repoRoot);
  mkdirSync(opts.dataDir, { recursive: true });
  const passwords = runPasswords();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_SERVER_NAME: 'hyperflow-local',
    NATS_STORE_DIR: opts.dataDir,
    // the server gets bcrypt hashes only (cost 10: a connect costs the server ~50 ms)
    ...serverPasswordEnv(passwords, 10),
  };
  // no monitoring listener for the local stack (-m 0); clients on loopback only
  const child = spawn(
    process.execPath,
    [GUARD, bin, '-c', opts.configFile, '-a', '127.0.0.1', '-p', '-1', '-m', '0'],
    // stdin: a pipe we never write to; it closes when we die, and then the guard stops the server
    { env, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let log = '';
  const onData = (chunk: Buffer) => {
    log += chunk.toString();
  };
  child.stderr?.on('data', onData);
  const port = await new Promise<number>((resolve, reject) => {
    const done = (err: Error | undefined, p?: number) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.removeListener('exit', onExit);
      if (err) reject(err);
      else resolve(p as number);
    };
    const onExit = (code: number | null) =>
      done(new CliError(`nats-server exited with code ${code}:\n${log}`));
    const timer = setTimeout(() => done(new CliError(`nats-server did not start in 15 s:\n${log}`)), 15_000);
    const poll = setInterval(() => {
      const m = /Listening for client connections on [^\s]*:(\d+)/.exec(log);
      if (m?.[1] && log.includes('Server is ready')) done(undefined, Number(m[1]));
    }, 20);
    child.once('error', (err) => done(new CliError(`cannot run ${bin}: ${err.message}`)));
    child.once('exit', onExit);
  });
  // keep draining the server's log so a full pipe never blocks it
  child.stderr?.removeListener('data', onData);
  child.stderr?.resume();
  return {
    url: `nats://127.0.0.1:${port}`,
    passwords,
    process: child,
    stop: () => stopChild(child, 10_000),
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
