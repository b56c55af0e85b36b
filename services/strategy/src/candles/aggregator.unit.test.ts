import { candleCloseTime as bucketEnd, candleOpenTime as bucketStart } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { trade } from '../test-support/events.js';
import {
  type CandleBuilder,
  candlesAdvance,
  candlesInit,
  candlesOnTrade,
  candlesReset,
} from './aggregator.js';

const MIN = 60_000;
const T0 = 1_684_699_200_000; // a whole hour, as in the venue's candleSnapshot fixture

function run(s: CandleBuilder, trades: ReturnType<typeof trade>[]) {
  const closed = [];
  let st = s;
  for (const t of trades) {
    const r = candlesOnTrade(st, t);
    st = r.state;
    closed.push(...r.closed);
  }
  return { state: st, closed };
}

describe('candle boundaries', () => {
  it('match the venue: UTC epoch multiples, close = open + interval − 1', () => {
    // venue fixture: 1h candle t=1684699200000, T=1684702799999
    expect(bucketStart('1h', T0 + 1_234_567)).toBe(T0);
    expect(bucketEnd('1h', T0)).toBe(1_684_702_799_999);
    expect(bucketStart('5m', T0 + 5 * MIN - 1)).toBe(T0);
    expect(bucketStart('5m', T0 + 5 * MIN)).toBe(T0 + 5 * MIN);
    expect(bucketEnd('1m', T0)).toBe(T0 + MIN - 1);
  });
  it('a 1M candle spans the UTC calendar month', () => {
    const feb = Date.UTC(2024, 1, 10, 12);
    expect(bucketStart('1M', feb)).toBe(Date.UTC(2024, 1, 1));
    expect(bucketEnd('1M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1) - 1);
  });
});

describe('candle aggregator', () => {
  it('given trades in one minute, when a trade of the next minute arrives, then emits the closed candle', () => {
    const { closed, state } = run(candlesInit('BTC', '1m'), [
      trade('BTC', T0 + 1_000, '100', { sz: '0.5' }),
      trade('BTC', T0 + 2_000, '103', { sz: '0.25' }),
      trade('BTC', T0 + 3_000, '99.5', { sz: '1' }),
      trade('BTC', T0 + 59_999, '101', { sz: '0.1' }),
    ]);
    expect(closed).toEqual([]);
    const next = candlesOnTrade(state, trade('BTC', T0 + MIN, '102'));
    expect(next.closed).toEqual([
      {
        coin: 'BTC',
        interval: '1m',
        openTsMs: T0,
        closeTsMs: T0 + MIN - 1,
        o: '100',
        h: '103',
        l: '99.5',
        c: '101',
        volume: '1.85',
        n: 4,
        last: { id: `trade:BTC:${T0 + 59_999}:${T0 + 59_999}`, exchTsMs: T0 + 59_999, recvTsMs: T0 + 60_000 },
      },
    ]);
    expect(next.state.open).toHaveLength(1);
  });

  it('given a 5m interval, buckets trades on 5-minute boundaries', () => {
    const { closed } = run(candlesInit('ETH', '5m'), [
      trade('ETH', T0 + 4 * MIN, '10'),
      trade('ETH', T0 + 5 * MIN - 1, '11'),
      trade('ETH', T0 + 5 * MIN, '12'),
    ]);
    expect(closed.map((c) => [c.openTsMs, c.closeTsMs, c.o, c.c, c.n])).toEqual([
      [T0, T0 + 5 * MIN - 1, '10', '11', 2],
    ]);
  });

  it('given out-of-order trades inside the candle, orders open and close by exchange time', () => {
    const { state } = run(candlesInit('BTC', '1m'), [
      trade('BTC', T0 + 30_000, '105'),
      trade('BTC', T0 + 10_000, '100'), // earlier: becomes the open
      trade('BTC', T0 + 20_000, '110'), // between: only the high
    ]);
    const c = candlesAdvance(state, T0 + MIN).closed[0];
    expect([c?.o, c?.h, c?.l, c?.c]).toEqual(['100', '110', '100', '105']);
  });

  it('given a repeated trade (same time and tid), counts it once', () => {
    const t = trade('BTC', T0 + 1_000, '100', { sz: '2', tid: 7 });
    const { state } = run(candlesInit('BTC', '1m'), [t, t, { ...t, id: 'other-id' }]);
    expect(state.duplicates).toBe(2);
    const c = candlesAdvance(state, T0 + MIN).closed[0];
    expect([c?.n, c?.volume]).toEqual([1, '2']);
  });

  it('given a trade for an already closed candle, drops it as late and never revises the candle', () => {
    const { state, closed } = run(candlesInit('BTC', '1m'), [
      trade('BTC', T0 + 1_000, '100'),
      trade('BTC', T0 + MIN + 1, '101'), // closes the first candle
      trade('BTC', T0 + 2_000, '50'), // late
    ]);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.l).toBe('100');
    expect(state.late).toBe(1);
  });

  it('given a grace period, a late trade inside it still counts', () => {
    const { state, closed } = run(candlesInit('BTC', '1m', 2_000), [
      trade('BTC', T0 + 1_000, '100'),
      trade('BTC', T0 + MIN + 500, '101'), // inside the grace: first candle stays open
      trade('BTC', T0 + 2_000, '50'),
    ]);
    expect(closed).toEqual([]);
    const done = candlesAdvance(state, T0 + MIN + 2_000).closed;
    expect(done.map((c) => [c.l, c.n])).toEqual([['50', 2]]);
  });

  it('skips buckets with no trades and never emits a candle twice', () => {
    const { closed, state } = run(candlesInit('BTC', '1m'), [
      trade('BTC', T0, '100'),
      trade('BTC', T0 + 3 * MIN, '101'),
    ]);
    expect(closed.map((c) => c.openTsMs)).toEqual([T0]);
    expect(candlesAdvance(state, T0 + 3 * MIN + 5).closed).toEqual([]);
  });

  it('after a gap reset, drops the holed candle and the partial bucket holding the gap end', () => {
    const before = run(candlesInit('BTC', '1m'), [trade('BTC', T0 + 1_000, '100')]).state;
    const reset = candlesReset(before, T0 + 2 * MIN + 30_000);
    const { closed, state } = run(reset, [
      trade('BTC', T0 + 2 * MIN + 40_000, '120'), // same bucket as the gap end: partial, dropped
      trade('BTC', T0 + 3 * MIN, '121'),
      trade('BTC', T0 + 4 * MIN, '122'),
    ]);
    expect(closed.map((c) => [c.openTsMs, c.o])).toEqual([[T0 + 3 * MIN, '121']]);
    expect(state.late).toBe(1);
  });
});

describe('out-of-order trades give the candles of the same trades in order', () => {
  /** mulberry32: a reproducible shuffle */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const shuffle = <T>(xs: readonly T[], rand: () => number): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };

  /** Venue-like frames: one per block, several trades sharing the block time, tids a hash (unordered). */
  function frames(seed: number): ReturnType<typeof trade>[][] {
    const rand = prng(seed);
    const out: ReturnType<typeof trade>[][] = [];
    let ts = T0 + 500;
    while (ts < T0 + 5 * MIN) {
      const n = 1 + Math.floor(rand() * 4);
      out.push(
        Array.from({ length: n }, () =>
          trade('BTC', ts, String(60_000 + Math.floor(rand() * 200)), {
            sz: String(1 + Math.floor(rand() * 9)),
            tid: Math.floor(rand() * 2 ** 50),
          }),
        ),
      );
      ts += 200 + Math.floor(rand() * 1_800);
    }
    return out;
  }

  function candles(arrivals: ReturnType<typeof trade>[], graceMs: number) {
    const { state, closed } = run(candlesInit('BTC', '1m', graceMs), arrivals);
    return [...closed, ...candlesAdvance(state, T0 + 10 * MIN).closed];
  }

  const byTimeThenTid = (a: ReturnType<typeof trade>, b: ReturnType<typeof trade>) =>
    a.exchTsMs - b.exchTsMs || a.tid - b.tid;

  for (const seed of [1, 2, 3, 4, 5]) {
    const fs = frames(seed);
    const inOrder = candles(fs.flat().sort(byTimeThenTid), 5_000);

    it(`seed ${seed}: trades shuffled within each frame (same block time, tids unordered)`, () => {
      const rand = prng(seed * 31);
      expect(inOrder.length).toBeGreaterThanOrEqual(5);
      expect(
        candles(
          fs.flatMap((f) => shuffle(f, rand)),
          5_000,
        ),
      ).toEqual(inOrder);
    });

    it(`seed ${seed}: frames shuffled across a window shorter than the grace, and a reconnect snapshot replaying frames`, () => {
      const rand = prng(seed * 97);
      // frames swap places within windows of 3 frames (at most ~4 s apart, inside the 5 s grace)
      const windows: ReturnType<typeof trade>[][][] = [];
      for (let i = 0; i < fs.length; i += 3) windows.push(fs.slice(i, i + 3));
      const shuffled = windows.flatMap((w) => shuffle(w, rand).map((f) => shuffle(f, rand)));
      // a reconnect after frame 40: the venue's snapshot repeats the last 10 frames, out of order
      const replay = shuffle(shuffled.slice(30, 40), rand).flat();
      const arrivals = [...shuffled.slice(0, 40).flat(), ...replay, ...shuffled.slice(40).flat()];
      const out = candles(arrivals, 5_000);
      expect(out).toEqual(inOrder);
    });
  }
});
