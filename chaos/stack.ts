// The chaos suite's processes, all on 127.0.0.1: nats-server (the CLI's own start-up and provision
// modules, the repository's conf), the simulator and execution replicas from source (tsx), each
// logging to a file of the run. Every process started here is tracked and killed at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverPasswordEnv } from '@hyperflow/bus';
import { findNatsServer, type LocalNats, startLocalNats } from '../packages/cli/src/stack/nats-server.js';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const GUARD = join(repoRoot, 'packages/cli/bin/nats-guard.js');
const CONF = join(repoRoot, 'infra/nats/nats.conf');

/** every service process this run started: killed (SIGKILL) by `killAll` whatever happened */
const started = new Set<ChildProcess>();
/**
 * the nats-guard processes: SIGTERM only (the guard then stops its server, which runs in a process
 * group of its own; a SIGKILLed guard would leave the server running)
 */
const guards = new Set<ChildProcess>();

export async function killAll(): Promise<void> {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const live = [...guards].filter((g) => g.exitCode === null && g.signalCode === null);
  for (const g of live) g.kill('SIGTERM');
  await Promise.all(live.map(exited));
}

/** A free loopback port (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** nats-server that can be stopped and started again on the same port, store and passwords. */
export interface ChaosNats {
  readonly url: string;
  readonly passwords: LocalNats['passwords'];
  /** SIGTERM, then the same server again; resolves once it is ready */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(dataDir: string): Promise<ChaosNats> {
  const first = await startLocalNats({ repoRoot, configFile: CONF, dataDir });
  guards.add(first.process);
  const port = Number(new URL(first.url).port);
  let current: ChildProcess = first.process;
  const stopCurrent = async () => {
    const gone = exited(current);
    current.kill('SIGTERM');
    await gone;
  };
  return {
    url: first.url,
    passwords: first.passwords,
    stop: stopCurrent,
    restart: async () => {
      await stopCurrent();
      const env = {
        ...process.env,
        NATS_SERVER_NAME: 'hyperflow-local',
        NATS_STORE_DIR: dataDir,
        ...serverPasswordEnv(first.passwords, 10),
      };
      const child = spawn(
        process.execPath,
        [GUARD, findNatsServer(repoRoot), '-c', CONF, '-a', '127.0.0.1', '-p', String(port), '-m', '0'],
        { env, stdio: ['pipe', 'ignore', 'pipe'] },
      );
      guards.add(child);
      current = child;
      let log = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`nats-server did not restart in 30 s:\n${log}`)),
          30_000,
        );
        child.stderr?.on('data', (d: Buffer) => {
          log += d.toString();
          if (log.includes('Server is ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`nats-server exited (${code}) on restart:\n${log}`)));
      });
      child.stderr?.removeAllListeners('data');
      child.stderr?.resume();
    },
  };
}

export interface Service {
  readonly name: string;
  readonly httpPort: number;
  child: ChildProcess;
  /** a new process with the same environment (after a kill) */
  respawn(): void;
}

/** `node --conditions=source --import tsx <entry>` with `env`, its output appended to `<logDir>/<name>.log`. */
export function startService(
  name: string,
  entry: string,
  env: Record<string, string>,
  httpPort: number,
  logDir: string,
): Service {
  const log: WriteStream = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const run = () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
      cwd: repoRoot,
      env: { ...process.env, ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    started.add(child);
    return child;
  };
  const svc: Service = {
    name,
    httpPort,
    child: run(),
    respawn: () => {
      svc.child = run();
    },
  };
  return svc;
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** 1 when this replica holds the signer lease (`execution_leader` on /metrics), 0 standby, undefined unreachable. */
export async function leaderFlag(port: number): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    const m = /^execution_leader(?:\{[^}]*\})? (\d+)/m.exec(text);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}
