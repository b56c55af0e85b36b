import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainTs = fileURLToPath(new URL('../test-support/bin-for-tests.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; out: string }> {
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
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('hyperflow up --cluster 3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperflow-up-cluster-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs three routed local servers, provisions every stream and bucket at R3, and stops them all', async () => {
    // its own HTTP ports: another test's `up` may run at the same time
    const { out } = await run([
      'up',
      '--cluster',
      '3',
      '--for',
      '2',
      '--data-dir',
      dir,
      '--port-base',
      '18380',
    ]);
    expect(out).toContain('starting a 3-node nats-server cluster');
    const ready = /nats-server ready at (\S+) \(cluster of 3, streams at R3\)/.exec(out);
    const urls = ready?.[1]?.split(',') ?? [];
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(u).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    // read back from the server after provisioning
    const replicas = /hyperflow: replicas (.*)/.exec(out)?.[1] ?? '';
    const counts = [...replicas.matchAll(/(\S+)=(\d+)/g)].map((m) => [m[1], m[2]]);
    expect(counts.map(([name]) => name)).toEqual(
      expect.arrayContaining(['MARKET', 'SIGNALS', 'EXECUTION', 'CONTROL', 'DLQ', 'KV_hl_leases']),
    );
    expect(counts.filter(([, n]) => n !== '3')).toEqual([]);
    expect(out).toContain('hyperflow: stopped.');
    expect(out).not.toMatch(/NATS_\w+_PASSWORD=/);
    for (const n of [1, 2, 3]) expect(existsSync(join(dir, 'nats-cluster', `hyperflow-${n}`))).toBe(true);
    for (const u of urls) expect(await listening(Number(new URL(u).port)), u).toBe(false);
  }, 120_000);

  it('refuses a cluster size without a useful quorum before starting anything', async () => {
    const { code, out } = await run(['up', '--cluster', '2']);
    expect(code).toBe(1);
    expect(out).toContain('--cluster takes 3 or 5');
    expect(out).not.toContain('starting');
  });
});
