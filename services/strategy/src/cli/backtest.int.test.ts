import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFastPublisher, provision } from '@hyperflow/bus';
import { subjects } from '@hyperflow/contracts';
import { startNatsBinary, testScope } from '@hyperflow/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { StrategyEvent } from '../strategies/strategy.js';
import { testBus } from '../test-support/bus.js';
import { syntheticMarket } from '../test-support/market.js';
import { EXAMPLE_STRATEGIES } from '../test-support/strategies.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./backtest.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hf-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backtest command', () => {
  it('given a recorded file, prints the signals and a P&L summary, identically on two runs', async () => {
    const events = join(dir, 'market.jsonl');
    const config = join(dir, 'strategies.json');
    writeFileSync(
      events,
      `${syntheticMarket({ minutes: 150, gapAtMinute: 70 })
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    writeFileSync(config, JSON.stringify(EXAMPLE_STRATEGIES));
    const args = ['--conditions=source', '--import', 'tsx', cli, events, '--config', config];
    const a = await run(process.execPath, args);
    const b = await run(process.execPath, args);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trim().split('\n');
    const signals = lines.filter((l) => !l.startsWith('#')).map((l) => JSON.parse(l) as { id: string });
    expect(signals.length).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatch(/^# BTC: fills \d+, position/);
  });

  it('exits non-zero with a clear message on a bad file', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"type":"trade"}\n');
    const config = join(dir, 'strategies.json');
    writeFileSync(config, JSON.stringify(EXAMPLE_STRATEGIES));
    await expect(
      run(process.execPath, ['--conditions=source', '--import', 'tsx', cli, bad, '--config', config]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/bad\.jsonl:1: invalid event/),
    });
  });

  it('given the same events in a stream time range, prints exactly what the file run prints', async () => {
    const bus = await testBus('cli');
    try {
      const events = syntheticMarket({ minutes: 120, gapAtMinute: 50 });
      const pub = createFastPublisher(bus.nc);
      for (const e of events) {
        const subject =
          e.type === 'trade'
            ? bus.subj.trade(e.coin)
            : e.type === 'bbo'
              ? bus.subj.bbo(e.coin)
              : bus.subj.gap('ing-1');
        await pub.publish(subject, StrategyEvent, e, { msgId: e.id });
      }
      expect((await pub.flush()).failed).toBe(0);
      const file = join(dir, 'range.jsonl');
      const config = join(dir, 'strategies.json');
      writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
      writeFileSync(config, JSON.stringify(EXAMPLE_STRATEGIES));
      const base = ['--conditions=source', '--import', 'tsx', cli, '--config', config];
      const fromFile = await run(process.execPath, [...base, file]);
      const fromStream = await run(process.execPath, [
        ...base,
        '--nats',
        inject('natsUrl'),
        '--net',
        'sim',
        '--root',
        bus.root,
        '--prefix',
        bus.prefix,
        '--from',
        String(Date.now() - 60_000),
      ]);
      expect(fromStream.stdout).toBe(fromFile.stdout);
      expect(fromFile.stdout.split('\n').length).toBeGreaterThan(3);
    } finally {
      await bus.cleanup();
    }
  });

  it('loads a user strategy module by path, relative to the strategies document', async () => {
    const events = join(dir, 'mod.jsonl');
    writeFileSync(
      events,
      `${syntheticMarket({ minutes: 90 })
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const example = fileURLToPath(new URL('../examples/rsi-reversion.ts', import.meta.url));
    writeFileSync(join(dir, 'rsi.ts'), `export { default } from ${JSON.stringify(example)};\n`);
    const config = join(dir, 'modules.json');
    writeFileSync(
      config,
      JSON.stringify({
        strategies: [
          {
            kind: 'module',
            name: 'rsi',
            path: './rsi.ts',
            config: { coins: { BTC: { interval: '1m', rsiPeriod: 5, size: '0.02' } } },
          },
        ],
      }),
    );
    const { stdout } = await run(process.execPath, [
      '--conditions=source',
      '--import',
      'tsx',
      cli,
      events,
      '--config',
      config,
    ]);
    const signals = stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(signals.length).toBeGreaterThan(0);
    expect(JSON.parse(signals[0] as string)).toMatchObject({ strategy: 'rsi', coin: 'BTC' });
  });

  it('runs the shipped example strategies document', async () => {
    const events = join(dir, 'example.jsonl');
    writeFileSync(
      events,
      `${syntheticMarket({ minutes: 60 })
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    const config = fileURLToPath(new URL('../../strategies.example.json', import.meta.url));
    const { stdout } = await run(process.execPath, [
      '--conditions=source',
      '--import',
      'tsx',
      cli,
      events,
      '--config',
      config,
      '--summary-only',
    ]);
    expect(stdout).toMatch(/^# events 720, signals \d+/);
  });
});

describe('backtest command: NATS credentials', () => {
  it('reads the stream range with --user/--pass or NATS_USER/NATS_PASS, and fails clearly without', async () => {
    const conf = join(dir, 'auth.conf');
    writeFileSync(
      conf,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }\nauthorization { users: [ { user: op, password: s3cret } ] }\n`,
    );
    const server = await startNatsBinary({ configFile: conf });
    try {
      const scope = testScope('btauth');
      const nc = await connect({ servers: server.url, user: 'op', pass: 's3cret' });
      await provision(nc, { root: scope.root, namePrefix: scope.streamPrefix });
      const subj = subjects('sim', scope.root);
      const events = syntheticMarket({ minutes: 30 });
      const pub = createFastPublisher(nc);
      for (const e of events) {
        const subject =
          e.type === 'trade' ? subj.trade(e.coin) : e.type === 'bbo' ? subj.bbo(e.coin) : subj.gap('ing-1');
        await pub.publish(subject, StrategyEvent, e, { msgId: e.id });
      }
      expect((await pub.flush()).failed).toBe(0);
      await nc.close();
      const config = join(dir, 'strategies.json');
      writeFileSync(config, JSON.stringify(EXAMPLE_STRATEGIES));
      const base = ['--conditions=source', '--import', 'tsx', cli, '--config', config, '--summary-only'];
      const range = ['--net', 'sim', '--root', scope.root, '--prefix', scope.streamPrefix, '--from', '0'];
      const expected = new RegExp(`^# events ${events.length}, `);
      const withFlags = await run(process.execPath, [
        ...base,
        '--nats',
        server.url,
        ...range,
        '--user',
        'op',
        '--pass',
        's3cret',
      ]);
      expect(withFlags.stdout).toMatch(expected);
      const fromEnv = await run(process.execPath, [...base, ...range], {
        env: { ...process.env, NATS_URL: server.url, NATS_USER: 'op', NATS_PASS: 's3cret' },
      });
      expect(fromEnv.stdout).toBe(withFlags.stdout);
      await expect(
        run(process.execPath, [...base, '--nats', server.url, ...range], {
          env: { ...process.env, NATS_USER: '', NATS_PASS: '' },
        }),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^backtest: .*[Aa]uthorization/) });
    } finally {
      await server.stop();
    }
  });
});
