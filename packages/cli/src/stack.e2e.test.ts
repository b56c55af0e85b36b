import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's run command end to end: nats-server, simulator, ingestor, strategy and execution as
// real processes (built dist), ticks → signals → signed orders → fills on the simulator.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const services = ['simulator', 'ingestor', 'strategy', 'execution'];

function up(seconds: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['packages/cli/bin/hyperflow.js', 'up', '--for', String(seconds), '--port-base', '28080'],
      { cwd: repoRoot, env: { ...process.env, NATS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`hyperflow up did not stop:\n${out}`));
      },
      (seconds + 60) * 1000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const total = (view: string, kind: string) =>
  Number(new RegExp(`^\\s+${kind}\\s+\\d+\\s+(\\d+)$`, 'm').exec(view)?.[1] ?? 0);

describe('hyperflow up: the whole pipeline against the simulator', () => {
  it('turns simulator ticks into signals, signed orders and fills, then stops everything', async () => {
    for (const s of services) {
      expect(existsSync(`${repoRoot}services/${s}/dist/main.js`), `${s} is built (npm run build)`).toBe(true);
    }
    const { code, out } = await up(45);
    const view = out.slice(out.lastIndexOf('final view'));
    for (const s of services) expect(view, out).toMatch(new RegExp(`${s}\\s+ready`));
    expect(total(view, 'trade'), view).toBeGreaterThan(0);
    expect(total(view, 'book'), view).toBeGreaterThan(0);
    expect(total(view, 'signal'), view).toBeGreaterThan(0);
    expect(total(view, 'order'), view).toBeGreaterThan(0);
    expect(total(view, 'fill'), view).toBeGreaterThan(0);
    expect(view).toContain('ingestor-0=connected');
    expect(out).toContain('hyperflow: stopped.');
    expect(code).toBe(0);
    // nothing left behind: no service answers on its port, nats-server is gone
    for (const port of [28080, 28081, 28082, 28083])
      expect(await listening(port), `port ${port}`).toBe(false);
    const natsPort = Number(/nats-server ready at nats:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(await listening(natsPort), 'nats-server').toBe(false);
  });
});
