import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SignalEmitted, subjects } from '@hyperflow/contracts';
import { testScope } from '@hyperflow/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readRange } from './runtime/replay.js';
import { position, trade } from './test-support/events.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;
let prefix: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
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
  it('starts from env, turns ready, turns a stop-loss tick into a signal on NATS, and stops on SIGTERM', async () => {
    const scope = testScope('stratmain');
    prefix = scope.streamPrefix;
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: PACKAGE_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: inject('natsUrl'),
        HL_NETWORK: 'sim',
        SUBJECT_ROOT: scope.root,
        STREAM_PREFIX: scope.streamPrefix,
        BUS_PROVISION: 'true',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        INSTANCE_ID: 'main-test',
        LOG_LEVEL: 'info',
        STRATEGIES_JSON: JSON.stringify({
          strategies: [{ kind: 'exits', config: { coins: { ETH: { stopLoss: '0.02' } } } }],
        }),
      },
    });
    child = proc;
    let out = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const port = await until(() => {
      const m = /"port":(\d+)[^\n]*http listening/.exec(out);
      return m ? Number(m[1]) : undefined;
    }, `http port (stderr: ${stderr})`);
    await until(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return r?.status === 200 ? true : undefined;
    }, 'ready');

    const nc = await connect({ servers: inject('natsUrl') });
    try {
      const subj = subjects('sim', scope.root);
      const js = jetstream(nc);
      const now = Date.now();
      await js.publish(subj.position('ETH'), JSON.stringify(position('ETH', now, '0.5', '2000')), {
        msgID: 'p',
      });
      await until(
        async () => ((await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined),
        'metrics',
      );
      const t = trade('ETH', now, '1950', { recvTsMs: now });
      // the position may land after the tick: send ticks until the exit fires
      const signal = await until(async () => {
        await js.publish(subj.trade('ETH'), JSON.stringify({ ...t, id: `${t.id}:${Date.now()}` }));
        const jsm = await jetstreamManager(nc);
        const last = (await jsm.streams.info(`${scope.streamPrefix}SIGNALS`)).state.last_seq;
        const r = await readRange(
          js,
          { stream: `${scope.streamPrefix}SIGNALS`, filterSubject: subj.all.signals, throughSeq: last },
          SignalEmitted,
        );
        return r.events[0]?.event;
      }, 'a signal');
      expect(signal).toMatchObject({
        strategy: 'exits',
        coin: 'ETH',
        side: 'sell',
        size: '0.5',
        reduceOnly: true,
      });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/strategy_signals_total\{[^}]*strategy="exits"[^}]*\} 1/);
    } finally {
      await nc.close();
    }

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [
      'STRATEGIES_JSON',
      { STRATEGIES_JSON: '{"strategies": [' },
      /STRATEGIES_JSON: expected a JSON strategies document/,
    ],
    [
      'STRATEGIES_JSON',
      { STRATEGIES_JSON: '{"strategies":[{"kind":"nope"}]}' },
      /STRATEGIES_JSON: invalid strategies document/,
    ],
    [
      'STRATEGIES_FILE',
      { STRATEGIES_FILE: '/nonexistent/strategies.json' },
      /STRATEGIES_FILE \(\/nonexistent\/strategies.json\): cannot read/,
    ],
  ])('a bad %s stops the start with an error naming it', async (_name, env, expected) => {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      cwd: PACKAGE_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: inject('natsUrl'),
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        ...env,
      },
    });
    child = proc;
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    proc.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(expected);
  });
});
