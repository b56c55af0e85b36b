import type { CandleEvent, MidsEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { beyondTolerance, candleDrift, midDrift, topDrift } from './cross-check.js';

describe('beyondTolerance: exact decimal distance in basis points of the REST value', () => {
  it('is false up to the tolerance and true just past it, at any scale', () => {
    // 100 bps of 100 is 1: 101 is at the bound, 101.00000001 past it
    expect(beyondTolerance('101', '100', 100)).toBe(false);
    expect(beyondTolerance('101.00000001', '100', 100)).toBe(true);
    expect(beyondTolerance('99', '100.0', 100)).toBe(false);
    expect(beyondTolerance('98.99999999', '100', 100)).toBe(true);
    // a float would call 0.1 + 0.2 drift from 0.3 at 0 bps; decimals do not
    expect(beyondTolerance('0.30', '0.3', 0)).toBe(false);
    expect(beyondTolerance('0.300000001', '0.3', 0)).toBe(true);
  });
});

describe('topDrift', () => {
  it('agrees within the tolerance and names both sides past it', () => {
    expect(topDrift({ bid: '100', ask: '100.5' }, { bid: '100.2', ask: '100.6' }, 50)).toBeUndefined();
    expect(topDrift({ bid: '100', ask: '100.5' }, { bid: '97', ask: '97.5' }, 50)).toBe(
      'streamed bid 100 ask 100.5, REST bid 97 ask 97.5',
    );
  });

  it('calls a side empty in one and present in the other a disagreement', () => {
    expect(topDrift({ bid: '100', ask: undefined }, { bid: '100', ask: '101' }, 50)).toBe(
      'streamed bid 100 ask -, REST bid 100 ask 101',
    );
    expect(
      topDrift({ bid: undefined, ask: undefined }, { bid: undefined, ask: undefined }, 0),
    ).toBeUndefined();
  });
});

describe('midDrift', () => {
  const mids = (m: Record<string, string>): MidsEvent => ({
    type: 'mids',
    v: 1,
    net: 'sim',
    id: 'm',
    mids: m,
    exchTsMs: 1,
    recvTsMs: 1,
  });
  it('compares one coin; a coin missing on one side disagrees', () => {
    expect(midDrift(mids({ BTC: '100' }), mids({ BTC: '100.4' }), 'BTC', 50)).toBeUndefined();
    expect(midDrift(mids({ BTC: '100' }), mids({ BTC: '101' }), 'BTC', 50)).toBe(
      'streamed mid 100, REST 101',
    );
    expect(midDrift(mids({}), mids({ BTC: '101' }), 'BTC', 50)).toBe('streamed mid -, REST 101');
    expect(midDrift(mids({}), mids({}), 'BTC', 50)).toBeUndefined();
  });
});

describe('candleDrift: a closed candle must agree exactly', () => {
  const candle = (over: Partial<CandleEvent> = {}): CandleEvent => ({
    type: 'candle',
    v: 1,
    net: 'sim',
    id: 'c',
    coin: 'BTC',
    interval: '1m',
    openTsMs: 60_000,
    closeTsMs: 119_999,
    o: '100',
    h: '101',
    l: '99',
    c: '100.5',
    volume: '3.5',
    n: 7,
    exchTsMs: 119_999,
    recvTsMs: 120_000,
    ...over,
  });
  it('equal values agree, whatever their trailing zeros', () => {
    expect(candleDrift(candle(), candle({ o: '100.0', volume: '3.50' }))).toBeUndefined();
  });
  it('a missed trade (volume and count) is named field by field', () => {
    expect(candleDrift(candle(), candle({ volume: '4.5', n: 8, c: '100.7' }))).toBe(
      'candle 60000: streamed c 100.5 volume 3.5 n 7, REST c 100.7 volume 4.5 n 8',
    );
  });
});
