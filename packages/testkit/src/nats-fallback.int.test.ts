import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startNats } from './nats.js';

// An engine that answers /_ping but can run nothing (what a daemon without registry access or
// without permissions looks like to the kit): the kit must still give a real server, the binary,
// and say so in one line.
describe('startNats with a Docker engine that answers but cannot run the NATS container', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperflow-fake-engine-'));
  const socketPath = join(dir, 'docker.sock');
  let engine: Server;

  beforeAll(async () => {
    engine = createServer((req, res) => {
      if (req.url?.endsWith('/_ping')) res.writeHead(200).end('OK');
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"engine unusable"}');
    });
    await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise<void>((resolve) => engine.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to the binary with one log line; a forced container run fails instead', async () => {
    vi.stubEnv('DOCKER_HOST', `unix://${socketPath}`);
    vi.stubEnv('HYPERFLOW_TEST_NATS', undefined);
    vi.stubEnv('TESTCONTAINERS_RYUK_DISABLED', 'true');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const nats = await startNats();
    const lines = stderr.mock.calls.map(([chunk]) => String(chunk)).filter((l) => l.startsWith('testkit:'));
    stderr.mockRestore();
    try {
      expect(nats.kind).toBe('binary');
      const nc = await connect({ servers: nats.url });
      await nc.flush();
      await nc.close();
    } finally {
      await nats.stop();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^testkit: Docker engine reachable but the NATS container did not start \(.+\); using the nats-server binary\n$/,
    );

    vi.stubEnv('HYPERFLOW_TEST_NATS', 'container');
    await expect(startNats()).rejects.toThrow();
  }, 60_000);
});
