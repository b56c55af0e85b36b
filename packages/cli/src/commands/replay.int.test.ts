import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from '@hyperflow/bus';
import { type NatsHandle, startNatsBinary, testScope } from '@hyperflow/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CliError } from '../errors.js';
import { parseReplayArgs, replay, retarget } from './replay.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../test-support/bin-for-tests.ts', import.meta.url));

/** the CLI from source in a child process: exit code, stdout, stderr */
function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL: '', NATS_USER: '', NATS_PASS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

/** a writable that keeps what it is given */
function sink() {
  let text = '';
  return {
    out: {
      write: (s: string) => {
        text += s;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    lines: () => text.split('\n').filter((l) => l !== ''),
  };
}

interface Stored {
  seq: number;
  subject: string;
  ms: number;
  i: number;
}

const scope = testScope('replay');
const net = 'sim';
const btc = `${scope.root}.${net}.md.trade.BTC`;
const eth = `${scope.root}.${net}.md.trade.ETH`;
let nc: NatsConnection;
let stream: string;
const stored: Stored[] = [];
const btcs = () => stored.filter((s) => s.subject === btc);

beforeAll(async () => {
  nc = await connect({ servers: inject('natsUrl') });
  const st = await provision(nc, {
    root: scope.root,
    namePrefix: scope.streamPrefix,
    limits: { streams: { MARKET: { maxBytes: 1 << 20 } } },
  });
  stream = st.streams.MARKET.name;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  // 30 messages, every third one ETH: the BTC filter has gaps in its sequences
  for (let i = 1; i <= 30; i++) {
    const subject = i % 3 === 0 ? eth : btc;
    const ack = await js.publish(subject, JSON.stringify({ type: 'trade', i, px: String(100 + i) }));
    const m = await jsm.streams.getMessage(stream, { seq: ack.seq });
    if (!m) throw new Error(`stored message ${ack.seq} not found`);
    stored.push({ seq: ack.seq, subject, ms: m.time.getTime(), i });
  }
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  for (const name of (await jsm.streams.names().next()).filter((n) => n.startsWith(scope.streamPrefix))) {
    await jsm.streams.delete(name).catch(() => undefined);
  }
  await nc.close();
});

const jsonSeqs = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { seq: number }).seq);

describe('hyperflow replay: range selection', () => {
  it('--from-seq/--to-seq: exactly the filter subject between the bounds, first and last included', async () => {
    const b = btcs();
    const from = b[2] as Stored;
    const to = b[12] as Stored;
    const s = sink();
    const r = await replay({
      nc,
      subject: btc,
      range: { fromSeq: from.seq, toSeq: to.seq },
      json: true,
      out: s.out,
    });
    const expected = b.filter((x) => x.seq >= from.seq && x.seq <= to.seq).map((x) => x.seq);
    expect(jsonSeqs(s.lines())).toEqual(expected);
    expect(r).toEqual({ stream, count: expected.length, firstSeq: from.seq, lastSeq: to.seq });
  });

  it('bounds on messages of another subject select the matching ones inside them', async () => {
    const e = stored.filter((x) => x.subject === eth);
    const from = e[1] as Stored;
    const to = e[5] as Stored;
    const s = sink();
    await replay({ nc, subject: btc, range: { fromSeq: from.seq, toSeq: to.seq }, json: true, out: s.out });
    expect(jsonSeqs(s.lines())).toEqual(
      btcs()
        .filter((x) => x.seq > from.seq && x.seq < to.seq)
        .map((x) => x.seq),
    );
  });

  it('--last N: the last N of the subject, also before a --to-seq bound', async () => {
    const b = btcs();
    const s = sink();
    await replay({ nc, subject: btc, range: { last: 4 }, json: true, out: s.out });
    expect(jsonSeqs(s.lines())).toEqual(b.slice(-4).map((x) => x.seq));
    const bound = b[10] as Stored;
    const t = sink();
    await replay({ nc, subject: btc, range: { last: 3, toSeq: bound.seq }, json: true, out: t.out });
    expect(jsonSeqs(t.lines())).toEqual(b.slice(8, 11).map((x) => x.seq));
    const all = sink();
    await replay({ nc, subject: btc, range: { last: 1000 }, json: true, out: all.out });
    expect(jsonSeqs(all.lines())).toEqual(b.map((x) => x.seq));
  });

  it('--from/--to times: every message stored in the inclusive millisecond range', async () => {
    const from = stored[5] as Stored;
    const to = stored[20] as Stored;
    const s = sink();
    await replay({ nc, subject: btc, range: { fromMs: from.ms, toMs: to.ms }, json: true, out: s.out });
    expect(jsonSeqs(s.lines())).toEqual(
      btcs()
        .filter((x) => x.ms >= from.ms && x.ms <= to.ms)
        .map((x) => x.seq),
    );
  });

  it('an empty range prints nothing', async () => {
    const s = sink();
    const last = stored.at(-1) as Stored;
    const r = await replay({ nc, subject: btc, range: { fromSeq: last.seq + 1 }, json: false, out: s.out });
    expect(r.count).toBe(0);
    expect(s.lines()).toEqual([]);
  });
});

describe('hyperflow replay: output', () => {
  it('--json: one parseable object per message with seq, stored time, subject and payload', async () => {
    const s = sink();
    await replay({
      nc,
      subject: `${scope.root}.${net}.md.trade.*`,
      range: { last: 3 },
      json: true,
      out: s.out,
    });
    const objs = s.lines().map((l) => JSON.parse(l));
    expect(objs).toEqual(
      stored.slice(-3).map((x) => ({
        seq: x.seq,
        time: new Date(x.ms).toISOString(),
        subject: x.subject,
        data: { type: 'trade', i: x.i, px: String(100 + x.i) },
      })),
    );
  });

  it('pretty: stored time, #seq, subject and fields, like tap', async () => {
    const s = sink();
    const first = stored[0] as Stored;
    await replay({ nc, subject: btc, range: { toSeq: first.seq }, json: false, out: s.out });
    expect(s.lines()).toEqual([`${new Date(first.ms).toISOString()} #${first.seq} ${btc}  trade i=1 px=101`]);
  });

  it('--speed paces by the stored spacing divided by the factor (sleep injected)', async () => {
    const slept: number[] = [];
    const s = sink();
    const r = await replay({
      nc,
      subject: btc,
      range: {},
      json: true,
      speed: 10,
      out: s.out,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(r.count).toBe(btcs().length);
    const b = btcs();
    const gaps = b
      .slice(1)
      .map((x, k) => (x.ms - (b[k] as Stored).ms) / 10)
      .filter((g) => g > 0);
    expect(slept).toEqual(gaps);
  });
});

describe('hyperflow replay --republish', () => {
  it('writes exactly the range under the new root, payloads and order kept, marked as a replay', async () => {
    const prefix = `rp${scope.root}`;
    const sub = await connect({ servers: inject('natsUrl') });
    try {
      const got = sub.subscribe(`${prefix}.>`);
      await sub.flush();
      const b = btcs();
      const from = b[3] as Stored;
      const to = b[9] as Stored;
      const r = await replay({
        nc,
        subject: btc,
        range: { fromSeq: from.seq, toSeq: to.seq },
        json: false,
        republish: prefix,
        out: sink().out,
      });
      // one publisher keeps its order: once the end marker arrives, everything replayed has
      nc.publish(`${prefix}.end`, '');
      const seen: { subject: string; data: unknown; of: string | undefined }[] = [];
      for await (const m of got) {
        if (m.subject === `${prefix}.end`) break;
        seen.push({ subject: m.subject, data: m.json(), of: m.headers?.get('Hyperflow-Replay-Of') });
      }
      const expected = b.filter((x) => x.seq >= from.seq && x.seq <= to.seq);
      expect(r.count).toBe(expected.length);
      expect(seen).toEqual(
        expected.map((x) => ({
          subject: retarget(btc, prefix),
          data: { type: 'trade', i: x.i, px: String(100 + x.i) },
          of: `${stream}:${x.seq}`,
        })),
      );
      expect(retarget(btc, prefix)).toBe(`${prefix}.${net}.md.trade.BTC`);
    } finally {
      await sub.close();
    }
  });

  it('refuses the live hl.<net>.* subjects and the replayed subjects themselves', async () => {
    for (const republish of ['hl', 'hl.sim', 'hl.mainnet.md']) {
      await expect(
        replay({ nc, subject: btc, range: {}, json: false, republish, out: sink().out }),
      ).rejects.toThrow(/refusing to publish onto the live hl\.<net>\.\* subjects/);
    }
    await expect(
      replay({ nc, subject: btc, range: {}, json: false, republish: scope.root, out: sink().out }),
    ).rejects.toThrow(/refusing to publish onto the subjects being replayed/);
  });
});

describe('hyperflow replay: arguments', () => {
  it('parses ranges, speed and credentials, flags winning over the environment', () => {
    const p = parseReplayArgs(
      [
        'hl.sim.md.trade.BTC',
        '--from-seq',
        '5',
        '--to',
        '2026-11-24T10:00:00Z',
        '--speed',
        '10',
        '--user',
        'op',
        '--pass',
        'pw',
      ],
      { NATS_URL: 'nats://env:4222', NATS_USER: 'envuser', NATS_PASS: 'envpass', NATS_TOKEN: 'tok' },
    );
    expect(p.range).toEqual({ fromSeq: 5, toMs: Date.parse('2026-11-24T10:00:00Z') });
    expect(p.speed).toBe(10);
    expect(p.connection).toEqual({ url: 'nats://env:4222', user: 'op', pass: 'pw' });
    expect(
      parseReplayArgs(['x.y', '--nats', 'nats://a:1'], { NATS_USER: 'u', NATS_PASS: 'p' }).connection,
    ).toEqual({
      url: 'nats://a:1',
      user: 'u',
      pass: 'p',
    });
    expect(
      parseReplayArgs(['x.y', '--creds', '/c.creds'], { NATS_USER: 'u', NATS_PASS: 'p' }).connection,
    ).toEqual({
      credsFile: '/c.creds',
    });
    expect(parseReplayArgs(['x.y'], { NATS_CREDS_FILE: '/e.creds', NATS_TOKEN: 't' }).connection).toEqual({
      token: 't',
      credsFile: '/e.creds',
    });
  });

  it.each([
    [[], /needs exactly one subject/],
    [['a.b', 'c.d'], /needs exactly one subject/],
    [['a.b', '--last', '0'], /--last: expected an integer >= 1/],
    [['a.b', '--from-seq', 'x'], /--from-seq: expected an integer/],
    [['a.b', '--from', 'yesterday'], /--from: not a time/],
    [['a.b', '--from-seq', '9', '--to-seq', '3'], /--from-seq is after --to-seq/],
    [['a.b', '--from', '1', '--from-seq', '3'], /--from or --from-seq, not both/],
    [['a.b', '--speed', 'fast'], /--speed takes max or a positive factor/],
    [['a.b', '--bogus'], /Unknown option '--bogus'/],
    [['a.b', '--republish', 'a.*'], /without wildcards/],
    [['a.b', '--republish', 'hl.testnet'], /refusing to publish onto the live/],
    [['a.b', '--republish', 'x', '--json'], /--json prints/],
    [['a.b', '--pass', 'p'], /--pass needs --user/],
  ])('rejects %j with a clear error', (args, message) => {
    expect(() => parseReplayArgs(args as string[], {})).toThrow(CliError);
    expect(() => parseReplayArgs(args as string[], {})).toThrow(message);
  });
});

describe('hyperflow replay: the command', () => {
  it('prints a range from --nats as JSON lines; bad arguments and live targets exit 1 with the reason', async () => {
    const b = btcs();
    const ok = await run(['replay', btc, '--nats', inject('natsUrl'), '--json', '--last', '2']);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(jsonSeqs(ok.out.trim().split('\n'))).toEqual(b.slice(-2).map((x) => x.seq));

    const live = await run(['replay', btc, '--nats', inject('natsUrl'), '--republish', 'hl.sim']);
    expect(live.code).toBe(1);
    expect(live.err).toMatch(
      /^hyperflow: --republish hl\.sim: refusing to publish onto the live hl\.<net>\.\* subjects/,
    );

    const bad = await run(['replay', btc, '--last', 'many']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('hyperflow: --last: expected an integer >= 1, got "many"\n');
  });
});

describe('hyperflow replay: credentials', () => {
  let authed: NatsHandle;
  const dir = mkdtempSync(join(tmpdir(), 'hf-replay-auth-'));
  beforeAll(async () => {
    const conf = join(dir, 'nats.conf');
    writeFileSync(
      conf,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }\nauthorization { users: [ { user: op, password: s3cret } ] }\n`,
    );
    authed = await startNatsBinary({ configFile: conf });
    const c = await connect({ servers: authed.url, user: 'op', pass: 's3cret' });
    const st = await provision(c, { root: scope.root, namePrefix: scope.streamPrefix });
    await jetstream(c).publish(btc, JSON.stringify({ type: 'trade', i: 1 }));
    expect((await (await jetstreamManager(c)).streams.info(st.streams.MARKET.name)).state.messages).toBe(1);
    await c.close();
  });
  afterAll(async () => {
    await authed?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with --user/--pass or NATS_USER/NATS_PASS, and says why without them', async () => {
    const flags = await run([
      'replay',
      btc,
      '--nats',
      authed.url,
      '--user',
      'op',
      '--pass',
      's3cret',
      '--json',
    ]);
    expect(flags.code).toBe(0);
    expect(JSON.parse(flags.out.trim())).toMatchObject({ seq: 1, subject: btc, data: { i: 1 } });
    const env = await run(['replay', btc, '--json'], {
      NATS_URL: authed.url,
      NATS_USER: 'op',
      NATS_PASS: 's3cret',
    });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.out.trim())).toMatchObject({ seq: 1 });
    const none = await run(['replay', btc, '--nats', authed.url]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(
      /^hyperflow: cannot connect to NATS nats:\/\/127\.0\.0\.1:\d+: .*[Aa]uthorization/,
    );
    expect(none.err).not.toMatch(/s3cret/);
  });
});
