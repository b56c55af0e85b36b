import type { CandleInterval, SignalCause, TradeEvent } from '@hyperflow/contracts';
import { candleCloseTime as bucketEnd, candleOpenTime as bucketStart } from '@hyperflow/contracts';
import { fromUnits, toUnits } from '../decimal/decimal.js';

/** A candle built from trades. Prices and volume are decimal strings, as the venue's. */
export interface Candle {
  readonly coin: string;
  readonly interval: CandleInterval;
  readonly openTsMs: number;
  /** inclusive, the venue's `T` */
  readonly closeTsMs: number;
  readonly o: string;
  readonly h: string;
  readonly l: string;
  readonly c: string;
  readonly volume: string;
  /** number of trades */
  readonly n: number;
  /** the trade that set the close: the newest market event inside the candle */
  readonly last: SignalCause;
}

interface OpenCandle extends Candle {
  /** exchange time and tid of the trades that set the open and the close (out-of-order arrivals) */
  readonly oTsMs: number;
  readonly oTid: number;
  readonly cTsMs: number;
  readonly cTid: number;
  /** `${exchTsMs}:${tid}` of every trade counted, to drop repeats */
  readonly keys: readonly string[];
}

/**
 * Builds one coin's candles of one interval from its trades.
 *
 * Policy (late and out-of-order trades): the builder's clock is the newest exchange time it has
 * seen. A candle is final once the clock passes `closeTsMs + graceMs`; it is then emitted, once.
 * Until then out-of-order trades are merged by their exchange time (the open is the earliest
 * trade, the close the latest); trades of the same millisecond (one venue block often prints
 * several) are ordered by tid, so any arrival order of the same trades gives the same candle. A trade for a candle that is already final is dropped and counted
 * in `late` (a final candle is never revised). A trade seen before (same time and venue `tid`) is
 * dropped and counted in `duplicates`. Buckets with no trade produce no candle.
 */
export interface CandleBuilder {
  readonly coin: string;
  readonly interval: CandleInterval;
  readonly graceMs: number;
  /** candles still open, oldest first */
  readonly open: readonly OpenCandle[];
  /** open time of the newest final bucket: trades at or before it are late */
  readonly finalThroughMs: number | null;
  readonly clockMs: number | null;
  readonly late: number;
  readonly duplicates: number;
}

export interface CandleStep {
  readonly state: CandleBuilder;
  /** candles that became final, oldest first */
  readonly closed: readonly Candle[];
}

export function candlesInit(coin: string, interval: CandleInterval, graceMs = 0): CandleBuilder {
  return { coin, interval, graceMs, open: [], finalThroughMs: null, clockMs: null, late: 0, duplicates: 0 };
}

export function candlesOnTrade(s: CandleBuilder, t: TradeEvent): CandleStep {
  const ts = t.exchTsMs;
  const openTs = bucketStart(s.interval, ts);
  const finalByTime = s.clockMs !== null && s.clockMs > bucketEnd(s.interval, openTs) + s.graceMs;
  if (finalByTime || (s.finalThroughMs !== null && openTs <= s.finalThroughMs)) {
    return { state: { ...s, late: s.late + 1 }, closed: [] };
  }
  const key = `${ts}:${t.tid}`;
  const cause: SignalCause = { id: t.id, exchTsMs: t.exchTsMs, recvTsMs: t.recvTsMs };
  const i = s.open.findIndex((c) => c.openTsMs === openTs);
  let open: OpenCandle[];
  if (i < 0) {
    const fresh: OpenCandle = {
      coin: s.coin,
      interval: s.interval,
      openTsMs: openTs,
      closeTsMs: bucketEnd(s.interval, openTs),
      o: t.px,
      h: t.px,
      l: t.px,
      c: t.px,
      volume: t.sz,
      n: 1,
      last: cause,
      oTsMs: ts,
      oTid: t.tid,
      cTsMs: ts,
      cTid: t.tid,
      keys: [key],
    };
    open = [...s.open, fresh].sort((a, b) => a.openTsMs - b.openTsMs);
  } else {
    const c = s.open[i] as OpenCandle;
    if (c.keys.includes(key)) return { state: { ...s, duplicates: s.duplicates + 1 }, closed: [] };
    const px = toUnits(t.px);
    const opens = earlier(ts, t.tid, c.oTsMs, c.oTid);
    const closes = earlier(c.cTsMs, c.cTid, ts, t.tid);
    const merged: OpenCandle = {
      ...c,
      o: opens ? t.px : c.o,
      oTsMs: opens ? ts : c.oTsMs,
      oTid: opens ? t.tid : c.oTid,
      h: px > toUnits(c.h) ? t.px : c.h,
      l: px < toUnits(c.l) ? t.px : c.l,
      c: closes ? t.px : c.c,
      last: closes ? cause : c.last,
      cTsMs: closes ? ts : c.cTsMs,
      cTid: closes ? t.tid : c.cTid,
      volume: fromUnits(toUnits(c.volume) + toUnits(t.sz)),
      n: c.n + 1,
      keys: [...c.keys, key],
    };
    open = s.open.map((x, j) => (j === i ? merged : x));
  }
  return candlesAdvance({ ...s, open }, ts);
}

/** Moves the clock (any event of the coin with an exchange time) and emits candles that became final. */
export function candlesAdvance(s: CandleBuilder, tsMs: number): CandleStep {
  const clockMs = s.clockMs === null ? tsMs : Math.max(s.clockMs, tsMs);
  const done = s.open.filter((c) => clockMs > c.closeTsMs + s.graceMs);
  if (done.length === 0) return { state: clockMs === s.clockMs ? s : { ...s, clockMs }, closed: [] };
  const newest = done[done.length - 1] as OpenCandle;
  return {
    state: {
      ...s,
      clockMs,
      open: s.open.filter((c) => clockMs <= c.closeTsMs + s.graceMs),
      finalThroughMs: Math.max(s.finalThroughMs ?? newest.openTsMs, newest.openTsMs),
    },
    closed: done.map(toCandle),
  };
}

/**
 * After a gap ending at `untilMs`: open candles are dropped (they have a hole), and so is every
 * trade of a bucket at or before the one holding `untilMs`, so the next candle is a whole one.
 */
export function candlesReset(s: CandleBuilder, untilMs: number): CandleBuilder {
  const through = bucketStart(s.interval, untilMs);
  return {
    ...s,
    open: [],
    finalThroughMs: Math.max(s.finalThroughMs ?? through, through),
    clockMs: s.clockMs === null ? untilMs : Math.max(s.clockMs, untilMs),
  };
}

/** Trade order: exchange time, then tid (a repeat was dropped before, so no two are equal). */
function earlier(aTs: number, aTid: number, bTs: number, bTid: number): boolean {
  return aTs < bTs || (aTs === bTs && aTid < bTid);
}

function toCandle(c: OpenCandle): Candle {
  const { oTsMs: _o, oTid: _ot, cTsMs: _c, cTid: _ct, keys: _k, ...candle } = c;
  return candle;
}
