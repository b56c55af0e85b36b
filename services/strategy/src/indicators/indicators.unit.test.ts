import { describe, expect, it } from 'vitest';
import { atrInit, atrReset, atrUpdate, atrValue, atrWarm, type Bar } from './atr.js';
import { emaInit, emaReset, emaUpdate, emaValue, emaWarm } from './ema.js';
import { rsiInit, rsiReset, rsiUpdate, rsiValue, rsiWarm } from './rsi.js';
import { smaInit, smaReset, smaUpdate, smaValue, smaWarm } from './sma.js';

const feed = <S, X>(s: S, xs: readonly X[], f: (s: S, x: X) => S): S => xs.reduce(f, s);

describe('SMA', () => {
  it('given fewer than period values, is cold with no value', () => {
    const s = feed(smaInit(3), [1, 2], smaUpdate);
    expect(smaWarm(s)).toBe(false);
    expect(smaValue(s)).toBeNull();
  });
  it('given period values, is their mean; then rolls the window', () => {
    const s = feed(smaInit(3), [1, 2, 3], smaUpdate);
    expect(smaValue(s)).toBe(2);
    expect(smaValue(smaUpdate(s, 4))).toBe(3); // (2+3+4)/3
    expect(smaValue(feed(s, [4, 10], smaUpdate))).toBeCloseTo(17 / 3, 12); // (3+4+10)/3
  });
  it('when reset, is cold until period fresh values arrive', () => {
    const s = smaReset(feed(smaInit(2), [1, 2, 3], smaUpdate));
    expect(smaWarm(s)).toBe(false);
    expect(smaValue(feed(s, [10, 20], smaUpdate))).toBe(15);
  });
  it('rejects a non-positive period', () => {
    expect(() => smaInit(0)).toThrow(RangeError);
  });
});

describe('EMA', () => {
  it('given period values, is seeded with their SMA and warm', () => {
    const s = feed(emaInit(3), [1, 2, 3], emaUpdate);
    expect(emaWarm(s)).toBe(true);
    expect(emaValue(s)).toBe(2);
  });
  it('then smooths with alpha = 2/(period+1)', () => {
    // alpha = 0.5: 2 + 0.5(4-2) = 3; 3 + 0.5(8-3) = 5.5
    const s = feed(emaInit(3), [1, 2, 3, 4, 8], emaUpdate);
    expect(emaValue(s)).toBe(5.5);
  });
  it('is cold before period values and after a reset', () => {
    expect(emaValue(feed(emaInit(3), [1, 2], emaUpdate))).toBeNull();
    const r = emaReset(feed(emaInit(3), [1, 2, 3, 4], emaUpdate));
    expect(emaWarm(r)).toBe(false);
    expect(emaValue(feed(r, [7, 8, 9], emaUpdate))).toBe(8);
  });
});

describe('RSI (Wilder)', () => {
  it('given period+1 closes, averages gains and losses plainly', () => {
    // changes +1 -1 +2: avgGain 1, avgLoss 1/3, RS 3 → 75
    const s = feed(rsiInit(3), [10, 11, 10, 12], rsiUpdate);
    expect(rsiWarm(s)).toBe(true);
    expect(rsiValue(s)).toBeCloseTo(75, 12);
  });
  it('then applies Wilder smoothing', () => {
    // change -1: avgGain (1·2+0)/3 = 2/3, avgLoss (1/3·2+1)/3 = 5/9, RS 1.2 → 100 − 100/2.2
    const s = feed(rsiInit(3), [10, 11, 10, 12, 11], rsiUpdate);
    expect(rsiValue(s)).toBeCloseTo(100 - 100 / 2.2, 12);
  });
  it('is 100 with only gains, 50 with no movement, null when cold', () => {
    expect(rsiValue(feed(rsiInit(2), [1, 2, 3], rsiUpdate))).toBe(100);
    expect(rsiValue(feed(rsiInit(2), [5, 5, 5], rsiUpdate))).toBe(50);
    expect(rsiValue(feed(rsiInit(3), [1, 2, 3], rsiUpdate))).toBeNull();
    expect(rsiWarm(rsiReset(feed(rsiInit(2), [1, 2, 3], rsiUpdate)))).toBe(false);
  });
});

describe('ATR (Wilder)', () => {
  const bars: Bar[] = [
    { h: 10, l: 8, c: 9 }, // TR 2 (first bar: h − l)
    { h: 11, l: 9, c: 10 }, // TR max(2, 2, 0) = 2 → ATR 2
    { h: 14, l: 10, c: 13 }, // TR max(4, 4, 0) = 4 → ATR (2 + 4)/2 = 3
    { h: 9, l: 7, c: 8 }, // gap down: TR max(2, |9−13|, |7−13|) = 6 → ATR (3 + 6)/2 = 4.5
  ];
  it('given period bars, is the mean true range', () => {
    const s = feed(atrInit(2), bars.slice(0, 2), atrUpdate);
    expect(atrWarm(s)).toBe(true);
    expect(atrValue(s)).toBe(2);
  });
  it('then smooths Wilder-style and counts gaps through the previous close', () => {
    expect(atrValue(feed(atrInit(2), bars.slice(0, 3), atrUpdate))).toBe(3);
    expect(atrValue(feed(atrInit(2), bars, atrUpdate))).toBe(4.5);
  });
  it('is cold before period bars and after a reset (no previous close either)', () => {
    expect(atrValue(feed(atrInit(2), bars.slice(0, 1), atrUpdate))).toBeNull();
    const r = atrReset(feed(atrInit(2), bars, atrUpdate));
    expect(r.prevClose).toBeNull();
    expect(atrWarm(r)).toBe(false);
  });
});
