// Start in any order: execution started before the venue listens waits for it (not ready, saying
// why) and trades once it is there; a missing lease bucket refuses the start instead of signing on
// process-local nonces.
import { createServer } from 'node:net';
import { provision } from '@hyperflow/bus';
import { createMetrics } from '@hyperflow/service';
import { type SimulatorHandle, startSimulator } from '@hyperflow/simulator';
import { testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type RunningExecution, startExecution } from './app.js';
import { ExecutionConfig } from './config.js';
import { loadSigningKey } from './keys/keys.js';
import { type Harness, harness, waitFor } from './test-support/harness.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('execution start-up in any order', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('started before the venue listens: waits for venue meta (not ready, saying why), then starts', async () => {
    const scope = testScope('venuelate');
    const nc: NatsConnection = await connect({ servers: inject('natsUrl') });
    cleanups.push(async () => {
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(scope.streamPrefix) || name.startsWith(`KV_${scope.streamPrefix}`))
          await jsm.streams.delete(name);
      }
      await nc.close();
    });
    await provision(nc, { root: scope.root, namePrefix: scope.streamPrefix });
    const wallet = Wallet.createRandom();
    const port = await freePort();
    const config = ExecutionConfig.parse({
      HL_NETWORK: 'sim',
      EXEC_MODE: 'sim',
      HL_REST_URL: `http://127.0.0.1:${port}`,
      FOLLOW_ACCOUNT: 'false',
      EXEC_PRIVATE_KEY: wallet.privateKey,
      NATS_URL: inject('natsUrl'),
      SUBJECT_ROOT: scope.root,
      STREAM_PREFIX: scope.streamPrefix,
      REQUEST_TIMEOUT_MS: '1000',
    });
    const readiness: string[] = [];
    const logs: string[] = [];
    let running: RunningExecution | undefined;
    const starting = startExecution({
      config,
      nc,
      log: pino({ level: 'info' }, { write: (l: string) => void logs.push(l) }),
      metrics: createMetrics({ service: 'execution-test', defaultMetrics: false }),
      signer: loadSigningKey({ value: wallet.privateKey }),
      onReadiness: (ready, reason) => readiness.push(`${ready}:${reason}`),
    }).then((r) => {
      running = r;
      return r;
    });
    cleanups.push(async () => {
      await (await starting.catch(() => undefined))?.stop();
    });
    // the venue is not there: execution waits, says so, and has not started
    await waitFor(() => readiness.some((r) => r.startsWith('false:waiting for venue meta')), 15_000);
    expect(running).toBeUndefined();
    expect(logs.some((l) => l.includes('"msg":"waiting for venue meta'))).toBe(true);

    const sim: SimulatorHandle = await startSimulator({
      port,
      seed: 5,
      tickMs: 0,
      accounts: { [wallet.address.toLowerCase()]: '1000' },
    });
    cleanups.push(() => sim.close());
    const app = await starting;
    expect(logs.some((l) => l.includes('"msg":"execution venue ready"'))).toBe(true);
    expect(app.risk.state.mode).toBe('ACTIVE');
  }, 30_000);

  describe('the signer lease bucket', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    const dropLeases = async (hh: Harness) => {
      const jsm = await jetstreamManager(hh.nc);
      await jsm.streams.delete(`KV_${hh.scope.streamPrefix}hl_leases`);
    };

    it('missing: the start is refused with a clear message (no process-local nonces)', async () => {
      h = await harness('nolease');
      await dropLeases(h);
      await expect(h.start()).rejects.toThrow(
        /signer lease bucket .* does not exist.*EXEC_SINGLE_PROCESS=true/,
      );
    });

    it('missing, with EXEC_SINGLE_PROCESS=true: starts on process-local nonces and trades', async () => {
      h = await harness('singleproc');
      await dropLeases(h);
      const app = await h.start({ env: { EXEC_SINGLE_PROCESS: 'true' } });
      await h.publishMids();
      const s = h.signal({ style: 'market' });
      await h.publishSignal(s);
      await waitFor(() => h?.ordersAtVenue().length === 1);
      expect(app.risk.state.mode).toBe('ACTIVE');
      expect(h.logs.some((l) => l.includes('EXEC_SINGLE_PROCESS: no signer lease'))).toBe(true);
    });
  });
});
