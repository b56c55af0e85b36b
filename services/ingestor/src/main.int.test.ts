import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type SimulatorHandle, startSimulator } from '@hyperflow/simulator';
import { testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;
let sim: SimulatorHandle | undefined;
let prefix: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await sim?.close();
  sim = undefined;
  if (prefix) {
    const nc = await connect({ servers: inject('natsUrl') });
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) await jsm.streams.delete(name);
    }
    await nc.close();
  }
  prefix = undefined;
});

async function until<T>(
  get: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('main.ts as a process', () => {
  it('starts from env, turns ready once subscribed, serves metrics, and stops cleanly on SIGTERM', async () => {
    sim = await startSimulator({ port: 0, seed: 3, tickMs: 50, bookIntervalMs: 100, l2BookIntervalMs: 100 });
    const scope = testScope('ingmain');
    prefix = scope.streamPrefix;
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: PACKAGE_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: inject('natsUrl'),
        HL_NETWORK: 'sim',
        HL_WS_URL: sim.wsUrl,
        HL_REST_URL: sim.httpUrl,
        SUBJECT_ROOT: scope.root,
        BUS_PROVISION: 'true',
        STREAM_PREFIX: scope.streamPrefix,
        COINS: 'BTC',
        CHANNELS: 'trades,l2Book',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        INSTANCE_ID: 'main-test',
      },
    });
    child = proc;
    const logs: Record<string, unknown>[] = [];
    let partial = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) logs.push(JSON.parse(l) as Record<string, unknown>);
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

    const port = await until(() => {
      if (proc.exitCode !== null) throw new Error(`exited early: ${stderr}`);
      return logs.find((l) => l.msg === 'http listening')?.port as number | undefined;
    }, 'http listening');
    const base = `http://127.0.0.1:${port}`;
    await until(
      async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined),
      '/readyz 200',
    );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const metrics = await until(async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /ingestor_frames_total\{[^}]*channel="l2Book"/.test(text) ? text : undefined;
    }, 'frame metrics');
    expect(metrics).toMatch(/ingestor_live_subscriptions\{[^}]*\} 2/);
    expect(logs.some((l) => l.msg === 'ingestor plan' && l.subscriptions === 2)).toBe(true);

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.some((l) => l.msg === 'stopped')).toBe(true);
  }, 40_000);
});
