import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainTs = fileURLToPath(new URL('./test-support/bin-for-tests.ts', import.meta.url));

function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainTs, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out:\n${out}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('hyperflow CLI', () => {
  it('up starts nats-server with the per-service users, provisions the streams, and stops cleanly', async () => {
    const { code, out } = await run(['up', '--for', '2']);
    expect(out).toContain('nats-server ready at nats://127.0.0.1:');
    expect(out).toMatch(/streams MARKET\((created|unchanged|updated)\)/);
    expect(out).toContain('hyperflow: stopped.');
    expect(out).not.toMatch(/NATS_\w+_PASSWORD=/);
    expect(code === 0 || code === 1).toBe(true);
  });

  it('up refuses a --strategies file that is missing or not a strategies document, before starting anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperflow-cli-'));
    try {
      const missing = await run(['up', '--strategies', join(dir, 'nope.json')]);
      expect(missing.code).toBe(1);
      expect(missing.out).toContain('hyperflow: --strategies');
      expect(missing.out).toContain('nope.json');
      writeFileSync(join(dir, 'empty.json'), '{"strategies": []}');
      const empty = await run(['up', '--strategies', join(dir, 'empty.json')]);
      expect(empty.code).toBe(1);
      expect(empty.out).toContain('expected {"strategies": [ … ]} with at least one strategy');
      expect(empty.out).not.toContain('starting nats-server');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown command with the usage and exit 1', async () => {
    const { code, out } = await run(['frobnicate']);
    expect(code).toBe(1);
    expect(out).toContain('unknown command "frobnicate"');
    expect(out).toContain('usage: hyperflow');
  });
});
