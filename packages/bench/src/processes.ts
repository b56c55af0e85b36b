// The services as separate processes, started the way `hyperflow up` starts them
// (packages/cli/src/stack): nats-server with infra/nats/nats.conf (one user per service), then each
// service's built entry (services/<name>/dist/main.js) as a child process with its own environment.
// BENCH_FROM_SOURCE=1 runs src/main.ts through tsx instead (no build needed; more memory).
// Every child is tracked and killed by `killAll` (the suites call it in `finally`), and by an exit
// hook as a last resort.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseVmRss } from './stats.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FROM_SOURCE = process.env.BENCH_FROM_SOURCE === '1';
const LOG_TAIL_CHARS = 256 * 1024;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** sub-ms epoch clock (the services stamp recvTsMs/atMs on the epoch scale) */
export const nowMs = () => performance.timeOrigin + performance.now();

export type ServiceName = 'simulator' | 'ingestor' | 'strategy' | 'execution';

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** the last 256 KiB of its stdout and stderr */
  log(): string;
  exited(): boolean;
  /** SIGKILL, resolves when it is gone */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Proc>();
let exitHook = false;

function track(name: string, child: ChildProcess): Proc {
  if (child.pid === undefined) throw new Error(`bench: ${name} did not start`);
  let tail = '';
  const onData = (chunk: Buffer) => {
    tail += chunk.toString();
    if (tail.length > LOG_TAIL_CHARS) tail = tail.slice(-LOG_TAIL_CHARS / 2);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const proc: Proc = {
    name,
    child,
    pid: child.pid,
    log: () => tail,
    exited,
    kill: async () => {
      if (!exited()) child.kill('SIGKILL');
      await gone;
      running.delete(proc);
    },
    stop: async (graceMs = 5_000) => {
      if (!exited()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
      running.delete(proc);
    },
  };
  running.add(proc);
  if (!exitHook) {
    exitHook = true;
    const killSync = () => {
      for (const p of running) if (!p.exited()) p.child.kill('SIGKILL');
    };
    process.once('exit', killSync);
    // Ctrl-C or a stop of the bench run: no child outlives it
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        killSync();
        process.exit(code);
      });
    }
  }
  return proc;
}

/** Starts one service like the CLI does: `node services/<name>/dist/main.js` with HTTP_PORT and `env`. */
export function spawnService(
  service: ServiceName,
  env: Readonly<Record<string, string>>,
  label: string = service,
): Proc {
  const entry = FROM_SOURCE ? `services/${service}/src/main.ts` : `services/${service}/dist/main.js`;
  if (!existsSync(`${REPO_ROOT}${entry}`)) throw new Error(`bench: ${entry} not built (npm run build)`);
  const flags = startFlags(service);
  const args = FROM_SOURCE ? [...flags, '--conditions=source', '--import', 'tsx', entry] : [...flags, entry];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(label, child);
}

/**
 * The Node.js flags of the service's `start` script (`node <flags> dist/main.js`), which its image,
 * compose, Kubernetes and `hyperflow up` start it with too (the ingestor's V8 heap sizing).
 */
function startFlags(service: ServiceName): string[] {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}services/${service}/package.json`, 'utf8')) as {
    scripts?: { start?: string };
  };
  const words = manifest.scripts?.start?.trim().split(/\s+/) ?? [];
  return words[0] === 'node' ? words.slice(1, -1).filter((w) => w.startsWith('--')) : [];
}

/** Starts any child process under the same tracking as the services (killed by `killAll`). */
export function spawnTracked(
  label: string,
  command: string,
  args: readonly string[],
  opts: { readonly cwd?: string; readonly env?: Readonly<Record<string, string | undefined>> } = {},
): Proc {
  const child = spawn(command, [...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(label, child);
}

/** Kills every process started here that is still running (SIGKILL: nothing to clean up in a bench). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill()));
}

/** A free loopback port (listen on 0, close). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('bench: no free port');
  return addr.port;
}

/** Polls `check` every 50 ms; throws with the process's log tail on timeout or exit. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  proc: Proc | undefined,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (proc?.exited())
      throw new Error(`bench: ${proc.name} exited waiting for ${what}:\n${proc.log().slice(-3000)}`);
    if (Date.now() > deadline) {
      throw new Error(
        `bench: timed out (${timeoutMs} ms) waiting for ${what}${proc ? `; ${proc.name} log:\n${proc.log().slice(-3000)}` : ''}`,
      );
    }
    await sleep(50);
  }
}

/** GET a local URL: status and body, or undefined when nothing answers. */
export async function httpGet(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

export const httpOk = async (url: string) => (await httpGet(url))?.status === 200;

/** VmRSS of a live process in bytes; undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `count` RSS samples of each process, `intervalMs` apart. */
export async function sampleRss(
  procs: readonly Proc[],
  count: number,
  intervalMs: number,
): Promise<Map<Proc, number[]>> {
  const out = new Map<Proc, number[]>(procs.map((p) => [p, []]));
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(intervalMs);
    for (const p of procs) {
      const rss = rssBytes(p.pid);
      if (rss === undefined) throw new Error(`bench: ${p.name} is gone:\n${p.log().slice(-3000)}`);
      out.get(p)?.push(rss);
    }
  }
  return out;
}
