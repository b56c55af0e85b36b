import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { subjects } from '@hyperflow/contracts';
import { waitFor } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';

// One forced signal through the real local stack: `hyperflow up` (built dist) starts nats-server,
// the simulator, ingestor, strategy and execution as separate processes with a strategy that stays
// quiet under the simulator's random walk (1 % threshold, a 10-minute cooldown). The test tells the
// simulator to move BTC 2 % up and expects exactly one order accepted by the simulator, its fill on
// `hl.sim.acct.…`, and nothing left running after the stop.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PORT_BASE = 29080; // the other stack e2e uses 28080
const SIM = `http://127.0.0.1:${PORT_BASE}`;
const SERVICE_PORTS = [PORT_BASE, PORT_BASE + 1, PORT_BASE + 2, PORT_BASE + 3];
const s = subjects('sim');

const ONE_SHOT = {
  strategies: [
    {
      kind: 'momentum',
      name: 'oneshot',
      config: {
        coins: {
          // BTC walks ±3 ticks of $1 per 100 ms around $60,000: ~0.1 % in a minute, far from 1 %
          BTC: { threshold: '0.01', size: '0.001', cooldownMs: 600_000, ttlMs: 30_000 },
        },
      },
    },
  ],
};

interface Received {
  readonly subject: string;
  readonly data: Record<string, unknown>;
}
interface LedgerEntry {
  readonly kind: 'order' | 'cancel' | 'fill' | 'reject';
  readonly user: string;
  readonly oid?: number;
  readonly coin?: string;
  readonly sz?: string;
}

const work = mkdtempSync(join(tmpdir(), 'hyperflow-forced-signal-'));
let up: ChildProcess | undefined;
let out = '';
let nc: NatsConnection | undefined;
/** the processes `hyperflow up` started (nats-server and the four services), read from /proc */
let children: number[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of `pid` (Linux /proc); empty where /proc is not there. */
function childrenOf(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function ready(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function ledger(): Promise<LedgerEntry[]> {
  const res = await fetch(`${SIM}/_sim/ledger`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as LedgerEntry[];
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM (what Ctrl-C does), SIGKILL if it hangs; resolves with the exit code. */
async function stopUp(child: ChildProcess): Promise<number | null> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await done;
  clearTimeout(timer);
  return code;
}

/** What to read when it fails: the CLI's output and the tail of every service log of this run. */
function diagnostics(): string {
  const logs = join(work, 'data', 'logs');
  const tails = existsSync(logs)
    ? readdirSync(logs).map((f) => {
        const lines = readFileSync(join(logs, f), 'utf8').trimEnd().split('\n');
        return `--- ${f} (last 25 lines)\n${lines.slice(-25).join('\n')}`;
      })
    : [];
  return `\n--- hyperflow up output\n${out}\n${tails.join('\n')}`;
}

afterAll(async () => {
  // whatever happened above: nothing of this run may outlive it
  await nc?.close().catch(() => undefined);
  if (up && up.exitCode === null && up.signalCode === null) await stopUp(up);
  for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
}, 120_000);

/** a decimal string as an integer of 1e-8 units: compared exactly, never as a float */
const scaled = (d: unknown) => {
  const [i = '0', f = ''] = String(d).split('.');
  return BigInt(i) * 100_000_000n + BigInt(f.padEnd(8, '0').slice(0, 8));
};
const norm = (d: unknown) => {
  const [i, f = ''] = String(d).split('.');
  const frac = f.replace(/0+$/, '');
  return frac ? `${i}.${frac}` : `${i}`;
};

describe('hyperflow up: one forced signal end to end', () => {
  it('places exactly one order on a forced simulator move, sees its fill on acct, then stops everything', async () => {
    try {
      await forcedSignalRun();
    } catch (err) {
      if (err instanceof Error) err.message += diagnostics();
      throw err;
    }
  }, 420_000);
});

async function forcedSignalRun(): Promise<void> {
  for (const port of SERVICE_PORTS) {
    expect(await listening(port), `port ${port} is free (is another run of this test going?)`).toBe(false);
  }
  for (const svc of ['simulator', 'ingestor', 'strategy', 'execution']) {
    expect(existsSync(`${repoRoot}services/${svc}/dist/main.js`), `${svc} is built (npm run build)`).toBe(
      true,
    );
  }
  const strategiesFile = join(work, 'strategies.json');
  writeFileSync(strategiesFile, JSON.stringify(ONE_SHOT));
  // a data directory of its own: no stream, consumer or snapshot of an earlier run replays here
  const args = ['packages/cli/bin/hyperflow.js', 'up', '--port-base', String(PORT_BASE)];
  args.push('--strategies', strategiesFile, '--data-dir', join(work, 'data'), '--for', '600');
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, NATS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  up = child;
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });

  // 1. the stack: nats-server, then the session the CLI writes (operator may read hl.>)
  await waitFor(() => /nats-server ready at nats:\/\/127\.0\.0\.1:\d+/.test(out), 30_000, 'nats-server');
  const natsUrl = /nats-server ready at (nats:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
  const sessionFile = join(repoRoot, '.hyperflow', 'session.json');
  const session = () =>
    existsSync(sessionFile)
      ? (JSON.parse(readFileSync(sessionFile, 'utf8')) as { url: string; user: string; pass: string })
      : undefined;
  await waitFor(() => session()?.url === natsUrl, 30_000, 'the session of this run');
  const { user, pass } = session() ?? { user: '', pass: '' };
  nc = await connect({ servers: natsUrl, user, pass, name: 'forced-signal-e2e' });
  const seen: Received[] = [];
  nc.subscribe(`${s.prefix}.>`, {
    callback: (err, msg) => {
      if (err) return;
      try {
        seen.push({ subject: msg.subject, data: msg.json() as Record<string, unknown> });
      } catch {
        /* not JSON: not ours to count */
      }
    },
  });
  /**
   * Messages under a subject prefix, one per event id: a republish (a redelivered signal, a fill
   * snapshot after a reconnect) is one event, as the stream's de-duplication keeps it.
   */
  const on = (prefix: string) => {
    const ids = new Set<unknown>();
    return seen.filter((m) => {
      if (!m.subject.startsWith(prefix)) return false;
      if (m.data.id === undefined) return true;
      if (ids.has(m.data.id)) return false;
      ids.add(m.data.id);
      return true;
    });
  };
  const btcTrades = () => on(s.trade('BTC')).length;

  // 2. every service ready, market data flowing through NATS
  await waitFor(
    async () => (await Promise.all(SERVICE_PORTS.map(ready))).every(Boolean),
    90_000,
    'every service ready',
  );
  children = childrenOf(child.pid ?? -1);
  expect(children.length).toBeGreaterThanOrEqual(5); // nats-server + four services
  await waitFor(() => btcTrades() >= 10 && on(s.bbo('BTC')).length >= 10, 60_000, 'BTC trades and BBOs');

  // 3. quiet under the random walk: a good stretch of ticks decided, no signal, no order
  const quietFrom = btcTrades();
  await waitFor(() => btcTrades() >= quietFrom + 40, 60_000, '40 more BTC trades');
  expect(on(s.all.signals.slice(0, -1)), 'signals before the move').toEqual([]);
  expect((await ledger()).filter((e) => e.kind === 'order' || e.kind === 'reject')).toEqual([]);

  // 4. the forced move: BTC 2 % up, twice the strategy's threshold
  const moved = await fetch(`${SIM}/_sim/market/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ coin: 'BTC', bps: '200' }),
  });
  expect(moved.status).toBe(200);
  const move = (await moved.json()) as { from: string; to: string };

  // 5. one signal, one order accepted by the simulator, its fill on hl.sim.acct.fill.BTC
  await waitFor(
    async () => (await ledger()).some((e) => e.kind === 'order'),
    60_000,
    `an order (move ${move.from} → ${move.to})`,
  );
  await waitFor(() => on(s.fill('BTC')).length >= 1, 60_000, 'the fill on acct');
  // settle: more market, more decisions; still only the one order
  const settleFrom = btcTrades();
  await waitFor(() => btcTrades() >= settleFrom + 40, 60_000, '40 more BTC trades after the fill');

  const entries = await ledger();
  const orders = entries.filter((e) => e.kind === 'order');
  expect(orders, JSON.stringify(entries)).toHaveLength(1);
  expect(entries.filter((e) => e.kind === 'reject')).toEqual([]);
  const order = orders[0] as LedgerEntry;
  expect(order.coin).toBe('BTC');

  const signals = on(s.all.signals.slice(0, -1));
  expect(signals, 'exactly one signal').toHaveLength(1);
  expect(signals[0]?.data).toMatchObject({ strategy: 'oneshot', coin: 'BTC', side: 'buy' });

  // the order as execution signed it: its cloid (orderId) and size
  const signed = on(s.all.exec.slice(0, -1)).filter((m) => m.data.type === 'orderSigned');
  expect(signed, 'one signed order').toHaveLength(1);
  const cloid = signed[0]?.data.orderId as string;
  const sz = norm(signed[0]?.data.sz);
  expect(sz).toBe('0.001');

  const fills = on(s.fill('BTC')).map((m) => m.data);
  expect(fills.length).toBeGreaterThanOrEqual(1);
  for (const f of fills) {
    expect(f).toMatchObject({ type: 'fill', coin: 'BTC', side: 'buy', oid: order.oid, cloid });
    expect(f.user).toBe(order.user);
    expect(scaled(f.px) > scaled(move.from), `fill at ${f.px}, move from ${move.from}`).toBe(true);
  }
  // the whole order filled: the fills add up to its size (one fill at this size)
  expect(fills.map((f) => norm(f.sz))).toEqual([sz]);
  const simFills = entries.filter((e) => e.kind === 'fill' && e.oid === order.oid);
  expect(simFills.map((e) => norm(e.sz))).toEqual([sz]);

  // 6. stop: everything it started is gone
  await nc.close();
  nc = undefined;
  const code = await stopUp(child);
  expect(out).toContain('hyperflow: stopped.');
  expect(code).toBe(0);
  for (const pid of children) expect(alive(pid), `process ${pid} left running`).toBe(false);
  for (const port of SERVICE_PORTS) expect(await listening(port), `port ${port}`).toBe(false);
  expect(await listening(Number(new URL(natsUrl).port)), 'nats-server').toBe(false);
}
