import { createHash } from 'node:crypto';
import { createPublisher, provision } from '@hyperflow/bus';
import {
  DeadLetter,
  HealthEvent,
  MarketEvent,
  parseJson,
  parseSubject,
  type Subjects,
  subjects,
} from '@hyperflow/contracts';
import { createMetrics, loadConfig, type Metrics } from '@hyperflow/service';
import { waitFor as kitWaitFor, testScope } from '@hyperflow/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type RunningIngestor, startIngestor } from './app.js';
import { IngestorConfig } from './config/config.js';
import { silentLogger } from './ports.js';
import { FakeVenue } from './test-support/fake-venue.js';
import { frames } from './test-support/fakes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const KIB = 1024;

const waitFor = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000) =>
  kitWaitFor(check, timeoutMs, what);

interface Seen {
  subject: string;
  data: Uint8Array;
}

let nc: NatsConnection;
let venue: FakeVenue;
let root: string;
let prefix: string;
let subj: Subjects;
let seen: Seen[];
let tap: Subscription;
const running: RunningIngestor[] = [];

beforeEach(async () => {
  const scope = testScope('ing');
  root = scope.root;
  prefix = scope.streamPrefix;
  subj = subjects('sim', root);
  nc = await connect({ servers: inject('natsUrl'), name: 'ingestor-int-test' });
  await provision(nc, {
    root,
    namePrefix: prefix,
    limits: {
      streams: {
        MARKET: { maxAgeMs: 600_000, maxBytes: 16 * KIB * KIB },
        SIGNALS: { maxBytes: 256 * KIB },
        EXECUTION: { maxBytes: 256 * KIB },
        CONTROL: { maxBytes: 256 * KIB },
        DLQ: { maxBytes: 8 * KIB * KIB },
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
  venue = await FakeVenue.start();
});

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  tap.unsubscribe();
  await venue.close();
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) await jsm.streams.delete(name);
  }
  await nc.close();
});

async function start(env: Record<string, string> = {}, metrics?: Metrics): Promise<RunningIngestor> {
  const config = loadConfig(IngestorConfig, {
    NATS_URL: inject('natsUrl'),
    HL_WS_URL: venue.wsUrl,
    HL_REST_URL: venue.restUrl,
    SUBJECT_ROOT: root,
    COINS: 'BTC',
    CHANNELS: 'trades,l2Book,bbo,candle,activeAssetCtx,allMids',
    CANDLE_INTERVALS: '1m',
    STALE_AFTER_MS: '0',
    FALLBACK_AFTER_MS: '60000',
    INSTANCE_ID: 'ing-a',
    ...env,
  });
  const r = await startIngestor({ config, nc, log: silentLogger, ...(metrics ? { metrics } : {}) });
  running.push(r);
  return r;
}

const market = () =>
  seen
    .filter((m) => m.subject.includes('.md.') && !m.subject.includes('.md.health.'))
    .map((m) => ({
      subject: m.subject,
      event: parseJson(MarketEvent, m.data),
    }));
const health = () =>
  seen.filter((m) => m.subject.includes('.md.health.')).map((m) => parseJson(HealthEvent, m.data));
const statuses = () => health().flatMap((h) => (h.type === 'feedHealth' ? [h.status] : []));

async function streamCount(stream: string, subject?: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(
    `${prefix}${stream}`,
    subject ? { subjects_filter: subject } : undefined,
  );
  if (!subject) return info.state.messages;
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

describe('ingestor against a loopback venue and a real nats-server', () => {
  it('publishes every configured channel on its subject, valid against the contract, and becomes ready', async () => {
    const r = await start();
    await venue.subscribed(6);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const t = Date.now();
    venue.data('trades', [frames.trade('BTC', 1, t)]);
    venue.data('l2Book', frames.book('BTC', t));
    venue.data('bbo', frames.bbo('BTC', t));
    venue.data('candle', frames.candle('BTC', '1m', Math.floor(t / 60_000) * 60_000, 4));
    venue.data('activeAssetCtx', frames.perpCtx('BTC'));
    venue.data('allMids', frames.mids());
    await waitFor(() => market().length >= 6, 'six market events');
    const byType = new Map(market().map((m) => [m.event.type, m]));
    expect([...byType.keys()].sort()).toEqual(['bbo', 'book', 'candle', 'ctx', 'mids', 'trade']);
    for (const { subject, event } of byType.values()) {
      const parsed = parseSubject(subject, root);
      expect(parsed.family).toBe('md');
      expect(event.net).toBe('sim');
      // receive time is ours, exchange time the venue's: both present for latency measurement
      expect(event.recvTsMs).toBeGreaterThan(0);
    }
    expect(byType.get('trade')?.subject).toBe(subj.trade('BTC'));
    expect(byType.get('candle')?.subject).toBe(subj.candle('1m', 'BTC'));
    expect(byType.get('mids')?.subject).toBe(subj.mids());
    await r.bus.flush();
    expect(await streamCount('MARKET', `${root}.sim.md.trade.>`)).toBe(1);
    expect(statuses()).toContain('connected');
  });

  it('after the socket is killed: disconnected, reconnect, resubscribe, backfill de-duplicated, gap marker', async () => {
    const r = await start({ CHANNELS: 'trades,candle' });
    await venue.subscribed(2);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const t = Date.now();
    const open = Math.floor(t / 60_000) * 60_000;
    const live = [frames.trade('BTC', 1, t - 5), frames.trade('BTC', 2, t - 4)];
    venue.data('trades', live);
    venue.data('candle', frames.candle('BTC', '1m', open, 2));
    await waitFor(() => market().length >= 3, 'live events');

    // the venue answers with what was published live plus what happened during the gap
    venue.info.trades = [...live, frames.trade('BTC', 3, t + 50)];
    venue.info.candles = [frames.candle('BTC', '1m', open, 2), frames.candle('BTC', '1m', open, 3)];
    venue.killAll();
    await waitFor(() => statuses().includes('disconnected'), 'disconnected');
    await waitFor(() => health().some((h) => h.type === 'gap'), 'gap marker');
    await waitFor(() => statuses().includes('resubscribed'), 'resubscribed');
    await r.ingestor.drain();
    await r.bus.flush();

    const gap = health().find((h) => h.type === 'gap');
    expect(gap).toMatchObject({ reason: 'reconnect', backfilled: true, instance: 'ing-a' });
    if (gap?.type !== 'gap') throw new Error('no gap');
    expect(gap.toMs).toBeGreaterThanOrEqual(gap.fromMs);
    expect(gap.subscriptions).toEqual([
      { channel: 'trades', coin: 'BTC' },
      { channel: 'candle', coin: 'BTC', interval: '1m' },
    ]);
    expect(venue.infoRequests.map((q) => q.type)).toEqual(['recentTrades', 'candleSnapshot']);
    // three trades and two candle states in the stream: the backfilled copies of live events are not
    expect(await streamCount('MARKET', `${root}.sim.md.trade.>`)).toBe(3);
    expect(await streamCount('MARKET', `${root}.sim.md.candle.>`)).toBe(2);
    expect(venue.subscribes.length).toBe(4);

    // the same trades published again (another replica, a replay) are duplicates for the stream
    const pub = createPublisher(nc);
    const trades = market().filter((m) => m.event.type === 'trade');
    for (const { subject, event } of trades) {
      const ack = await pub.publish(subject, MarketEvent, event, { msgId: event.id });
      expect(ack.duplicate).toBe(true);
    }
    expect(await streamCount('MARKET', `${root}.sim.md.trade.>`)).toBe(3);
  });

  it('1000 malformed frames → 1000 dead letters, and the feed keeps flowing', async () => {
    const r = await start({ CHANNELS: 'trades' });
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    for (let i = 0; i < 1000; i++) {
      if (i % 3 === 0) venue.push(`{not json ${i}`);
      else if (i % 3 === 1) venue.data('trades', [{ coin: 'BTC', px: `bad${i}` }]);
      else venue.data('surprise', { i });
    }
    venue.data('trades', [frames.trade('BTC', 7, Date.now())]);
    await waitFor(
      () => seen.filter((m) => m.subject === subj.dlq('ingestor')).length >= 1000,
      '1000 DLQ messages',
    );
    await r.bus.flush();
    expect(await streamCount('DLQ')).toBe(1000);
    const letters = seen
      .filter((m) => m.subject === subj.dlq('ingestor'))
      .map((m) => parseJson(DeadLetter, m.data));
    const reasons = new Map<string, number>();
    for (const l of letters) reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual({ invalidJson: 334, schema: 333, unknownChannel: 333 });
    expect(letters.find((l) => l.reason === 'schema')?.payload).toContain('bad1');
    await waitFor(() => market().some((m) => m.event.id.endsWith(':7')), 'the good trade');
    expect(r.ingestor.isReady).toBe(true);
  });

  const letters = () =>
    seen.filter((m) => m.subject === subj.dlq('ingestor')).map((m) => parseJson(DeadLetter, m.data));
  const counter = async (m: Metrics, name: string): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const v of (await m.registry.getSingleMetric(name)?.get())?.values ?? []) {
      out[Object.values(v.labels).join(',')] = v.value;
    }
    return out;
  };

  it('a frame nested 10 000 levels deep is dead-lettered with the hash of the whole, and the trades after it flow', async () => {
    const r = await start({ CHANNELS: 'trades' });
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const deep = `{"channel":"trades","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    venue.push(deep);
    venue.data('trades', [frames.trade('BTC', 11, Date.now())]);
    await waitFor(() => market().some((m) => m.event.id.endsWith(':11')), 'the trade after it');
    await waitFor(() => letters().length === 1, 'one dead letter');
    const [letter] = letters();
    expect(letter).toMatchObject({ reason: 'outOfBounds', payloadBytes: deep.length });
    expect(letter?.payloadSha256).toBe(createHash('sha256').update(deep).digest('hex'));
    expect(letter?.problems.join()).toMatch(/nested deeper than/);
  });

  it('one malformed trade in a frame: the good trades are published, only the bad one is dead-lettered, with its index', async () => {
    const r = await start({ CHANNELS: 'trades' });
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const t = Date.now();
    venue.data('trades', [
      frames.trade('BTC', 21, t),
      { ...frames.trade('BTC', 22, t), px: 'NaN' },
      frames.trade('BTC', 23, t),
    ]);
    await waitFor(() => market().length === 2 && letters().length === 1, 'two trades and one dead letter');
    expect(market().map((m) => m.event.id.split(':').at(-1))).toEqual(['21', '23']);
    expect(letters()[0]).toMatchObject({ reason: 'schema', index: 1, source: 'ws:trades' });
    expect(letters()[0]?.payload).toContain('"tid":22');
  });

  it('schema-valid but absurd trades (size 0, 200 digits, a coin never subscribed) are dead-lettered and counted, not published', async () => {
    const metrics = createMetrics({ service: 'ingestor-test' });
    const r = await start({ CHANNELS: 'trades' }, metrics);
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const t = Date.now();
    venue.data('trades', [
      { ...frames.trade('BTC', 31, t), sz: '0' },
      { ...frames.trade('BTC', 32, t), px: '9'.repeat(200) },
      { ...frames.trade('BTC', 33, t), sz: `0.${'1'.repeat(200)}` },
      frames.trade('ETH', 34, t),
      frames.trade('BTC', 35, t),
    ]);
    await waitFor(() => letters().length === 4 && market().length === 1, 'four dead letters, one trade');
    expect(market()[0]?.event.id).toMatch(/:35$/);
    expect(letters().map((l) => l.reason)).toEqual([
      'nonPositive',
      'precision',
      'precision',
      'unsubscribedCoin',
    ]);
    expect(await counter(metrics, 'ingestor_dead_letters_total')).toEqual({
      nonPositive: 1,
      precision: 2,
      unsubscribedCoin: 1,
    });
  });

  it('an event over the NATS max payload is dead-lettered (truncated, hashed) and never counted as published', async () => {
    const metrics = createMetrics({ service: 'ingestor-test' });
    const r = await start({ CHANNELS: 'trades' }, metrics);
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    const maxPayload = nc.info?.max_payload ?? 0;
    expect(maxPayload).toBeGreaterThan(0);
    const t = Date.now();
    venue.data('trades', [{ ...frames.trade('BTC', 41, t), hash: `0x${'a'.repeat(maxPayload)}` }]);
    venue.data('trades', [frames.trade('BTC', 42, t)]);
    await waitFor(
      () => market().length === 1 && letters().length === 1,
      'the next trade and one dead letter',
    );
    await r.bus.flush();
    const [letter] = letters();
    expect(letter?.reason).toBe('oversize');
    expect(letter?.payloadBytes).toBeGreaterThan(maxPayload);
    expect(letter?.payload.length).toBe(64 * KIB);
    expect(await counter(metrics, 'ingestor_events_published_total')).toEqual({ 'trade,ws': 1 });
    expect(await counter(metrics, 'ingestor_publish_failures_total')).toEqual({});
    expect(await streamCount('MARKET', `${root}.sim.md.trade.>`)).toBe(1);
  });

  it('two replicas over the same coins put each event in the stream once', async () => {
    const a = await start({ CHANNELS: 'trades,l2Book', INSTANCE_ID: 'ing-a' });
    const b = await start({ CHANNELS: 'trades,l2Book', INSTANCE_ID: 'ing-b' });
    await venue.subscribed(4);
    await waitFor(() => a.ingestor.isReady && b.ingestor.isReady, 'both ready');
    const t = Date.now();
    for (let i = 0; i < 50; i++) venue.data('trades', [frames.trade('BTC', 100 + i, t + i)]);
    for (let i = 0; i < 20; i++) venue.data('l2Book', frames.book('BTC', t + i));
    await waitFor(() => market().length >= 140, 'both replicas published');
    await a.bus.flush();
    await b.bus.flush();
    expect(await streamCount('MARKET', `${root}.sim.md.trade.>`)).toBe(50);
    expect(await streamCount('MARKET', `${root}.sim.md.book.>`)).toBe(20);
  });

  it('a stalled subscription is detected, resubscribed, marked as a gap and recovers', async () => {
    const r = await start({ CHANNELS: 'l2Book', STALE_AFTER_MS: '300' });
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    venue.data('l2Book', frames.book('BTC', Date.now()));
    await waitFor(() => statuses().includes('stale'), 'stale', 5000);
    await waitFor(() => venue.subscribes.length >= 2, 'fresh subscribe');
    expect(venue.unsubscribes).toEqual([{ type: 'l2Book', coin: 'BTC' }]);
    await waitFor(() => health().some((h) => h.type === 'gap' && h.reason === 'stale'), 'stale gap');
    venue.data('l2Book', frames.book('BTC', Date.now()));
    await waitFor(() => statuses().includes('recovered'), 'recovered');
    expect(statuses().slice(0, 4)).toEqual(['connected', 'stale', 'resubscribed', 'recovered']);
  });

  it('while the socket stays down, REST polling publishes; it stops when the socket is back', async () => {
    const r = await start({
      CHANNELS: 'trades',
      FALLBACK_AFTER_MS: '200',
      FALLBACK_POLL_MS: '100',
      STREAM_PREFIX: prefix,
      IP_BUCKET: 'shared-ip',
    });
    await venue.subscribed(1);
    await waitFor(() => r.ingestor.isReady, 'ready');
    venue.info.trades = [frames.trade('BTC', 42, Date.now())];
    venue.refuse = true;
    venue.killAll();
    await waitFor(() => r.poller.active, 'polling on');
    await waitFor(() => market().some((m) => m.event.id.endsWith(':42')), 'a polled trade');
    expect(r.ingestor.isReady).toBe(false);
    // the polls spent weight leased from the IP's shared ledger (NATS KV), under the IP bucket name
    const kv = await new Kvm(jetstream(nc)).open(`${prefix}hl_ratelimit`);
    const ledger = await kv.get('ip.shared-ip');
    expect(ledger?.string()).toMatch(/leases/);
    venue.refuse = false;
    await waitFor(() => !r.poller.active, 'polling off', 10_000);
    await waitFor(() => r.ingestor.isReady, 'ready again', 10_000);
    await r.ingestor.drain(); // the reconnect backfill
    const requests = venue.infoRequests.length;
    await new Promise((res) => setTimeout(res, 300)); // three poll intervals
    expect(venue.infoRequests.length).toBe(requests);
    expect(statuses()).toContain('recovered');
  });

  it('COINS=all takes the listed perps from meta and two shards split them without overlap', async () => {
    venue.info.meta = {
      universe: [
        { name: 'BTC', szDecimals: 5, maxLeverage: 40 },
        { name: 'ETH', szDecimals: 4, maxLeverage: 25 },
        { name: 'SOL', szDecimals: 2, maxLeverage: 20 },
        { name: 'OLD', szDecimals: 2, maxLeverage: 3, isDelisted: true },
      ],
    };
    const env = { COINS: 'all', CHANNELS: 'trades', INSTANCE_COUNT: '2' };
    const a = await start({ ...env, INSTANCE_INDEX: '0', INSTANCE_ID: 'shard-0' });
    const b = await start({ ...env, INSTANCE_INDEX: '1', INSTANCE_ID: 'shard-1' });
    expect([...a.coins, ...b.coins].sort()).toEqual(['BTC', 'ETH', 'SOL']);
    expect(a.coins.filter((coin) => b.coins.includes(coin))).toEqual([]);
    await venue.subscribed(3);
    expect(venue.subscribes.map((x) => x.coin).sort()).toEqual(['BTC', 'ETH', 'SOL']);
  });
});
