import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixture-service.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Looks like a private key; the fixture puts it in an error that must never reach a log. */
export const FIXTURE_KEY = `0x${'c0ffee00'.repeat(8)}`;

export interface Fixture {
  child: ChildProcessWithoutNullStreams;
  /** JSON log lines seen so far on stdout. */
  logs: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Start the fixture service as a real child process with exactly `env` (plus PATH). */
export function spawnFixture(env: Record<string, string>): Fixture {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim())) logs.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    });
  });
  const waitForLog = (msg: string, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = logs.find((l) => l.msg === msg);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null) {
          done();
          reject(new Error(`fixture exited before logging "${msg}": ${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${msg}" log within ${timeoutMs} ms; stderr: ${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { child, logs, stderr: () => err, exited, waitForLog };
}
