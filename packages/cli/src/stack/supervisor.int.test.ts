import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  crashed,
  pollReadiness,
  type RunningService,
  restartDelayMs,
  startServices,
  stopServices,
} from './supervisor.js';

// A stand-in service: /readyz answers 200 once READY_FILE exists (or at once); with CRASHES=n it
// exits 1 on its first n runs (counted in COUNT_FILE); it exits when stdin closes, as the kit does.
const FAKE = `
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const runs = existsSync(process.env.COUNT_FILE) ? Number(readFileSync(process.env.COUNT_FILE, 'utf8')) + 1 : 1;
writeFileSync(process.env.COUNT_FILE, String(runs));
if (runs <= Number(process.env.CRASHES ?? 0)) process.exit(1);
const ready = () => !process.env.READY_FILE || existsSync(process.env.READY_FILE);
createServer((req, res) => { res.statusCode = ready() ? 200 : 503; res.end(); }).listen(Number(process.env.HTTP_PORT), '127.0.0.1');
if (process.env.EXIT_ON_STDIN_CLOSE === 'true') process.stdin.on('end', () => process.exit(0)).resume();
`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dirs: string[] = [];
const stacks: RunningService[][] = [];
afterEach(async () => {
  for (const s of stacks.splice(0)) await stopServices(s, 2000);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'hyperflow-sup-'));
  dirs.push(root);
  mkdirSync(join(root, 'fake', 'dist'), { recursive: true });
  writeFileSync(join(root, 'fake', 'dist', 'main.mjs'), FAKE);
  return root;
}

describe('restartDelayMs', () => {
  it('doubles from the initial delay up to the cap', () => {
    const b = { initialMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n, b))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe('startServices', () => {
  it('starts a service only once what it depends on answers ready', async () => {
    const root = repo();
    const readyFile = join(root, 'a-ready');
    const [pa, pb] = [await freePort(), await freePort()];
    const services = startServices(
      root,
      [
        {
          name: 'a',
          entry: 'fake/dist/main.mjs',
          httpPort: pa,
          env: { COUNT_FILE: join(root, 'a'), READY_FILE: readyFile },
        },
        {
          name: 'b',
          entry: 'fake/dist/main.mjs',
          httpPort: pb,
          env: { COUNT_FILE: join(root, 'b') },
          dependsOn: ['a'],
        },
      ],
      join(root, 'logs'),
    );
    stacks.push(services);
    const [a, b] = services as [RunningService, RunningService];
    await until(async () => {
      await pollReadiness([a]);
      return a.state === 'not ready';
    }, 'a up but not ready');
    // a answers 503 for a while: b must not have been started
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.state).toBe('waiting');
    expect(b.child).toBeUndefined();
    expect(existsSync(join(root, 'b'))).toBe(false);
    writeFileSync(readyFile, '');
    await until(async () => {
      await pollReadiness(services);
      return b.state === 'ready';
    }, 'b ready');
    expect(crashed(a) || crashed(b)).toBe(false);
  });

  it('restarts a crashed service with backoff and shows it, then stops it for good', async () => {
    const root = repo();
    const port = await freePort();
    const services = startServices(
      root,
      [
        {
          name: 'c',
          entry: 'fake/dist/main.mjs',
          httpPort: port,
          env: { COUNT_FILE: join(root, 'c'), CRASHES: '2' },
        },
      ],
      join(root, 'logs'),
      { backoff: { initialMs: 200, maxMs: 1000, resetAfterMs: 60_000 } },
    );
    stacks.push(services);
    const [c] = services as [RunningService];
    await until(() => c.state === 'restarting', 'a restart scheduled');
    expect(c.detail).toMatch(/^exited \(1\), restart 1 in 0\.2 s/);
    await until(async () => {
      await pollReadiness(services);
      return c.state === 'ready';
    }, 'ready after two crashes');
    expect(c.restarts).toBe(2);
    expect(crashed(c)).toBe(true);
    expect(readFileSync(join(root, 'c'), 'utf8')).toBe('3');
    await stopServices(services, 2000);
    expect(c.state).toBe('exited');
    await new Promise((r) => setTimeout(r, 500));
    expect(readFileSync(join(root, 'c'), 'utf8')).toBe('3');
  });
});
