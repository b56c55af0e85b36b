import { randomUUID } from 'node:crypto';
import { startNats } from '@hyperflow/testkit';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ServiceStatus } from './micro/micro-service.js';
import { statusSubject } from './micro/micro-service.js';
import { FIXTURE_KEY, type Fixture, spawnFixture } from './test-support/spawn-fixture.js';

const SECRET = 'fixture-secret-value-0123456789';
const baseEnv = { HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', FIXTURE_SECRET: SECRET };

const running: Fixture[] = [];
function start(env: Record<string, string>): Fixture {
  const f = spawnFixture(env);
  running.push(f);
  return f;
}
afterEach(() => {
  for (const f of running.splice(0)) if (f.child.exitCode === null) f.child.kill('SIGKILL');
});

async function collect<T>(it: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of await it) out.push(x);
  return out;
}

async function listening(f: Fixture): Promise<string> {
  const { port } = await f.waitForLog('http listening');
  return `http://127.0.0.1:${String(port)}`;
}

describe('runService in a real process', () => {
  it('exits 1 on bad config, naming each variable on stderr without values or a stack', async () => {
    const f = start({ HTTP_PORT: 'eighty', FIXTURE_SECRET: 'short-secret' });
    const { code } = await f.exited;
    expect(code).toBe(1);
    const stderr = f.stderr();
    expect(stderr).toContain('HTTP_PORT: expected an integer');
    expect(stderr).toContain('FIXTURE_SECRET: expected at least 16 characters');
    expect(stderr).not.toContain('short-secret');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(f.logs).toEqual([]);
  });

  it('refuses a placeholder credential from .env.example, naming the variable, not the value', async () => {
    const f = start({ ...baseEnv, NATS_PASS: 'change-me-execution' });
    const { code } = await f.exited;
    expect(code).toBe(1);
    expect(f.stderr()).toMatch(/NATS_PASS: is a placeholder value.*hyperflow setup/);
    expect(f.stderr()).not.toContain('change-me-execution');
    expect(f.logs).toEqual([]);
  });

  it('serves /healthz, /readyz (503 until ready, then 200) and /metrics', async () => {
    const f = start(baseEnv);
    const base = await listening(f);
    await f.waitForLog('started');

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, reasons: ['waiting for go on stdin'] });

    f.child.stdin.write('ready\n');
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 5_000 }).toBe(200);

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toContain('# TYPE fixture_work_total counter');
    expect(text).toContain('fixture_work_total{service="fixture"} 3');
    expect(text).toContain('service_ready{service="fixture"} 1');
    expect(text).toContain('process_cpu_user_seconds_total{service="fixture"}');

    expect((await fetch(`${base}/nope`)).status).toBe(404);
    f.child.kill('SIGTERM');
    expect((await f.exited).code).toBe(0);
  });

  it('on SIGTERM runs stop hooks last-registered first, closes HTTP and exits 0', async () => {
    const f = start(baseEnv);
    const base = await listening(f);
    await f.waitForLog('started');
    f.child.kill('SIGTERM');
    expect(await f.exited).toEqual({ code: 0, signal: null });
    const msgs = f.logs.map((l) => (l.msg === 'stop hook ran' ? `hook:${String(l.hook)}` : String(l.msg)));
    expect(msgs.slice(msgs.indexOf('shutting down'))).toEqual([
      'shutting down',
      'hook:last-registered',
      'hook:first-registered',
      'stopped',
    ]);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(f.stderr()).toBe('');
  });

  it('on SIGHUP (its terminal closed) shuts down as gracefully as on SIGTERM', async () => {
    const f = start(baseEnv);
    await f.waitForLog('started');
    f.child.kill('SIGHUP');
    expect(await f.exited).toEqual({ code: 0, signal: null });
    expect(f.logs.find((l) => l.msg === 'shutting down')?.reason).toBe('SIGHUP');
    expect(f.logs.filter((l) => l.msg === 'stop hook ran')).toHaveLength(2);
  });

  it('with EXIT_ON_STDIN_CLOSE, shuts down when its supervisor is gone (stdin closed)', async () => {
    const f = start({ ...baseEnv, EXIT_ON_STDIN_CLOSE: 'true' });
    await f.waitForLog('started');
    f.child.stdin.end();
    expect(await f.exited).toEqual({ code: 0, signal: null });
    expect(f.logs.find((l) => l.msg === 'shutting down')?.reason).toBe('supervisor gone');
    expect(f.logs.filter((l) => l.msg === 'stop hook ran')).toHaveLength(2);
  });

  it('exits 1 when start fails, after running the stop hooks, with no key in the log', async () => {
    const f = start({ ...baseEnv, FIXTURE_FAIL_START: 'true' });
    expect((await f.exited).code).toBe(1);
    const failed = f.logs.find((l) => l.msg === 'start failed') as { err?: { message?: string } } | undefined;
    expect(failed?.err?.message).toBe('cannot load wallet 0x[redacted-key]');
    expect(f.logs.filter((l) => l.msg === 'stop hook ran')).toHaveLength(2);
    expect(JSON.stringify(f.logs) + f.stderr()).not.toContain(FIXTURE_KEY.slice(2));
  });

  it('exits 1 when a stop hook outlives SHUTDOWN_TIMEOUT_MS', async () => {
    const f = start({ ...baseEnv, FIXTURE_HANG_ON_STOP: 'true', SHUTDOWN_TIMEOUT_MS: '300' });
    await f.waitForLog('started');
    f.child.kill('SIGTERM');
    expect((await f.exited).code).toBe(1);
    expect(f.logs.some((l) => l.msg === 'shutdown timed out')).toBe(true);
  });

  it('exits 1 at once on a second signal during shutdown', async () => {
    const f = start({ ...baseEnv, FIXTURE_HANG_ON_STOP: 'true', SHUTDOWN_TIMEOUT_MS: '60000' });
    await f.waitForLog('started');
    f.child.kill('SIGTERM');
    await f.waitForLog('shutting down');
    f.child.kill('SIGINT');
    expect((await f.exited).code).toBe(1);
    expect(f.logs.some((l) => l.msg === 'second signal during shutdown, exiting now')).toBe(true);
  });

  it('registers as a NATS micro service with a status endpoint, and drains on SIGTERM', async () => {
    const name = `fixture-${randomUUID().slice(0, 8)}`;
    const bye = `test.${name}.bye`;
    const nc = await connect({ servers: inject('natsUrl') });
    try {
      const byeCount = 2_000;
      let received = 0;
      nc.subscribe(bye, { callback: () => void received++ });
      await nc.flush();
      const f = start({
        ...baseEnv,
        NATS_URL: inject('natsUrl'),
        FIXTURE_NAME: name,
        FIXTURE_BYE_SUBJECT: bye,
        FIXTURE_BYE_COUNT: String(byeCount),
      });
      await f.waitForLog('started');

      const client = new Svcm(nc).client();
      const pings = await collect(client.ping(name));
      expect(pings).toHaveLength(1);
      expect(pings[0]).toMatchObject({ name, version: '1.2.3' });

      const infos = await collect(client.info(name));
      expect(infos[0]).toMatchObject({
        name,
        description: 'service kit test fixture',
        metadata: { role: 'fixture' },
        endpoints: [{ name: 'status', subject: statusSubject(name) }],
      });

      const before = (await nc.request(statusSubject(name), '', { timeout: 2_000 })).json<ServiceStatus>();
      expect(before).toMatchObject({
        name,
        version: '1.2.3',
        id: pings[0]?.id,
        healthy: true,
        ready: false,
        reasons: ['waiting for go on stdin'],
        stats: { workDone: 3 },
      });
      f.child.stdin.write('ready\n');
      await expect
        .poll(
          async () =>
            (await nc.request(statusSubject(name), '', { timeout: 2_000 })).json<ServiceStatus>().ready,
        )
        .toBe(true);

      f.child.kill('SIGTERM');
      expect((await f.exited).code).toBe(0);
      // The connection was drained and closed after the stop hooks, before the exit...
      const msgs = f.logs.map((l) => String(l.msg));
      expect(msgs.slice(msgs.indexOf('shutting down'))).toEqual([
        'shutting down',
        'stop hook ran',
        'stop hook ran',
        'nats connection closed',
        'stopped',
      ]);
      // ...and everything the last stop hook published (2 MB, not flushed by it) arrived.
      await expect.poll(() => received, { timeout: 5_000 }).toBe(byeCount);

      // Gone from discovery: nobody answers a ping for its name any more.
      await expect(collect(client.ping(name))).rejects.toThrow(/no responders/);
    } finally {
      await nc.close();
    }
  });

  it('is not ready while NATS is unreachable', async () => {
    const nats = await startNats();
    let natsUp = true;
    try {
      const f = start({ ...baseEnv, NATS_URL: nats.url });
      const base = await listening(f);
      await f.waitForLog('started');
      f.child.stdin.write('ready\n');
      await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 5_000 }).toBe(200);

      await nats.stop();
      natsUp = false;
      await expect
        .poll(async () => (await fetch(`${base}/readyz`)).json(), { timeout: 5_000 })
        .toEqual({ ready: false, reasons: ['nats disconnected'] });
    } finally {
      if (natsUp) await nats.stop();
    }
  });
});
