import { MarketEvent, parse, subjects } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { frames } from '../test-support/fakes.js';
import { normalizeFrame, subjectOf } from './normalize.js';

const ctx = { net: 'sim' as const, recvTsMs: 1_700_000_000_123.25 };
const subj = subjects('sim');

function events(channel: string, data: unknown, c: Parameters<typeof normalizeFrame>[2] = ctx) {
  const r = normalizeFrame(channel, data, c);
  if (!r.ok) throw new Error(`${r.reason}: ${r.problems.join('; ')}`);
  // every event must satisfy the public contract
  return r.events.map((e) => parse(MarketEvent, e));
}

describe('normalizeFrame', () => {
  it('trades: one event per trade, aggressor side, id (coin, time, tid), exchange and receive time', () => {
    const [e, f] = events('trades', [
      frames.trade('BTC', 7, 1000),
      { ...frames.trade('BTC', 8, 1001), side: 'A' },
    ]);
    expect(e).toMatchObject({
      type: 'trade',
      id: 'trade:sim:BTC:1000:7',
      side: 'buy',
      px: '100.5',
      exchTsMs: 1000,
    });
    expect(e?.recvTsMs).toBe(ctx.recvTsMs);
    expect(f).toMatchObject({ side: 'sell' });
    expect(subjectOf(subj, e!)).toBe('hl.sim.md.trade.BTC');
  });

  it('trades: an empty array is valid and yields nothing (venue 8.8)', () => {
    expect(events('trades', [])).toEqual([]);
  });

  it('l2Book: carries the aggregation of its subscription in event and id', () => {
    const [e] = events('l2Book', frames.book('ETH', 2000), { ...ctx, book: { nSigFigs: 5, mantissa: 2 } });
    expect(e).toMatchObject({ type: 'book', id: 'book:sim:ETH:2000:s5m2', nSigFigs: 5, mantissa: 2 });
    const [full] = events('l2Book', frames.book('ETH', 2000));
    expect(full?.id).toBe('book:sim:ETH:2000:full');
    expect(subjectOf(subj, e!)).toBe('hl.sim.md.book.ETH');
  });

  it('bbo: a null side stays null', () => {
    const [e] = events('bbo', frames.bbo('BTC', 3000));
    expect(e).toMatchObject({ type: 'bbo', id: 'bbo:sim:BTC:3000', ask: null, bid: { px: '100', n: 2 } });
  });

  it('candle: object or array form, numbers or strings, one id per candle state', () => {
    const obj = frames.candle('BTC', '1m', 60_000, 5);
    const [a] = events('candle', obj);
    const [b] = events('candle', [{ ...obj, o: 100, v: 12.5 }]);
    expect(a?.id).toBe('candle:sim:BTC:1m:60000:5:101:12.5');
    expect(b?.id).toBe(a?.id);
    expect(b).toMatchObject({ o: '100', volume: '12.5' });
    expect(subjectOf(subj, a!)).toBe('hl.sim.md.candle.1m.BTC');
  });

  it('ctx: perp and spot channels; the id follows content, not time', () => {
    const [p] = events('activeAssetCtx', frames.perpCtx('BTC'));
    const [again] = events('activeAssetCtx', frames.perpCtx('BTC'), {
      ...ctx,
      recvTsMs: ctx.recvTsMs + 5000,
    });
    expect(p).toMatchObject({
      type: 'ctx',
      ctx: { market: 'perp', premium: '-0.0001' },
      exchTsMs: 1_700_000_000_123,
    });
    expect(again?.id).toBe(p?.id);
    const [s] = events('activeSpotAssetCtx', {
      coin: '@107',
      ctx: { prevDayPx: '1', dayNtlVlm: '2', markPx: '3', midPx: null, circulatingSupply: '4' },
    });
    expect(s).toMatchObject({ ctx: { market: 'spot', midPx: null } });
    expect(subjectOf(subj, s!)).toBe('hl.sim.md.ctx.~40107');
  });

  it('allMids: one event for the dex', () => {
    const [m] = events('allMids', frames.mids());
    expect(m).toMatchObject({ type: 'mids', mids: { BTC: '100.5' } });
    expect(subjectOf(subj, m!)).toBe('hl.sim.md.mids._');
  });

  it('a malformed frame is a schema failure naming the field; an unknown channel is said so', () => {
    expect(normalizeFrame('trades', { not: 'an array' }, ctx)).toMatchObject({ ok: false, reason: 'schema' });
    expect(normalizeFrame('l2Book', 'nope', ctx)).toMatchObject({ ok: false, reason: 'schema' });
    expect(normalizeFrame('webData3', {}, ctx)).toMatchObject({ ok: false, reason: 'unknownChannel' });
  });

  it('array frames are validated item by item: the bad items are named by index, the good ones kept', () => {
    const r = normalizeFrame(
      'trades',
      [frames.trade('BTC', 1, 1), { ...frames.trade('BTC', 2, 1), px: 'abc' }, frames.trade('BTC', 3, 1)],
      ctx,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.id)).toEqual(['trade:sim:BTC:1:1', 'trade:sim:BTC:1:3']);
    expect(r.rejected).toEqual([{ index: 1, problems: [expect.stringMatching(/^1\.px: /)] }]);
    const c = normalizeFrame(
      'candle',
      [frames.candle('BTC', '1m', 0, 1), { ...frames.candle('BTC', '1m', 60_000, 1), i: '7m' }],
      ctx,
    );
    expect(c.ok && [c.events.length, c.rejected.map((x) => x.index)]).toEqual([1, [1]]);
  });
});
