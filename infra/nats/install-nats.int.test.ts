import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSupported, readNatsVersions } from '@hyperflow/nats-local';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../repo-support.js';

// scripts/install-nats.sh decides "new enough" in bash + node before any npm install; it must give
// the same answer as the TypeScript check. Run in a copy of the repository whose .hyperflow/bin
// holds a supported fake server, so a refusal never reaches the network.
const copy = mkdtempSync(join(tmpdir(), 'hyperflow-install-nats-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));
for (const f of ['scripts/install-nats.sh', 'infra/nats/versions.json']) {
  mkdirSync(join(copy, f, '..'), { recursive: true });
  copyFileSync(join(root, f), join(copy, f));
}
function fake(path: string, version: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}
const fallback = fake(join(copy, '.hyperflow/bin/nats-server'), '2.15.1');
const spec = readNatsVersions(root);

describe('scripts/install-nats.sh', () => {
  it.each([
    '2.9.10',
    '2.10.27',
    '2.11.15',
    '2.12.14',
    '2.12.15',
    '2.13.9',
    '2.14.3',
    '2.14.4',
    '2.15.0',
    '2.16.0',
  ])('agrees with the TypeScript range on %s', (version) => {
    const explicit = fake(join(copy, `v${version}/nats-server`), version);
    const out = execFileSync('bash', [join(copy, 'scripts/install-nats.sh')], {
      env: { ...process.env, HYPERFLOW_NATS_SERVER: explicit },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    expect(out).toBe(isSupported(version, spec) ? explicit : fallback);
  });
});
