import type { StrategyEvent } from '../strategies/strategy.js';
import { bbo, gap, trade } from './events.js';

export interface MarketOptions {
  readonly coin?: string;
  readonly startMs?: number;
  readonly minutes?: number;
  readonly tradesPerMinute?: number;
  /** minute after which a gap marker (1 minute wide) is inserted */
  readonly gapAtMinute?: number;
  readonly seed?: number;
}

/**
 * A deterministic synthetic market: trades (and a bbo after each) whose price swings in long
 * waves, so EMA crossovers, stops and trailing stops all happen. Prices are whole cents.
 */
export function syntheticMarket(o: MarketOptions = {}): StrategyEvent[] {
  const coin = o.coin ?? 'BTC';
  const start = o.startMs ?? 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
  const minutes = o.minutes ?? 120;
  const per = o.tradesPerMinute ?? 6;
  let rnd = o.seed ?? 42;
  const next = () => {
    rnd = (rnd * 1_103_515_245 + 12_345) % 2_147_483_648;
    return rnd / 2_147_483_648;
  };
  const events: StrategyEvent[] = [];
  for (let m = 0; m < minutes; m++) {
    for (let k = 0; k < per; k++) {
      const t = start + m * 60_000 + Math.floor((k * 60_000) / per) + Math.floor(next() * 1_000);
      const wave = Math.sin((2 * Math.PI * (m * per + k)) / (per * 40));
      const cents = Math.round(10_000_00 + wave * 30_000 + (next() - 0.5) * 2_000);
      const px = fmtCents(cents);
      events.push(trade(coin, t, px, { sz: '0.01', tid: m * per + k, side: next() < 0.5 ? 'buy' : 'sell' }));
      events.push(bbo(coin, t + 1, fmtCents(cents - 1), fmtCents(cents + 1)));
    }
    if (o.gapAtMinute === m)
      events.push(gap(coin, start + m * 60_000 + 59_000, start + (m + 1) * 60_000 + 30_000));
  }
  return events;
}

const fmtCents = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
