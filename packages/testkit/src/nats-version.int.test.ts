import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer, startNatsBinary } from './nats.js';

// An executable that answers `--version` as Debian bookworm's nats-server does.
describe('the test kit refuses a nats-server older than infra/nats/versions.json allows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperflow-old-nats-'));
  const old = join(dir, 'nats-server');
  writeFileSync(old, '#!/bin/sh\necho "nats-server: v2.9.10"\n');
  chmodSync(old, 0o755);
  const saved = process.env.HYPERFLOW_NATS_SERVER;
  afterEach(() => {
    if (saved === undefined) delete process.env.HYPERFLOW_NATS_SERVER;
    else process.env.HYPERFLOW_NATS_SERVER = saved;
  });

  it('binary mode does not start it, and says which version it found and how to get a good one', async () => {
    process.env.HYPERFLOW_NATS_SERVER = old;
    expect(() => findNatsServer()).toThrow(`nats-server 2.9.10 (${old}) is not supported`);
    await expect(startNatsBinary()).rejects.toThrow(
      /needs at least 2\.12\.15 .*Install a supported one with: bash scripts\/install-nats\.sh/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
