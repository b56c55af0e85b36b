import { describe, expect, it } from 'vitest';
import { Engine } from '../matching/engine.js';
import { formatDecimal, parseDecimal } from './decimal.js';
import { MarketGenerator } from './generator.js';
import { isMoveError, parseMove, targetMid } from './move.js';
import { DEFAULT_UNIVERSE, marketsOf } from './universe.js';

const COINS = ['BTC', 'ETH'];
const T = 1_760_000_000_000;
const px = (s: string) => parseDecimal(s) ?? 0n;
const unitTick = () => px('1');

describe('parseMove', () => {
  it('given a coin and signed bps or a px as decimal strings, when parsed, then accepted', () => {
    expect(parseMove({ coin: 'BTC', bps: '250' }, COINS)).toEqual({ coin: 'BTC', bps: '250' });
    expect(parseMove({ coin: 'ETH', bps: '-12.5' }, COINS)).toEqual({ coin: 'ETH', bps: '-12.5' });
    expect(parseMove({ coin: 'BTC', px: '61250.5' }, COINS)).toEqual({ coin: 'BTC', px: '61250.5' });
  });

  it.each([
    [null, 'body'],
    [[1], 'body'],
    [{ bps: '1' }, 'coin'],
    [{ coin: 'DOGE', bps: '1' }, 'coin'],
    [{ coin: 'BTC' }, 'bps'],
    [{ coin: 'BTC', bps: '1', px: '1' }, 'bps'],
    [{ coin: 'BTC', bps: 250 }, 'bps'],
    [{ coin: 'BTC', bps: '2.5e2' }, 'bps'],
    [{ coin: 'BTC', bps: '0' }, 'bps'],
    [{ coin: 'BTC', bps: '5000.1' }, 'bps'],
    [{ coin: 'BTC', bps: '0.000000001' }, 'bps'],
    [{ coin: 'BTC', px: 61000 }, 'px'],
    [{ coin: 'BTC', px: '-1' }, 'px'],
    [{ coin: 'BTC', px: '0' }, 'px'],
    [{ coin: 'BTC', bps: '1', speed: 2 }, 'speed'],
  ])('given %j, when parsed, then refused naming %s', (body, field) => {
    const r = parseMove(body, COINS);
    expect(isMoveError(r)).toBe(true);
    expect(r).toMatchObject({ field, error: expect.any(String) });
  });
});

describe('targetMid', () => {
  it('given bps, when applied, then the mid moves by that fraction, on the tick grid', () => {
    expect(formatDecimal(targetMid(px('60000'), { coin: 'BTC', bps: '200' }, unitTick))).toBe('61200');
    expect(formatDecimal(targetMid(px('60000'), { coin: 'BTC', bps: '-12.5' }, unitTick))).toBe('59925');
    expect(formatDecimal(targetMid(px('60001'), { coin: 'BTC', bps: '1' }, unitTick))).toBe('60007');
  });

  it('given a px, when applied, then the mid is that price snapped down to the tick', () => {
    expect(formatDecimal(targetMid(px('60000'), { coin: 'BTC', px: '61250.7' }, unitTick))).toBe('61250');
  });

  it('given a move to almost nothing, when applied, then the mid stops at ten ticks', () => {
    expect(formatDecimal(targetMid(px('60000'), { coin: 'BTC', px: '0.5' }, unitTick))).toBe('10');
  });
});

describe('MarketGenerator.move', () => {
  it('given a forced move, when applied, then the book requotes at once and the next step trades there', () => {
    const markets = marketsOf(DEFAULT_UNIVERSE);
    const engine = new Engine({ markets });
    const gen = new MarketGenerator(markets, { seed: 7, takerProbability: 0 });
    for (let i = 0; i < 5; i++) gen.step(engine, T + i * 100);
    engine.drainEvents();
    const before = gen.mid('BTC') ?? 0n;

    const r = gen.move(engine, { coin: 'BTC', bps: '300' }, T + 500);
    expect(r).toEqual({ coin: 'BTC', from: formatDecimal(before), to: formatDecimal(gen.mid('BTC') ?? 0n) });
    const to = gen.mid('BTC') ?? 0n;
    expect(to).toBe(targetMid(before, { coin: 'BTC', bps: '300' }, unitTick));
    const mid = engine.midPx('BTC') ?? 0n;
    // the book is centred on the new mid already (within a few ticks)
    expect(mid > before + (before * 290n) / 10_000n).toBe(true);

    // no random taker at all (probability 0): the trade comes from the forced move, once
    gen.step(engine, T + 600);
    const trades = engine.drainEvents().flatMap((e) => (e.type === 'tradePrinted' ? [e] : []));
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      expect(t.trade.coin).toBe('BTC');
      expect(t.trade.side).toBe('B');
      expect(px(t.trade.px) > before + (before * 290n) / 10_000n).toBe(true);
    }
    gen.step(engine, T + 700);
    expect(engine.drainEvents().some((e) => e.type === 'tradePrinted')).toBe(false);
  });

  it('given an unknown coin, when moved, then nothing happens', () => {
    const markets = marketsOf(DEFAULT_UNIVERSE);
    const engine = new Engine({ markets });
    const gen = new MarketGenerator(markets, { seed: 7 });
    expect(gen.move(engine, { coin: 'NOPE', bps: '10' }, T)).toBeUndefined();
  });
});
