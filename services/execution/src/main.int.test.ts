import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@hyperflow/simulator';
import { testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Wallet } from 'ethers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { waitFor } from './test-support/harness.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('the execution process (main.ts through the service kit)', () => {
  let child: ChildProcess | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await close?.();
  });

  it('starts, becomes ready, stops cleanly on SIGTERM, and never prints the key', async () => {
    const wallet = Wallet.createRandom();
    const sim = await startSimulator({
      seed: 2,
      tickMs: 0,
      accounts: { [wallet.address.toLowerCase()]: '1000' },
    });
    close = () => sim.close();
    const scope = testScope('main');
    const closeSim = close;
    close = async () => {
      await closeSim();
      // the process provisioned this test's streams: remove them
      const nc = await connect({ servers: inject('natsUrl') });
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(scope.streamPrefix) || name.startsWith(`KV_${scope.streamPrefix}`)) {
          await jsm.streams.delete(name);
        }
      }
      await nc.close();
    };
    let out = '';
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HTTP_PORT: '0',
        LOG_LEVEL: 'debug',
        NATS_URL: inject('natsUrl'),
        HL_NETWORK: 'sim',
        EXEC_MODE: 'sim',
        HL_REST_URL: sim.httpUrl,
        HL_WS_URL: sim.wsUrl,
        EXEC_PRIVATE_KEY: wallet.privateKey,
        SUBJECT_ROOT: scope.root,
        STREAM_PREFIX: scope.streamPrefix,
        BUS_PROVISION: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    // a wait, not a timing bound: tsx compiles main.ts on start, slow on a loaded 2-core machine
    await waitFor(() => out.includes('"msg":"started"'), 40_000);
    const port = Number(/"port":(\d+),[^\n]*"msg":"http listening"/.exec(out)?.[1]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(scraped).toContain('execution_risk_mode');
    // secp256k1 5.x ships a prebuilt binary for this platform: the native path signs
    expect(scraped).toMatch(/^execution_signer_backend\{backend="native"[^}]*\} 1$/m);
    expect(scraped).not.toMatch(/^execution_signer_backend\{backend="js"/m);
    expect(out).toContain('secp256k1: signing with native libsecp256k1');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain(wallet.address.toLowerCase());
    expect(out.toLowerCase()).not.toContain(wallet.privateKey.slice(2).toLowerCase());
  }, 60_000);

  /**
   * Two replicas: the standby takes over when the leader stops (SIGTERM: lease released) or
   * crashes (SIGKILL: the lease presence reports it gone, long before the 30 s LEASE_TTL_MS).
   */
  const failover = async (stop: 'SIGTERM' | 'SIGKILL') => {
    const wallet = Wallet.createRandom();
    const sim = await startSimulator({
      seed: 3,
      tickMs: 0,
      accounts: { [wallet.address.toLowerCase()]: '1000' },
    });
    const scope = testScope(stop === 'SIGTERM' ? 'mainstandby' : 'mainkill');
    const children: ChildProcess[] = [];
    close = async () => {
      for (const c of children) c.kill('SIGKILL');
      await sim.close();
      const nc = await connect({ servers: inject('natsUrl') });
      const jsm = await jetstreamManager(nc);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(scope.streamPrefix) || name.startsWith(`KV_${scope.streamPrefix}`)) {
          await jsm.streams.delete(name);
        }
      }
      await nc.close();
    };
    const run = () => {
      const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          HTTP_PORT: '0',
          LOG_LEVEL: 'info',
          NATS_URL: inject('natsUrl'),
          HL_NETWORK: 'sim',
          EXEC_MODE: 'sim',
          HL_REST_URL: sim.httpUrl,
          HL_WS_URL: sim.wsUrl,
          EXEC_PRIVATE_KEY: wallet.privateKey,
          SUBJECT_ROOT: scope.root,
          STREAM_PREFIX: scope.streamPrefix,
          BUS_PROVISION: 'true',
          LEASE_TTL_MS: '30000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(proc);
      const p = { proc, out: '', port: 0 };
      const onData = (b: Buffer) => {
        p.out += b.toString();
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      return p;
    };
    const portOf = (out: string) => Number(/"port":(\d+),[^\n]*"msg":"http listening"/.exec(out)?.[1]);
    const leader = async (port: number) =>
      /^execution_leader(?:\{[^}]*\})? (\d)/m.exec(
        await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
      )?.[1];

    const a = run();
    await waitFor(() => a.out.includes('"msg":"started"'), 20_000);
    const b = run();
    await waitFor(() => b.out.includes('waiting for the signer lease') && portOf(b.out) > 0, 20_000);
    const [pa, pb] = [portOf(a.out), portOf(b.out)];
    // the standby: healthy, ready to take over, and not the leader
    await waitFor(async () => (await fetch(`http://127.0.0.1:${pb}/readyz`)).status === 200, 10_000);
    expect(await leader(pb)).toBe('0');
    expect((await fetch(`http://127.0.0.1:${pb}/healthz`)).status).toBe(200);
    expect(await leader(pa)).toBe('1');
    expect((await fetch(`http://127.0.0.1:${pa}/readyz`)).status).toBe(200);

    const exitedA = new Promise<number | null>((resolve) => a.proc.on('exit', (code) => resolve(code)));
    a.proc.kill(stop);
    if (stop === 'SIGTERM') {
      // the leader stops (releasing the lease): the standby takes over
      expect(await exitedA).toBe(0);
      await waitFor(async () => (await leader(pb)) === '1', 20_000);
    } else {
      // the leader crashes without releasing; the lease key still names it for up to 30 s. A wait
      // (not a timing assertion) well below the TTL: only the presence check can end it in time.
      await exitedA;
      await waitFor(async () => (await leader(pb)) === '1', 10_000);
      expect(b.out).toContain('lease holder gone from the server (no responders): taking over');
    }
    await waitFor(() => b.out.includes('"msg":"started"'), 20_000);
    expect((await fetch(`http://127.0.0.1:${pb}/readyz`)).status).toBe(200);
  };

  it('a hot standby answers /readyz 200 and reports its role; it leads after the leader stops', async () => {
    await failover('SIGTERM');
  }, 60_000);

  it('the standby leads long before the lease TTL after the leader is SIGKILLed', async () => {
    await failover('SIGKILL');
  }, 60_000);
});
