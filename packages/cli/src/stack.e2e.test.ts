import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  });
});
