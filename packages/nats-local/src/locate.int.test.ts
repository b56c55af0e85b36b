import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateNatsServer } from './locate.js';

// Real processes: small executables that answer `--version` like nats-server does.
const dir = mkdtempSync(join(tmpdir(), 'hyperflow-locate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeServer(name: string, version: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const bin = join(d, 'nats-server');
  writeFileSync(bin, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(bin, 0o755);
  return d;
}
const emptyRepo = mkdtempSync(join(tmpdir(), 'hyperflow-locate-repo-'));
mkdirSync(join(emptyRepo, 'infra/nats'), { recursive: true });
writeFileSync(
  join(emptyRepo, 'infra/nats/versions.json'),
  JSON.stringify({
    minimum: '2.12.15',
    minimumPerMinor: ['2.12.15', '2.14.4', '2.15.0'],
    newestTested: '2.15.1',
    image: 'nats:2.15.1-alpine',
  }),
);
afterAll(() => rmSync(emptyRepo, { recursive: true, force: true }));

describe('locateNatsServer', () => {
  it('refuses a PATH holding only Debian bookworm’s 2.9.10, naming it, the minimum and the install command', () => {
    const old = fakeServer('bookworm', '2.9.10');
    expect(() => locateNatsServer({ repoRoot: emptyRepo, env: { PATH: old } })).toThrow(
      `nats-server 2.9.10 (${old}/nats-server) is not supported: hyperflow needs at least 2.12.15`,
    );
    expect(() => locateNatsServer({ repoRoot: emptyRepo, env: { PATH: old } })).toThrow(
      'Install a supported one with: bash scripts/install-nats.sh',
    );
  });

  it('takes the first supported server: <repo>/.hyperflow/bin before an old one on PATH', () => {
    const old = fakeServer('trixie', '2.10.27');
    mkdirSync(join(emptyRepo, '.hyperflow/bin'), { recursive: true });
    const good = join(emptyRepo, '.hyperflow/bin/nats-server');
    writeFileSync(good, '#!/bin/sh\necho "nats-server: v2.15.1"\n');
    chmodSync(good, 0o755);
    try {
      expect(locateNatsServer({ repoRoot: emptyRepo, env: { PATH: old } })).toEqual({
        bin: good,
        version: '2.15.1',
      });
    } finally {
      rmSync(join(emptyRepo, '.hyperflow'), { recursive: true, force: true });
    }
  });

  it('HYPERFLOW_NATS_SERVER is used alone: an old one there is refused even with a good one on PATH', () => {
    const old = join(fakeServer('explicit', '2.12.14'), 'nats-server');
    const good = fakeServer('good', '2.14.4');
    expect(() =>
      locateNatsServer({ repoRoot: emptyRepo, env: { PATH: good, HYPERFLOW_NATS_SERVER: old } }),
    ).toThrow(`nats-server 2.12.14 (${old}) is not supported`);
    expect(locateNatsServer({ repoRoot: emptyRepo, env: { PATH: good } }).version).toBe('2.14.4');
  });

  it('says where it looked and how to install one when there is none', () => {
    expect(() =>
      locateNatsServer({
        repoRoot: emptyRepo,
        env: { HYPERFLOW_NATS_SERVER: join(dir, 'missing/nats-server') },
      }),
    ).toThrow(
      `HYPERFLOW_NATS_SERVER=${join(dir, 'missing/nats-server')} does not exist. Install a supported one with: bash scripts/install-nats.sh`,
    );
  });
});
