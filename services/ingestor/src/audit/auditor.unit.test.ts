import type { BookEvent, CandleEvent, FeedDriftChanged, MidsEvent } from '@hyperflow/contracts';
import { ManualTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../config/config.js';
import { planSubscriptions } from '../config/plan.js';
import { silentLogger } from '../ports.js';
import { FakeRest } from '../test-support/fakes.js';
import { type AuditCheck, type AuditOutcome, Auditor, auditTargets } from './auditor.js';

const plan = (channels: Channel[], coins = ['BTC']) =>
  planSubscriptions({
    coins,
    channels,
    candleIntervals: ['1m'],
    book: { fast: false },
    ownsGlobal: true,
    staleAfterMs: 0,
  });

const level = (px: string) => ({ px, sz: '1', n: 1 });
const book = (bid: string, ask: string, t: number): BookEvent => ({
  type: 'book',
  v: 1,
  net: 'sim',
  id: `book:${t}`,
  coin: 'BTC',
  bids: [level(bid)],
  asks: [level(ask)],
  nSigFigs: null,
  mantissa: null,
  exchTsMs: t,
  recvTsMs: t,
});
/** the venue's l2Book answer */
const restBook = (bid: string, ask: string, t: number) => ({
  coin: 'BTC',
  time: t,
  levels: [[{ px: bid, sz: '1', n: 1 }], [{ px: ask, sz: '1', n: 1 }]],
});

function setup(channels: Channel[], over: { confirmAfterMs?: number; coins?: string[] } = {}) {
  const time = new ManualTime();
  const rest = new FakeRest();
  const published: FeedDriftChanged[] = [];
  const checks: [AuditCheck, AuditOutcome][] = [];
  const drifts: AuditCheck[] = [];
  const auditor = new Auditor({
    rest,
    plan: plan(channels, over.coins),
    coins: over.coins ?? ['BTC'],
    net: 'sim',
    instance: 'ing-a',
    clock: time,
    timers: time,
    log: silentLogger,
    intervalMs: 1_000,
    toleranceBps: 50,
    confirmAfterMs: over.confirmAfterMs ?? 10_000,
    publish: async (e) => {
      published.push(e);
    },
    metrics: { checked: (c, o) => checks.push([c, o]), drift: (c) => drifts.push(c) },
  });
  return { time, rest, published, checks, drifts, auditor };
}

describe('auditTargets', () => {
  it('audits each book and bbo, the mids and each candle; not trades or contexts', () => {
    const keys = auditTargets(
      plan(['trades', 'l2Book', 'bbo', 'candle', 'activeAssetCtx', 'allMids'], ['BTC', 'ETH']),
    )
      .map((t) => t.key)
      .sort();
    expect(keys).toEqual([
      'bbo:BTC',
      'bbo:ETH',
      'candle:BTC:1m',
      'candle:ETH:1m',
      'l2Book:BTC',
      'l2Book:ETH',
      'mids',
    ]);
  });
});

describe('Auditor: book', () => {
  it('skips without a REST call until something was streamed', async () => {
    const s = setup(['l2Book']);
    await s.auditor.checkNext();
    expect(s.rest.calls).toEqual([]);
    expect(s.checks).toEqual([['book', 'skipped']]);
  });

  it('a disagreement the next push explains is not a drift', async () => {
    const s = setup(['l2Book']);
    s.auditor.observe(book('100', '101', s.time.now()));
    s.rest.book = restBook('95', '96', s.time.now());
    await s.auditor.checkNext();
    // the next push shows the move: the REST snapshot agrees with it
    s.time.advance(5_000);
    s.auditor.observe(book('95', '96', s.time.now()));
    await s.auditor.checkNext();
    s.time.advance(10_000);
    await s.auditor.checkNext();
    expect(s.checks.map(([, o]) => o)).toEqual(['disagree', 'agree', 'agree']);
    expect(s.published).toEqual([]);
    expect(s.drifts).toEqual([]);
  });

  it('a disagreement that outlasts the confirmation is one detected drift, resolved once it agrees', async () => {
    const s = setup(['l2Book']);
    s.auditor.observe(book('100', '101', s.time.now()));
    s.rest.book = restBook('95', '96', s.time.now());
    await s.auditor.checkNext();
    s.time.advance(5_000);
    await s.auditor.checkNext();
    expect(s.published).toEqual([]);
    s.time.advance(5_000);
    await s.auditor.checkNext();
    s.time.advance(5_000);
    await s.auditor.checkNext();
    expect(s.published).toHaveLength(1);
    expect(s.published[0]).toMatchObject({
      type: 'drift',
      status: 'detected',
      instance: 'ing-a',
      check: 'book',
      subscription: { channel: 'l2Book', coin: 'BTC' },
      detail: 'streamed bid 100 ask 101, REST bid 95 ask 96',
    });
    expect(s.drifts).toEqual(['book']);
    s.auditor.observe(book('95', '96', s.time.now()));
    await s.auditor.checkNext();
    expect(s.published.map((e) => e.status)).toEqual(['detected', 'resolved']);
    expect(new Set(s.published.map((e) => e.id)).size).toBe(2);
  });

  it('a failed REST call is counted as failed and publishes nothing', async () => {
    const s = setup(['l2Book']);
    s.auditor.observe(book('100', '101', s.time.now()));
    s.rest.fail = new Error('budget refused');
    await s.auditor.checkNext();
    expect(s.checks).toEqual([['book', 'failed']]);
    expect(s.published).toEqual([]);
  });
});

describe('Auditor: mids', () => {
  it('compares the plan coins of the streamed allMids with REST', async () => {
    const s = setup(['allMids'], { confirmAfterMs: 0, coins: ['BTC', 'ETH'] });
    const mids: MidsEvent = {
      type: 'mids',
      v: 1,
      net: 'sim',
      id: 'm',
      mids: { BTC: '100', ETH: '10', SOL: '1' },
      exchTsMs: 1,
      recvTsMs: 1,
    };
    s.auditor.observe(mids);
    // SOL is not this replica's: its difference is not looked at
    s.rest.mids = { BTC: '100.1', ETH: '11', SOL: '5' };
    await s.auditor.checkNext();
    expect(s.published).toHaveLength(1);
    expect(s.published[0]?.detail).toBe('ETH: streamed mid 10, REST 11');
  });
});

describe('Auditor: candles', () => {
  const T = 1_700_000_040_000; // a minute boundary
  const streamed = (over: Partial<CandleEvent> = {}): CandleEvent => ({
    type: 'candle',
    v: 1,
    net: 'sim',
    id: `c${over.openTsMs ?? T}`,
    coin: 'BTC',
    interval: '1m',
    openTsMs: T,
    closeTsMs: T + 59_999,
    o: '100',
    h: '101',
    l: '99',
    c: '100.5',
    volume: '3.5',
    n: 7,
    exchTsMs: T + 59_999,
    recvTsMs: T + 59_000,
    ...over,
  });
  const restCandle = (over: Record<string, unknown> = {}) => ({
    t: T,
    T: T + 59_999,
    s: 'BTC',
    i: '1m',
    o: '100',
    c: '100.5',
    h: '101',
    l: '99',
    v: '3.5',
    n: 7,
    ...over,
  });

  it('compares only a candle closed past the grace, fetches it once when it agrees', async () => {
    const s = setup(['candle']);
    s.time.advance(T + 30_000 - s.time.now());
    s.auditor.observe(streamed());
    s.rest.candles = [restCandle()];
    await s.auditor.checkNext();
    expect(s.rest.calls).toEqual([]); // still open
    s.time.advance(33_000);
    await s.auditor.checkNext();
    await s.auditor.checkNext();
    expect(s.rest.calls).toEqual([`candleSnapshot BTC 1m ${T}-${T + 59_999}`]);
    expect(s.checks.map(([, o]) => o)).toEqual(['skipped', 'agree', 'skipped']);
    expect(s.published).toEqual([]);
  });

  it('a closed candle that lost a trade on the stream is a drift at once', async () => {
    const s = setup(['candle']);
    s.time.advance(T + 63_000 - s.time.now());
    s.auditor.observe(streamed());
    s.rest.candles = [restCandle({ v: '4.5', n: 8 })];
    await s.auditor.checkNext();
    expect(s.published.map((e) => [e.status, e.check, e.detail])).toEqual([
      ['detected', 'candle', `candle ${T}: streamed volume 3.5 n 7, REST volume 4.5 n 8`],
    ]);
  });
});

describe('Auditor: schedule', () => {
  it('checks one target per interval in turn and stops cleanly', async () => {
    const s = setup(['l2Book', 'allMids'], { coins: ['BTC'] });
    s.auditor.observe(book('100', '101', s.time.now()));
    s.rest.book = restBook('100', '101', s.time.now());
    s.auditor.start();
    s.time.advance(1_000);
    await new Promise((r) => setImmediate(r));
    s.time.advance(1_000);
    await new Promise((r) => setImmediate(r));
    await s.auditor.stop();
    expect(s.checks.map(([c]) => c)).toEqual(['book', 'mids']);
    expect(s.time.timerCount).toBe(0);
  });
});
