import { describe, expect, it } from 'vitest';
import { planSubscriptions } from '../config/plan.js';
import { FakeRest, frames } from '../test-support/fakes.js';
import { backfill, backfillable } from './backfill.js';

const plan = planSubscriptions({
  coins: ['BTC'],
  channels: ['trades', 'l2Book', 'bbo', 'candle'],
  candleIntervals: ['1h'],
  book: { fast: false },
  ownsGlobal: true,
  staleAfterMs: 0,
});
const HOUR = 3_600_000;

describe('backfill', () => {
  it('restores trades and candles only; book and bbo recover from the next snapshot', () => {
    expect(plan.filter(backfillable).map((p) => p.channel)).toEqual(['trades', 'candle']);
  });

  it('asks candles from the start of the candle the gap began in, and keeps trades of the window', async () => {
    const rest = new FakeRest();
    const now = 10 * HOUR + 1234.5;
    rest.trades = [frames.trade('BTC', 1, 9 * HOUR), frames.trade('BTC', 2, 10 * HOUR + 5)];
    rest.candles = [frames.candle('BTC', '1h', 9 * HOUR, 10), frames.candle('BTC', '1h', 10 * HOUR, 1)];
    const r = await backfill(
      rest,
      plan.filter(backfillable),
      { fromMs: 9.5 * HOUR, toMs: 10 * HOUR + 10 },
      {
        net: 'sim',
        nowMs: () => now,
        maxWindowMs: 24 * HOUR,
      },
    );
    expect(rest.calls).toEqual(['recentTrades BTC', `candleSnapshot BTC 1h ${9 * HOUR}-${10 * HOUR + 1234}`]);
    expect(r.complete).toBe(true);
    expect(r.events.map((e) => e.id)).toEqual([
      `trade:sim:BTC:${10 * HOUR + 5}:2`,
      expect.stringMatching(/^candle:sim:BTC:1h:32400000:10:/),
      expect.stringMatching(/^candle:sim:BTC:1h:36000000:1:/),
    ]);
  });

  it('never reaches further back than the configured maximum', async () => {
    const rest = new FakeRest();
    await backfill(
      rest,
      plan.filter((p) => p.channel === 'candle'),
      { fromMs: 0, toMs: 10 * HOUR },
      {
        net: 'sim',
        nowMs: () => 10 * HOUR,
        maxWindowMs: 2 * HOUR,
      },
    );
    expect(rest.calls).toEqual([`candleSnapshot BTC 1h ${8 * HOUR}-${10 * HOUR}`]);
  });

  it('asks a 1M candle from the first of the calendar month the gap began in', async () => {
    const monthly = planSubscriptions({
      coins: ['BTC'],
      channels: ['candle'],
      candleIntervals: ['1M'],
      book: { fast: false },
      ownsGlobal: true,
      staleAfterMs: 0,
    });
    const rest = new FakeRest();
    // the gap began on the last day of the leap February 2028; a 31-day epoch multiple would have
    // started the request on 2028-02-21, after the February candle opened
    const now = Date.UTC(2028, 2, 1, 2);
    await backfill(
      rest,
      monthly,
      { fromMs: Date.UTC(2028, 1, 29, 23), toMs: now },
      { net: 'sim', nowMs: () => now, maxWindowMs: 24 * HOUR },
    );
    expect(rest.calls).toEqual([`candleSnapshot BTC 1M ${Date.UTC(2028, 1, 1)}-${now}`]);
  });

  it('reports a failed or invalid answer as incomplete and goes on with the rest', async () => {
    const rest = new FakeRest();
    rest.trades = [{ coin: 'BTC', px: 'nope' }];
    const r = await backfill(
      rest,
      plan.filter(backfillable),
      { fromMs: 0, toMs: 1 },
      {
        net: 'sim',
        nowMs: () => HOUR,
        maxWindowMs: HOUR,
      },
    );
    expect(r.complete).toBe(false);
    expect(r.problems[0]).toMatch(/^trades BTC: /);
    expect(rest.calls).toHaveLength(2);
  });
});
