import { formatDecimal } from './decimal.js';

export const CANDLE_INTERVALS = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

const MINUTE = 60_000;
const FIXED_MS: Record<Exclude<CandleInterval, '1M'>, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1440 * MINUTE,
  '3d': 3 * 1440 * MINUTE,
  '1w': 7 * 1440 * MINUTE,
};

export function isCandleInterval(s: unknown): s is CandleInterval {
  return typeof s === 'string' && (CANDLE_INTERVALS as readonly string[]).includes(s);
}

/** [open, close] ms of the bucket holding `time`; close is open + span − 1 like the venue's `T`. */
export function bucketOf(time: number, interval: CandleInterval): [number, number] {
  if (interval === '1M') {
    // calendar month in UTC; Date here is pure arithmetic on a given instant, not a clock read
    const d = new Date(time);
    const open = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    return [open, next - 1];
  }
  const span = FIXED_MS[interval];
  const open = Math.floor(time / span) * span;
  return [open, open + span - 1];
}

interface Bucket {
  t: number;
  T: number;
  o: bigint;
  c: bigint;
  h: bigint;
  l: bigint;
  v: bigint;
  n: number;
}

/** Candle wire shape: o/c/h/l/v are strings, like the venue's candleSnapshot and WS candle. */
export interface CandleWire {
  t: number;
  T: number;
  s: string;
  i: CandleInterval;
  o: string;
  c: string;
  h: string;
  l: string;
  v: string;
  n: number;
}

const MAX_CANDLES = 5000; // venue: only the most recent 5000 candles are available

/** Candles of every interval for every coin, folded from trades as they print. */
export class CandleStore {
  private readonly series = new Map<string, Bucket[]>();

  record(coin: string, time: number, px: bigint, sz: bigint): void {
    for (const interval of CANDLE_INTERVALS) {
      const key = `${coin}|${interval}`;
      let list = this.series.get(key);
      if (!list) {
        list = [];
        this.series.set(key, list);
      }
      const [t, T] = bucketOf(time, interval);
      const last = list[list.length - 1];
      if (last && last.t === t) {
        last.c = px;
        if (px > last.h) last.h = px;
        if (px < last.l) last.l = px;
        last.v += sz;
        last.n += 1;
      } else {
        list.push({ t, T, o: px, c: px, h: px, l: px, v: sz, n: 1 });
        if (list.length > MAX_CANDLES) list.shift();
      }
    }
  }

  latest(coin: string, interval: CandleInterval): CandleWire | undefined {
    const b = this.series.get(`${coin}|${interval}`)?.at(-1);
    return b ? toWire(coin, interval, b) : undefined;
  }

  range(coin: string, interval: CandleInterval, startTime: number, endTime: number): CandleWire[] {
    const list = this.series.get(`${coin}|${interval}`) ?? [];
    return list.filter((b) => b.T >= startTime && b.t <= endTime).map((b) => toWire(coin, interval, b));
  }
}

function toWire(coin: string, interval: CandleInterval, b: Bucket): CandleWire {
  return {
    t: b.t,
    T: b.T,
    s: coin,
    i: interval,
    o: formatDecimal(b.o, 1),
    c: formatDecimal(b.c, 1),
    h: formatDecimal(b.h, 1),
    l: formatDecimal(b.l, 1),
    v: formatDecimal(b.v, 1),
    n: b.n,
  };
}
