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
}

export type ServiceState = 'missing' | 'starting' | 'ready' | 'not ready' | 'exited';

export interface RunningService {
  readonly spec: ServiceSpec;
  state: ServiceState;
  detail: string;
  readonly child?: ChildProcess;
  readonly logFile: string;
}

/**
 * Starts each built service as a child process, its output in `<logDir>/<name>.log`.
 * A service whose entry is not built yet is reported as `missing`, not started.
 */
export function startServices(
  repoRoot: string,
  specs: readonly ServiceSpec[],
  logDir: string,
): RunningService[] {
  mkdirSync(logDir, { recursive: true });
  return specs.map((spec) => {
    const logFile = join(logDir, `${spec.name}.log`);
    const entry = join(repoRoot, spec.entry);
    if (!existsSync(entry)) {
      return { spec, state: 'missing' as const, detail: `${spec.entry} not built (npm run build)`, logFile };
    }
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...nodeFlags(entry), entry], {
      cwd: repoRoot,
      env: { ...process.env, ...spec.env, HTTP_PORT: String(spec.httpPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const svc: RunningService = { spec, state: 'starting', detail: '', child, logFile };
    child.once('exit', (code, signal) => {
      svc.state = 'exited';
      svc.detail = `exited (${signal ?? code}); see ${logFile}`;
    });
    return svc;
  });
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
      if (svc.state === 'missing' || svc.state === 'exited') return;
      try {
        const probe = svc.spec.ready ?? { path: '/readyz', init: {} };
        const res = await fetch(`http://127.0.0.1:${svc.spec.httpPort}${probe.path}`, {
          ...probe.init,
          signal: AbortSignal.timeout(1000),
        });
        await res.body?.cancel();
        svc.state = res.ok ? 'ready' : 'not ready';
        svc.detail = res.ok ? '' : `HTTP ${res.status} on ${probe.path}`;
      } catch {
        if (svc.state !== 'ready') svc.state = 'starting';
        else svc.state = 'not ready';
      }
    }),
  );
}

/** Stops services in reverse start order (consumers before producers), each with a grace period. */
export async function stopServices(services: readonly RunningService[], graceMs = 10_000): Promise<void> {
  for (const svc of [...services].reverse()) {
    if (svc.child) await stopChild(svc.child, graceMs);
  }
}
