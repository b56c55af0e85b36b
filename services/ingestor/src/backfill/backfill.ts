import { candleOpenTime, type MarketEvent, type Net } from '@hyperflow/contracts';
import { parseCandles, parseTrades } from '@hyperflow/hyperliquid';
import type { PlannedSubscription } from '../config/plan.js';
import type { RestSource } from './rest.js';

export interface GapWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface BackfillResult {
  readonly events: readonly MarketEvent[];
  /** every request answered and validated */
  readonly complete: boolean;
  readonly problems: readonly string[];
}

export interface BackfillContext {
  readonly net: Net;
  /** the time the answers are stamped as received */
  readonly nowMs: () => number;
  /** never reach further back than this before now */
  readonly maxWindowMs: number;
}

/** Subscriptions a REST backfill can restore. venue: book and bbo recover from the next snapshot. */
export function backfillable(sub: PlannedSubscription): boolean {
  return sub.channel === 'trades' || sub.channel === 'candle';
}

/**
 * Fetches the trades and candles a gap may have hidden: `recentTrades` (the venue's most recent
 * trades only, so a long gap is covered as far as the venue still answers) and `candleSnapshot`
 * from the start of the candle the gap began in. Returns events in request order; ids make every
 * overlap with what the live feed already sent a duplicate the stream drops.
 */
export async function backfill(
  rest: RestSource,
  subs: readonly PlannedSubscription[],
  window: GapWindow,
  ctx: BackfillContext,
): Promise<BackfillResult> {
  const events: MarketEvent[] = [];
  const problems: string[] = [];
  // venue: candleSnapshot times are integer ms
  const now = Math.floor(ctx.nowMs());
  const fromMs = Math.max(window.fromMs, now - ctx.maxWindowMs, 0);
  for (const sub of subs) {
    const coin = sub.coin;
    if (coin === undefined) continue;
    try {
      if (sub.channel === 'trades') {
        const answer = await rest.recentTrades(coin);
        for (const t of parseTrades(answer, { net: ctx.net, recvTsMs: ctx.nowMs() })) {
          if (t.exchTsMs >= fromMs) events.push(t);
        }
      } else if (sub.channel === 'candle' && sub.interval !== undefined) {
        const startTime = candleOpenTime(sub.interval, fromMs);
        const answer = await rest.candleSnapshot({ coin, interval: sub.interval, startTime, endTime: now });
        events.push(...parseCandles(answer, { net: ctx.net, recvTsMs: ctx.nowMs() }));
      }
    } catch (err) {
      problems.push(
        `${sub.channel} ${coin}${sub.interval ? ` ${sub.interval}` : ''}: ${(err as Error).message}`,
      );
    }
  }
  return { events, complete: problems.length === 0, problems };
}
