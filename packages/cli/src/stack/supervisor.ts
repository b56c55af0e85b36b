import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stopChild } from './nats-server.js';

export interface ServiceSpec {
  readonly name: string;
  /** built entry point, relative to the repository root */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** HTTP port of the service's /readyz */
  readonly httpPort: number;
  /** how to ask whether it is ready, when not the service kit's `GET /readyz` */
  readonly ready?: { readonly path: string; readonly init: RequestInit };
  /** services that must answer ready before this one starts (names of earlier specs) */
  readonly dependsOn?: readonly string[];
}

export type ServiceState =
  | 'missing'
  | 'waiting'
  | 'starting'
  | 'ready'
  | 'not ready'
  | 'restarting'
  | 'exited';

export interface RunningService {
  readonly spec: ServiceSpec;
  state: ServiceState;
  detail: string;
  /** the current process; a new one after each restart */
  child?: ChildProcess;
  readonly logFile: string;
  /** how often it crashed and was started again */
  restarts: number;
}

export interface SupervisorOptions {
  /** restart delays double from `initialMs` up to `maxMs`; a run of `resetAfterMs` starts over */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number; readonly resetAfterMs: number };
  /** how long to wait for a dependency to turn ready before starting its dependents anyway */
  readonly dependencyTimeoutMs?: number;
}

const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `n` (1-based) after a crash. Pure. */
export function restartDelayMs(
  n: number,
  backoff: { initialMs: number; maxMs: number } = DEFAULT_BACKOFF,
): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, n - 1));
}

/** Crashed since `up` started it: counted even after a restart brought it back. */
export function crashed(svc: RunningService): boolean {
  return svc.state === 'exited' || svc.restarts > 0;
}

interface Supervised extends RunningService {
  stopping: boolean;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** consecutive quick crashes, for the backoff */
  streak: number;
}

const supervised = new WeakMap<RunningService, Supervised>();

/**
 * Starts each built service as a child process in dependency order: a service starts once every
 * service it depends on answers ready (or after `dependencyTimeoutMs`, with a note in its detail).
 * Output goes to `<logDir>/<name>.log`. A child that exits while not being stopped is started again
 * after a backoff (1 s, 2 s, 4 s … 30 s; back to 1 s after a minute up), its state `restarting`
 * meanwhile. Each child gets a stdin pipe and EXIT_ON_STDIN_CLOSE=true, so it stops by itself when
 * this process dies, however it dies. A service whose entry is not built is `missing`, not started.
 * Returns at once; the list's states change as the services come up.
 */
export function startServices(
  repoRoot: string,
  specs: readonly ServiceSpec[],
  logDir: string,
  opts: SupervisorOptions = {},
): RunningService[] {
  mkdirSync(logDir, { recursive: true });
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const services: Supervised[] = specs.map((spec) => {
    const svc: Supervised = {
      spec,
      state: existsSync(join(repoRoot, spec.entry)) ? 'waiting' : 'missing',
      detail: '',
      logFile: join(logDir, `${spec.name}.log`),
      restarts: 0,
      stopping: false,
      restartTimer: undefined,
      streak: 0,
    };
    if (svc.state === 'missing') svc.detail = `${spec.entry} not built (npm run build)`;
    return svc;
  });
  for (const svc of services) supervised.set(svc, svc);

  const launch = (svc: Supervised): void => {
    if (svc.stopping) return;
    const entry = join(repoRoot, svc.spec.entry);
    const out = createWriteStream(svc.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...nodeFlags(entry), entry], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...svc.spec.env,
        HTTP_PORT: String(svc.spec.httpPort),
        EXIT_ON_STDIN_CLOSE: 'true',
      },
      // stdin: a pipe we never write to; the kernel closes it when we die, and the child stops
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    svc.child = child;
    svc.state = 'starting';
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      const how = `exited (${signal ?? code})`;
      if (svc.stopping) {
        svc.state = 'exited';
        svc.detail = `${how}; see ${svc.logFile}`;
        return;
      }
      svc.streak = Date.now() - startedAt >= backoff.resetAfterMs ? 1 : svc.streak + 1;
      svc.restarts += 1;
      const delayMs = restartDelayMs(svc.streak, backoff);
      svc.state = 'restarting';
      svc.detail = `${how}, restart ${svc.restarts} in ${Math.round(delayMs / 100) / 10} s; see ${svc.logFile}`;
      svc.restartTimer = setTimeout(() => {
        svc.restartTimer = undefined;
        launch(svc);
        if (!svc.stopping) svc.detail = `restarted ${svc.restarts}× (last: ${how})`;
      }, delayMs);
    });
  };

  void (async () => {
    const byName = new Map(services.map((s) => [s.spec.name, s]));
    for (const svc of services) {
      if (svc.state === 'missing') continue;
      const deps = (svc.spec.dependsOn ?? []).flatMap((d) => byName.get(d) ?? []);
      const notReady = await waitReady(deps, opts.dependencyTimeoutMs ?? 60_000, () => svc.stopping);
      if (svc.stopping) return;
      if (notReady.length > 0) svc.detail = `started before ${notReady.join(', ')} was ready`;
      launch(svc);
    }
  })();
  return services;
}

/** Waits until every service in `deps` answers ready; returns the names of those that did not. */
async function waitReady(
  deps: readonly Supervised[],
  timeoutMs: number,
  cancelled: () => boolean,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = deps.filter(
      (d) => d.state !== 'missing' && !(d.child !== undefined && d.state === 'ready'),
    );
    if (pending.length === 0 || cancelled()) return [];
    if (Date.now() >= deadline) return pending.map((d) => d.spec.name);
    await pollReadiness(pending);
    if (pending.every((d) => d.state === 'ready' || d.state === 'missing')) return [];
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The Node.js flags of a service's `start` script (`node <flags> dist/main.js` in the package.json
 * two levels above its built entry), so that `hyperflow up` runs it with the same V8 settings as
 * its image, compose and Kubernetes do (the ingestor's heap sizing). None when there are none.
 */
export function nodeFlags(entry: string): string[] {
  const manifest = join(dirname(dirname(entry)), 'package.json');
  if (!existsSync(manifest)) return [];
  const start = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: { start?: string } }).scripts
    ?.start;
  const words = start?.trim().split(/\s+/) ?? [];
  if (words[0] !== 'node') return [];
  return words.slice(1, -1).filter((w) => w.startsWith('--'));
}

/** Asks every running service once whether it is ready and updates its state. */
export async function pollReadiness(services: readonly RunningService[]): Promise<void> {
  await Promise.all(
    services.map(async (svc) => {
      if (
        svc.child === undefined ||
        (svc.state !== 'starting' && svc.state !== 'ready' && svc.state !== 'not ready')
      ) {
        return;
      }
      const child = svc.child;
      let state: ServiceState;
      let detail = '';
      try {
        const probe = svc.spec.ready ?? { path: '/readyz', init: {} };
        const res = await fetch(`http://127.0.0.1:${svc.spec.httpPort}${probe.path}`, {
          ...probe.init,
          signal: AbortSignal.timeout(1000),
        });
        await res.body?.cancel();
        state = res.ok ? 'ready' : 'not ready';
        if (!res.ok) detail = `HTTP ${res.status} on ${probe.path}`;
      } catch {
        state = svc.state === 'ready' ? 'not ready' : 'starting';
      }
      // it exited or was restarted while we asked: the answer is about a process that is gone
      if (
        svc.child !== child ||
        (svc.state !== 'starting' && svc.state !== 'ready' && svc.state !== 'not ready')
      ) {
        return;
      }
      svc.state = state;
      if (state === 'ready' || detail !== '') svc.detail = detail;
    }),
  );
}

/**
 * Stops services in reverse start order (consumers before producers), each with a grace period;
 * cancels pending starts and restarts first, so nothing comes back.
 */
export async function stopServices(services: readonly RunningService[], graceMs = 10_000): Promise<void> {
  for (const svc of services) {
    const s = supervised.get(svc);
    if (s === undefined) continue;
    s.stopping = true;
    if (s.restartTimer !== undefined) clearTimeout(s.restartTimer);
    s.restartTimer = undefined;
  }
  for (const svc of [...services].reverse()) {
    if (svc.child) await stopChild(svc.child, graceMs);
  }
}
