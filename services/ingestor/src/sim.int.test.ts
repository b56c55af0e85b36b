import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provision } from '@hyperflow/bus';
import {
  DeadLetter,
  HealthEvent,
  MarketEvent,
  parseJson,
  parseSubject,
  type Subjects,
  subjects,
} from '@hyperflow/contracts';
import { loadConfig } from '@hyperflow/service';
import { type SimulatorHandle, startSimulator } from '@hyperflow/simulator';
import { waitFor as kitWaitFor, testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type RunningIngestor, startIngestor } from './app.js';
import { IngestorConfig } from './config/config.js';
import { silentLogger } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const KIB = 1024;

const waitFor = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) =>
  kitWaitFor(check, timeoutMs, what);

let nc: NatsConnection;
let sim: SimulatorHandle;
let root: string;
let prefix: string;
let subj: Subjects;
let seen: { subject: string; data: Uint8Array }[];
let tap: Subscription;
let running: RunningIngestor | undefined;

beforeEach(async () => {
  const scope = testScope('ingsim');
  root = scope.root;
  prefix = scope.streamPrefix;
  subj = subjects('sim', root);
  nc = await connect({ servers: inject('natsUrl'), name: 'ingestor-sim-test' });
  await provision(nc, {
    root,
    namePrefix: prefix,
    limits: {
      streams: {
        MARKET: { maxAgeMs: 600_000, maxBytes: 32 * KIB * KIB },
        SIGNALS: { maxBytes: 256 * KIB },
        EXECUTION: { maxBytes: 256 * KIB },
        CONTROL: { maxBytes: 256 * KIB },
        DLQ: { maxBytes: 1024 * KIB },
      },
      buckets: {
        ratelimit: { maxBytes: 64 * KIB },
        leases: { maxBytes: 64 * KIB },
        snapshots: { maxBytes: 64 * KIB },
      },
    },
  });
  seen = [];
  tap = nc.subscribe(`${root}.sim.>`, {
    callback: (_err, m) => {
      seen.push({ subject: m.subject, data: m.data });
    },
  });
  sim = await startSimulator({
    port: 0,
    seed: 7,
    tickMs: 50,
    bookIntervalMs: 100,
    l2BookIntervalMs: 100,
    warmupTicks: 30,
  });
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  tap.unsubscribe();
  await sim.close();
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) await jsm.streams.delete(name);
  }
  await nc.close();
});

async function start(env: Record<string, string> = {}): Promise<RunningIngestor> {
  const config = loadConfig(IngestorConfig, {
    NATS_URL: inject('natsUrl'),
    HL_WS_URL: sim.wsUrl,
    HL_REST_URL: sim.httpUrl,
    SUBJECT_ROOT: root,
    COINS: 'BTC,ETH',
    CHANNELS: 'trades,l2Book,bbo,candle,activeAssetCtx,allMids',
    CANDLE_INTERVALS: '1m',
    STALE_AFTER_MS: '0',
    FALLBACK_AFTER_MS: '60000',
    INSTANCE_ID: 'sim-a',
    ...env,
  });
  running = await startIngestor({ config, nc, log: silentLogger });
  return running;
}

const market = () =>
  seen
    .filter((m) => m.subject.includes('.md.') && !m.subject.includes('.md.health.'))
    .map((m) => ({ subject: m.subject, event: parseJson(MarketEvent, m.data) }));
const health = () =>
  seen.filter((m) => m.subject.includes('.md.health.')).map((m) => parseJson(HealthEvent, m.data));
const statuses = () => health().flatMap((h) => (h.type === 'feedHealth' ? [h.status] : []));

async function streamSubjects(filter: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(`${prefix}MARKET`, { subjects_filter: filter });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

describe('ingestor against the simulator and a real nats-server', () => {
  it('every configured channel of every coin arrives on its subject and validates against the contract', async () => {
    const r = await start();
    await waitFor(() => r.ingestor.isReady, 'ready');
    const want = [
      'trade:BTC',
      'trade:ETH',
      'book:BTC',
      'book:ETH',
      'bbo:BTC',
      'bbo:ETH',
      'candle:BTC',
      'candle:ETH',
      'ctx:BTC',
      'ctx:ETH',
      'mids',
    ];
    const have = () =>
      new Set(market().map(({ event }) => (event.type === 'mids' ? 'mids' : `${event.type}:${event.coin}`)));
    await waitFor(() => want.every((w) => have().has(w)), `all of ${want.join(', ')}`);
    for (const { subject, event } of market()) {
      const p = parseSubject(subject, root);
      if (p.family !== 'md') throw new Error(`unexpected ${subject}`);
      switch (p.kind) {
        case 'mids':
          expect(event.type).toBe('mids');
          break;
        case 'candle':
          expect(event).toMatchObject({ type: 'candle', coin: p.coin, interval: p.interval });
          break;
        case 'trade':
        case 'book':
        case 'bbo':
        case 'ctx':
          expect(event).toMatchObject({ type: p.kind, coin: p.coin });
          break;
        default: {
          const never: never = p;
          throw new Error(`unexpected ${JSON.stringify(never)}`);
        }
      }
    }
    expect(subj.book('BTC')).toBe(`${root}.sim.md.book.BTC`);
  });

  it('dropped connections: health events, a gap marker, resubscribe, and no trade twice in the stream', async () => {
    const r = await start({ CHANNELS: 'trades,candle' });
    await waitFor(() => r.ingestor.isReady, 'ready');
    await waitFor(() => market().filter((m) => m.event.type === 'trade').length >= 5, 'some trades');
    sim.faults.dropConnections();
    await waitFor(() => health().some((h) => h.type === 'gap'), 'gap marker');
    await waitFor(() => statuses().includes('resubscribed'), 'resubscribed');
    await waitFor(() => r.ingestor.isReady, 'ready again');
    const gap = health().find((h) => h.type === 'gap');
    expect(gap).toMatchObject({ reason: 'reconnect', backfilled: true });
    expect(statuses()).toEqual(expect.arrayContaining(['connected', 'disconnected', 'resubscribed']));
    // the resubscribe snapshot and the REST backfill repeat trades and candles already published:
    // the stream holds each id once. Stop first, so nothing is published while counting.
    await r.stop();
    running = undefined;
    await nc.flush();
    const ids = (type: string) =>
      new Set(
        market()
          .filter((m) => m.event.type === type)
          .map((m) => m.event.id),
      );
    expect(await streamSubjects(`${root}.sim.md.trade.>`)).toBe(ids('trade').size);
    expect(await streamSubjects(`${root}.sim.md.candle.>`)).toBe(ids('candle').size);
  });

  it('1000 malformed frames from the venue → 1000 dead letters, and the feed keeps flowing', async () => {
    const r = await start({ CHANNELS: 'l2Book' });
    await waitFor(() => r.ingestor.isReady, 'ready');
    for (let i = 0; i < 1000; i++) sim.faults.sendMalformed();
    const dlq = () => seen.filter((m) => m.subject === subj.dlq('ingestor'));
    await waitFor(() => dlq().length >= 1000, '1000 dead letters');
    for (const m of dlq())
      expect(parseJson(DeadLetter, m.data)).toMatchObject({ service: 'ingestor', reason: 'invalidJson' });
    await r.bus.flush();
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`${prefix}DLQ`)).state.messages).toBe(1000);
    const before = market().length;
    await waitFor(() => market().length > before, 'more books');
    expect(r.ingestor.isReady).toBe(true);
  });

  it('a stalled l2Book is detected as stale, resubscribed and recovers', async () => {
    const r = await start({ CHANNELS: 'l2Book', COINS: 'BTC', STALE_AFTER_MS: '400' });
    await waitFor(() => r.ingestor.isReady, 'ready');
    await waitFor(() => market().length >= 2, 'books');
    sim.faults.stall({ channel: 'l2Book', coin: 'BTC' }, 1000);
    await waitFor(() => statuses().includes('stale'), 'stale');
    await waitFor(() => statuses().includes('recovered'), 'recovered', 15_000);
    expect(health().some((h) => h.type === 'gap' && h.reason === 'stale')).toBe(true);
  });

  it('a raw-frame recording replays through the simulator into the same events (ids de-duplicate)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ingestor-rec-'));
    const path = join(dir, 'frames.jsonl');
    try {
      const a = await start({ CHANNELS: 'trades', COINS: 'BTC', RECORD_PATH: path });
      await waitFor(() => a.ingestor.isReady, 'ready');
      await waitFor(() => market().length >= 5, 'trades');
      await a.stop();
      running = undefined;
      const recorded = new Set(market().map((m) => m.event.id));
      const jsonl = await readFile(path, 'utf8');
      expect(jsonl.trim().split('\n').length).toBeGreaterThan(0);

      // a second venue that generates nothing itself, fed only by the recording
      const replayer = await startSimulator({ port: 0, seed: 9, tickMs: 0, warmupTicks: 0 });
      try {
        seen.length = 0;
        const b = await startIngestor({
          config: loadConfig(IngestorConfig, {
            NATS_URL: inject('natsUrl'),
            HL_WS_URL: replayer.wsUrl,
            HL_REST_URL: replayer.httpUrl,
            SUBJECT_ROOT: root,
            COINS: 'BTC',
            CHANNELS: 'trades',
            STALE_AFTER_MS: '0',
            INSTANCE_ID: 'sim-b',
          }),
          nc,
          log: silentLogger,
        });
        running = b;
        await waitFor(() => b.ingestor.isReady, 'replay ingestor ready');
        const inStream = await streamSubjects(`${root}.sim.md.trade.>`);
        await replayer.replay(jsonl, { speed: Number.POSITIVE_INFINITY });
        const replayed = () => new Set(market().map((m) => m.event.id));
        await waitFor(() => [...recorded].every((id) => replayed().has(id)), 'every recorded trade replayed');
        await b.bus.flush();
        // same venue facts, same ids: the stream already had them
        expect(await streamSubjects(`${root}.sim.md.trade.>`)).toBe(inStream);
      } finally {
        await running?.stop();
        running = undefined;
        await replayer.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('two replicas on the same coins: each trade and each book snapshot is in the stream once', async () => {
    const a = await start({ CHANNELS: 'trades,l2Book', INSTANCE_ID: 'sim-a' });
    const bConfig = loadConfig(IngestorConfig, {
      NATS_URL: inject('natsUrl'),
      HL_WS_URL: sim.wsUrl,
      HL_REST_URL: sim.httpUrl,
      SUBJECT_ROOT: root,
      COINS: 'BTC,ETH',
      CHANNELS: 'trades,l2Book',
      STALE_AFTER_MS: '0',
      INSTANCE_ID: 'sim-b',
    });
    const b = await startIngestor({ config: bConfig, nc, log: silentLogger });
    try {
      await waitFor(() => a.ingestor.isReady && b.ingestor.isReady, 'both ready');
      const unique = (type: string) =>
        new Set(
          market()
            .filter((m) => m.event.type === type)
            .map((m) => m.event.id),
        );
      const count = (type: string) => market().filter((m) => m.event.type === type).length;
      // both replicas derive the same ids from the same venue facts: ids published twice show up
      // (one replica never repeats an id it published)
      await waitFor(
        () => count('trade') > unique('trade').size && count('book') > unique('book').size,
        'the same trade and book ids from both replicas',
      );
      // stop both so nothing is published while counting
      await a.stop();
      running = undefined;
      await b.stop();
      await nc.flush();
      expect(await streamSubjects(`${root}.sim.md.trade.>`)).toBe(unique('trade').size);
      expect(await streamSubjects(`${root}.sim.md.book.>`)).toBe(unique('book').size);
    } finally {
      await b.stop();
    }
  });
});
