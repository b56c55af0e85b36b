import { ContractError, DeadLetter, HealthEvent, parse, subjects } from '@hyperflow/contracts';
import { ManualTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { planSubscriptions } from '../config/plan.js';
import { silentLogger } from '../ports.js';
import { FakeFeed, FakeRest, frames, RecordingSink, settle } from '../test-support/fakes.js';
import { type Fallback, Ingestor, noopMetrics } from './ingestor.js';

const plan = planSubscriptions({
  coins: ['BTC'],
  channels: ['trades', 'l2Book', 'candle'],
  candleIntervals: ['1m'],
  book: { fast: false },
  ownsGlobal: true,
  staleAfterMs: 10_000,
});
const tradesKey = FakeFeed.key({ type: 'trades', coin: 'BTC' });
const bookKey = FakeFeed.key({ type: 'l2Book', coin: 'BTC' });

class FakeFallback implements Fallback {
  active = false;
  starts = 0;
  start() {
    this.active = true;
    this.starts += 1;
  }
  stop() {
    this.active = false;
  }
}

function setup() {
  const time = new ManualTime();
  const sink = new RecordingSink();
  const feed = new FakeFeed();
  const rest = new FakeRest();
  const fallback = new FakeFallback();
  const readiness: boolean[] = [];
  const ingestor = new Ingestor({
    net: 'sim',
    subjects: subjects('sim'),
    instance: 'ing-1',
    plan,
    feed,
    sink,
    clock: time,
    timers: time,
    log: silentLogger,
    rest,
    fallback,
    fallbackAfterMs: 5_000,
    onReadiness: (r) => readiness.push(r),
  });
  return { time, sink, feed, rest, fallback, readiness, ingestor };
}

async function connected() {
  const s = setup();
  s.ingestor.onOpen();
  await settle();
  return s;
}

describe('Ingestor', () => {
  it('given an open socket, then it subscribes every planned subscription and becomes ready', async () => {
    const { feed, readiness, ingestor, sink } = await connected();
    expect(feed.subscribed).toEqual(plan.map((p) => p.venue));
    expect(ingestor.isReady).toBe(true);
    expect(readiness).toEqual([true]);
    expect(sink.statuses()).toEqual(['connected']);
    for (const h of sink.healths) parse(HealthEvent, h.event);
  });

  it('given trade frames, then each trade is published once on its subject with its venue id', async () => {
    const { ingestor, sink } = await connected();
    const data = [frames.trade('BTC', 1, 1000), frames.trade('BTC', 2, 1001)];
    ingestor.onData('trades', data, tradesKey);
    // the resubscribe snapshot repeats them: nothing new goes out
    ingestor.onData('trades', data, tradesKey);
    await settle();
    expect(sink.markets.map((m) => [m.subject, m.event.id])).toEqual([
      ['hl.sim.md.trade.BTC', 'trade:sim:BTC:1000:1'],
      ['hl.sim.md.trade.BTC', 'trade:sim:BTC:1001:2'],
    ]);
  });

  it('given a malformed frame, then it is dead-lettered with reason and payload and the feed goes on', async () => {
    const { ingestor, sink } = await connected();
    ingestor.onData('trades', [{ coin: 'BTC', px: 'oops' }], tradesKey);
    ingestor.onData('mystery', { x: 1 }, undefined);
    ingestor.onBadFrame('invalidJson', 'non-JSON frame', '{oops');
    ingestor.onData('trades', [frames.trade('BTC', 3, 1002)], tradesKey);
    await settle();
    expect(sink.dead.map((d) => d.event.reason)).toEqual(['schema', 'unknownChannel', 'invalidJson']);
    expect(sink.dead[0]?.subject).toBe('hl.sim.dlq.ingestor');
    expect(new Set(sink.dead.map((d) => d.msgId)).size).toBe(3);
    for (const d of sink.dead) parse(DeadLetter, d.event);
    expect(sink.dead[0]?.event.payload).toContain('oops');
    expect(sink.markets).toHaveLength(1);
  });

  it('given a frame nested 10 000 levels deep, then its dead letter is built without overflowing the stack', async () => {
    const { ingestor, sink } = await connected();
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => ingestor.onData('trades', deep, tradesKey)).not.toThrow();
    ingestor.onData('trades', [frames.trade('BTC', 5, 1005)], tradesKey);
    await settle();
    expect(sink.dead.map((d) => d.event.reason)).toEqual(['schema']);
    expect(sink.dead[0]?.event.payload).toMatch(/^<unserializable payload: RangeError/);
    expect(sink.markets).toHaveLength(1);
  });

  it('given subjects of another network than its own, then nothing is published there: each event is dead-lettered', async () => {
    const { time, sink, feed } = setup();
    const counted: string[] = [];
    const ingestor = new Ingestor({
      net: 'sim',
      subjects: subjects('mainnet'),
      instance: 'ing-1',
      plan,
      feed,
      sink,
      clock: time,
      timers: time,
      log: silentLogger,
      metrics: { ...noopMetrics, deadLetter: (reason) => counted.push(reason) },
    });
    ingestor.onOpen();
    await settle();
    ingestor.onData('trades', [frames.trade('BTC', 6, 1006)], tradesKey);
    await settle();
    expect(sink.markets).toEqual([]);
    expect(counted).toEqual(['network']);
    expect(sink.dead[0]?.event.problems).toEqual([
      'subject: hl.mainnet.md.trade.BTC is not under hl.sim. (this service runs on sim)',
    ]);
  });

  it('given an event the contract refuses at publish, then it is dead-lettered as contract', async () => {
    const { ingestor, sink } = await connected();
    sink.marketError = new ContractError('invalid event', ['px: bad']);
    ingestor.onData('trades', [frames.trade('BTC', 4, 1003)], tradesKey);
    await settle();
    expect(sink.dead.map((d) => d.event.reason)).toEqual(['contract']);
    // not remembered as published: a later copy may go out
    ingestor.onData('trades', [frames.trade('BTC', 4, 1003)], tradesKey);
    await settle();
    expect(sink.markets).toHaveLength(1);
  });

  it('given l2Book frames, then the book carries the subscription aggregation', async () => {
    const { ingestor, sink } = await connected();
    ingestor.onData('l2Book', frames.book('BTC', 5000), bookKey);
    await settle();
    expect(sink.markets[0]?.event).toMatchObject({
      type: 'book',
      nSigFigs: null,
      id: 'book:sim:BTC:5000:full',
    });
  });

  it('given the socket closes, then disconnected, not ready, and REST polling after the threshold until it is back', async () => {
    const { ingestor, sink, time, fallback, readiness } = await connected();
    ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    // failed reconnect attempts close again: one disconnected event, one fallback timer
    ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    expect(ingestor.isReady).toBe(false);
    time.advance(4_999);
    expect(fallback.active).toBe(false);
    time.advance(1);
    expect(fallback.active).toBe(true);
    ingestor.onOpen();
    ingestor.onResubscribed({ reason: 'reconnect', keys: [tradesKey, bookKey], failed: [] });
    await settle();
    expect(fallback.active).toBe(false);
    expect(ingestor.isReady).toBe(true);
    expect(readiness).toEqual([true, false, true]);
    expect(sink.statuses()).toEqual(['connected', 'disconnected', 'recovered', 'connected', 'resubscribed']);
  });

  it('given a short outage, then polling never starts', async () => {
    const { ingestor, time, fallback } = await connected();
    ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    time.advance(1000);
    ingestor.onOpen();
    time.advance(10_000);
    expect(fallback.starts).toBe(0);
  });

  it('given a gap, then trades and candles of the window are backfilled, de-duplicated, then a gap marker', async () => {
    const { ingestor, sink, rest, time } = await connected();
    const t0 = time.now();
    ingestor.onData('trades', [frames.trade('BTC', 1, t0 - 10)], tradesKey);
    rest.trades = [
      frames.trade('BTC', 0, t0 - 60_000), // before the gap: not the gap's business
      frames.trade('BTC', 1, t0 - 10), // already published live
      frames.trade('BTC', 2, t0 + 1000), // inside the gap
    ];
    rest.candles = [frames.candle('BTC', '1m', Math.floor(t0 / 60_000) * 60_000, 3)];
    time.advance(5_000);
    ingestor.onGap({ fromMs: t0, toMs: t0 + 5_000 });
    await ingestor.drain();
    expect(rest.calls.map((c) => c.split(' ')[0])).toEqual(['recentTrades', 'candleSnapshot']);
    expect(sink.markets.map((m) => m.event.id)).toEqual([
      'trade:sim:BTC:1699999999990:1',
      'trade:sim:BTC:1700000001000:2',
      `candle:sim:BTC:1m:${Math.floor(t0 / 60_000) * 60_000}:3:101:12.5`,
    ]);
    const [gap] = sink.gaps();
    expect(gap).toMatchObject({ reason: 'reconnect', fromMs: t0, toMs: t0 + 5_000, backfilled: true });
    expect(gap?.subscriptions).toHaveLength(plan.length);
    expect(sink.healths.at(-1)?.subject).toBe('hl.sim.md.health.gap.ing-1');
  });

  it('given the backfill fails, then the gap marker says it was not backfilled', async () => {
    const { ingestor, sink, rest, time } = await connected();
    rest.fail = new Error('HTTP 429');
    ingestor.onGap({ fromMs: time.now() - 1000, toMs: time.now() });
    await ingestor.drain();
    expect(sink.gaps()[0]?.backfilled).toBe(false);
  });

  it('given a stale subscription, then stale, resubscribed and a stale gap, and recovered when data flows', async () => {
    const { ingestor, sink, time } = await connected();
    const t0 = time.now();
    time.advance(10_000);
    ingestor.onStale({ key: bookKey, silentMs: 10_000 });
    ingestor.onResubscribed({ reason: 'stale', keys: [bookKey], failed: [] });
    await ingestor.drain();
    ingestor.onData('l2Book', frames.book('BTC', t0 + 11_000), bookKey);
    await settle();
    expect(sink.statuses()).toEqual(['connected', 'stale', 'resubscribed', 'recovered']);
    const [gap] = sink.gaps();
    expect(gap).toMatchObject({ reason: 'stale', fromMs: t0, toMs: t0 + 10_000, backfilled: false });
    expect(gap?.subscriptions).toEqual([{ channel: 'l2Book', coin: 'BTC' }]);
    expect(ingestor.staleness().find((s) => s.label === 'l2Book:BTC')?.silentMs).toBe(0);
  });

  it('given a refused subscription, then the others still go live and it is retried on the next open', async () => {
    const s = setup();
    s.feed.failTypes.add('candle');
    s.ingestor.onOpen();
    await settle();
    expect(s.ingestor.liveSubscriptions).toBe(2);
    s.feed.failTypes.clear();
    s.ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    s.ingestor.onOpen();
    await settle();
    expect(s.feed.subscribed.filter((v) => v.type === 'candle')).toHaveLength(1);
  });

  it('given a resubscribe the venue refused, then that subscription is subscribed afresh', async () => {
    const { ingestor, feed } = await connected();
    ingestor.onClose({ code: 1006, reason: '', willReconnect: true });
    ingestor.onOpen();
    ingestor.onResubscribed({ reason: 'reconnect', keys: [tradesKey], failed: [{ key: bookKey }] });
    await settle();
    expect(feed.subscribed.filter((v) => v.type === 'l2Book')).toHaveLength(2);
    expect(ingestor.liveSubscriptions).toBe(2);
  });

  it('given a slow bus, then frames are published in arrival order and the queue drains', async () => {
    const { ingestor, sink } = await connected();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const original = sink.market;
    let first = true;
    (sink as { market: typeof sink.market }).market = async (subject, event) => {
      if (first) {
        first = false;
        await gate;
      }
      await original(subject, event);
    };
    ingestor.onData('trades', [frames.trade('BTC', 1, 1000), frames.trade('BTC', 2, 1000)], tradesKey);
    ingestor.onData('trades', [frames.trade('BTC', 3, 1001)], tradesKey);
    await settle();
    expect(ingestor.publishQueue).toBe(2);
    expect(sink.markets).toHaveLength(0);
    release();
    await ingestor.drain();
    expect(sink.markets.map((m) => m.event.id)).toEqual([
      'trade:sim:BTC:1000:1',
      'trade:sim:BTC:1000:2',
      'trade:sim:BTC:1001:3',
    ]);
    expect(ingestor.publishQueue).toBe(0);
  });

  it('given the publish queue is full, then live frames are dropped, counted, and covered by one overflow gap marker', async () => {
    const time = new ManualTime();
    const sink = new RecordingSink();
    const feed = new FakeFeed();
    const drops: [string, number][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const original = sink.market;
    (sink as { market: typeof sink.market }).market = async (subject, event) => {
      await gate;
      await original(subject, event);
    };
    const ingestor = new Ingestor({
      net: 'sim',
      subjects: subjects('sim'),
      instance: 'ing-1',
      plan,
      feed,
      sink,
      clock: time,
      timers: time,
      log: silentLogger,
      rest: new FakeRest(),
      metrics: { ...noopMetrics, publishDropped: (source, n) => drops.push([source, n]) },
      maxPublishQueue: 2,
    });
    ingestor.onOpen();
    await settle();
    ingestor.onData('trades', [frames.trade('BTC', 1, 1000)], tradesKey);
    ingestor.onData('trades', [frames.trade('BTC', 2, 1001)], tradesKey);
    // the bus is stuck: two batches wait, the third frame (two trades) does not fit
    ingestor.onData('trades', [frames.trade('BTC', 3, 1002), frames.trade('BTC', 4, 1002)], tradesKey);
    await settle();
    expect(ingestor.publishQueue).toBe(2);
    expect(ingestor.publishDropped).toBe(2);
    expect(drops).toEqual([['ws', 2]]);
    expect(sink.gaps()).toHaveLength(0);

    release();
    await ingestor.drain();
    expect(sink.markets.map((m) => m.event.id)).toEqual(['trade:sim:BTC:1000:1', 'trade:sim:BTC:1001:2']);
    const gaps = sink.gaps();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ reason: 'overflow', instance: 'ing-1' });
    expect(gaps[0]?.subscriptions).toEqual([{ channel: 'trades', coin: 'BTC' }]);
    for (const h of sink.healths) parse(HealthEvent, h.event);
    // room again: the next frame is published
    ingestor.onData('trades', [frames.trade('BTC', 5, 1003)], tradesKey);
    await ingestor.drain();
    expect(sink.markets.at(-1)?.event.id).toBe('trade:sim:BTC:1003:5');
    expect(ingestor.publishDropped).toBe(2);
  });
});
