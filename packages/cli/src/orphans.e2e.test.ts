import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// `hyperflow up` must take every child with it however it ends: kill -9 of up itself, or its
// terminal closing (SIGHUP to the whole process group, nats-server included).
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** pid → state and parent, from /proc (a zombie, 'Z', counts as gone). */
function processes(): Map<number, { ppid: number; state: string }> {
  const out = new Map<number, { ppid: number; state: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // the command may hold spaces and parentheses: fields start after the last ')'
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { ppid: Number(ppid), state: state ?? '?' });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

function descendants(root: number): number[] {
  const all = processes();
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [p, info] of all) {
      if (info.ppid === pid) {
        found.push(p);
        walk(p);
      }
    }
  };
  walk(root);
  return found;
}

const alive = (pids: readonly number[]) => {
  const all = processes();
  return pids.filter((p) => {
    const s = all.get(p)?.state;
    return s !== undefined && s !== 'Z' && s !== 'X';
  });
};

async function until(
  check: () => boolean,
  what: string,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let up: ChildProcess | undefined;
let dataDir: string | undefined;
let leftovers: number[] = [];
afterEach(() => {
  for (const p of alive(leftovers)) process.kill(p, 'SIGKILL');
  if (up?.exitCode === null && up.signalCode === null) up.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  up = undefined;
  dataDir = undefined;
  leftovers = [];
});

/** Starts `up` in its own process group (as a shell does), and returns once all six children run. */
async function startUp(
  portBase: number,
): Promise<{ child: ChildProcess; pids: number[]; out: () => string }> {
  dataDir = mkdtempSync(join(tmpdir(), 'hyperflow-orphans-'));
  const child = spawn(
    process.execPath,
    ['packages/cli/bin/hyperflow.js', 'up', '--port-base', String(portBase), '--data-dir', dataDir],
    {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  up = child;
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const pid = child.pid as number;
  // nats guard + nats-server + four services, each a node process or nats-server
  const expected = () => {
    const all = processes();
    const d = descendants(pid);
    const services = d.filter((p) => all.get(p)?.ppid === pid).length;
    return { d, services };
  };
  await until(
    () => /execution\s+(starting|ready|not ready)/.test(out) && expected().services >= 5,
    'every child',
    90_000,
    () => out,
  );
  const pids = expected().d;
  leftovers = pids;
  return { child, pids, out: () => out };
}

describe('hyperflow up leaves no process behind', () => {
  it('when up itself is killed with kill -9, every child (nats-server included) stops by itself', {
    timeout: 180_000,
  }, async () => {
    const { child, pids, out } = await startUp(28180);
    expect(pids.length).toBeGreaterThanOrEqual(6);
    const nats = pids.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('nats-server'));
    expect(nats.length, 'nats-server (and its guard) are among the children').toBeGreaterThanOrEqual(2);
    process.kill(child.pid as number, 'SIGKILL');
    await until(
      () => alive(pids).length === 0,
      'no child left',
      30_000,
      () => `${out()}\nalive: ${alive(pids)}`,
    );
  });

  it('when its terminal closes (SIGHUP to the process group), everything stops', {
    timeout: 180_000,
  }, async () => {
    const { child, pids, out } = await startUp(28190);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(-(child.pid as number), 'SIGHUP');
    await until(
      () => alive(pids).length === 0,
      'no child left',
      30_000,
      () => `${out()}\nalive: ${alive(pids)}`,
    );
    await exited;
    expect(out()).toContain('hyperflow: stopped.');
  });
});
