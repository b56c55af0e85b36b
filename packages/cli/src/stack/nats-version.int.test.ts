import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainTs = fileURLToPath(new URL('../test-support/bin-for-tests.ts', import.meta.url));

describe('hyperflow up with a nats-server older than infra/nats/versions.json allows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperflow-old-nats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops before starting anything, naming the version found, the minimum and the install command', async () => {
    const old = join(dir, 'nats-server');
    // answers --version like Debian trixie's; anything else would start a server
    writeFileSync(
      old,
      '#!/bin/sh\n[ "$1" = --version ] && echo "nats-server: v2.10.27" && exit 0\nsleep 60\n',
    );
    chmodSync(old, 0o755);
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          mainTs,
          'up',
          '--for',
          '1',
          '--data-dir',
          join(dir, 'data'),
        ],
        {
          cwd: repoRoot,
          env: { ...process.env, NATS_URL: '', HYPERFLOW_NATS_SERVER: old },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.once('exit', (c) => resolve({ code: c, out: text }));
    });
    expect(code).toBe(1);
    expect(out).toContain(`nats-server 2.10.27 (${old}) is not supported: hyperflow needs at least 2.12.15`);
    expect(out).toContain('Install a supported one with: bash scripts/install-nats.sh');
    expect(out).not.toContain('nats-server ready');
  });
});
