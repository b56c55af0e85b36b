import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNatsVersions } from '@hyperflow/nats-local';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../repo-support.js';

// scripts/test-min-server.sh runs the minimum-server suites against one binary; what it refuses
// must be refused before any suite starts (a full run is `bash scripts/test-min-server.sh <bin>`).
const dir = mkdtempSync(join(tmpdir(), 'hyperflow-test-min-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = readNatsVersions(root);

function run(...args: string[]) {
  const r = spawnSync('bash', [join(root, 'scripts/test-min-server.sh'), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/test-min-server.sh', () => {
  it('needs the binary to test', () => {
    const r = run();
    expect(r.code).toBe(2);
    expect(r.out).toContain('usage:');
  });

  it('refuses a server below the minimum with the test kit’s message, and runs no suite', () => {
    const old = join(dir, 'nats-server');
    writeFileSync(old, '#!/bin/sh\necho "nats-server: v2.12.14"\n');
    chmodSync(old, 0o755);
    const r = run(old);
    expect(r.code).toBe(2);
    expect(r.out).toContain(
      `nats-server 2.12.14 (${old}) is not supported: hyperflow needs at least ${spec.minimum}`,
    );
    expect(r.out).toContain('bash scripts/install-nats.sh');
    expect(r.out).not.toContain('passed');
  });
});
