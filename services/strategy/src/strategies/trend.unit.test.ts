import type { SignalEmitted } from '@hyperflow/contracts';
import { parse, SignalEmitted as SignalSchema } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { gap, position, trade } from '../test-support/events.js';
import type { StrategyEvent } from './strategy.js';
import { TrendConfig, type TrendState, trendStrategy } from './trend.js';

const MIN = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);
const trend = trendStrategy('trend');

function config(over: Record<string, unknown> = {}): TrendConfig {
  return parse(TrendConfig, {
    coins: { BTC: { interval: '1m', fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, size: '1.5', ...over } },
  });
}

/** one trade per minute at each close; candle i closes on the trade of minute i+1 */
const minutes = (closes: readonly string[], from = 0): StrategyEvent[] =>
  closes.map((px, i) => trade('BTC', T0 + (from + i) * MIN, px));

function run(cfg: TrendConfig, events: readonly StrategyEvent[], state?: TrendState) {
  let s = state ?? trend.init(cfg);
  const signals: SignalEmitted[] = [];
  for (const e of events) {
    const r = trend.decide(s, e, e.type === 'trade' ? e.recvTsMs : 0);
    s = r.state;
    signals.push(...r.signals);
  }
  return { state: s, signals };
}

// closes 10 9 8 7 → fast EMA2 below slow EMA3 (trend down, warm at candle 3, no cross yet);
// close 12 → EMA2 10.5 > EMA3 10: a cross up, seen when the trade of the next minute closes it
const DOWN_THEN_UP = ['10', '9', '8', '7', '12', '12.5'];

describe('trend strategy', () => {
  it('given a warm down trend, when the fast EMA crosses above the slow, then targets +size', () => {
    const { signals } = run(config(), minutes(DOWN_THEN_UP));
    expect(signals).toHaveLength(1);
    const s = parse(SignalSchema, signals[0]);
    const trigger = trade('BTC', T0 + 5 * MIN, '12.5');
    expect(s).toMatchObject({
      strategy: 'trend',
      coin: 'BTC',
      side: 'buy',
      targetPosition: '1.5',
      style: 'market',
      reduceOnly: false,
      ttlMs: 30_000,
      createdAtMs: trigger.recvTsMs,
      id: `trend:BTC:${trigger.id}:c${T0 + 4 * MIN}`,
    });
    expect(s.size).toBeUndefined();
    expect(s.causes.map((c) => c.id)).toEqual([trigger.id, trade('BTC', T0 + 4 * MIN, '12').id]);
    expect(s.reason).toContain('crossed above');
  });

  it('given a cross down later, targets -size (a flip), or flat when shorts are off', () => {
    const evs = minutes([...DOWN_THEN_UP, '5', '4']);
    expect(run(config(), evs).signals.map((s) => [s.side, s.targetPosition, s.reduceOnly])).toEqual([
      ['buy', '1.5', false],
      ['sell', '-1.5', false],
    ]);
    // without shorts the cross down only flattens, and only a position we know of (account events)
    const filled = [...evs.slice(0, 6), position('BTC', T0 + 5 * MIN, '1.5', '12.5'), ...evs.slice(6)];
    expect(run(config({ allowShort: false }), evs).signals.map((s) => s.targetPosition)).toEqual(['1.5']);
    expect(
      run(config({ allowShort: false }), filled).signals.map((s) => [s.side, s.targetPosition, s.reduceOnly]),
    ).toEqual([
      ['buy', '1.5', false],
      ['sell', '0', true],
    ]);
  });

  it('given fewer candles than the slow period, emits nothing (not warm)', () => {
    expect(run(config(), minutes(['10', '12', '13'])).signals).toEqual([]);
  });

  it('given the position already at the target, emits no duplicate entry', () => {
    const evs = [position('BTC', T0, '1.5', '9'), ...minutes(DOWN_THEN_UP)];
    expect(run(config(), evs).signals).toEqual([]);
  });

  it('given volatility below the floor, does not enter, but flattens a position against the cross', () => {
    // ATR/close at the cross is 2.875/12 ≈ 0.24
    expect(run(config({ minAtrRatio: 0.3 }), minutes(DOWN_THEN_UP)).signals).toEqual([]);
    const short = [position('BTC', T0, '-1.5', '11'), ...minutes(DOWN_THEN_UP)];
    const { signals } = run(config({ minAtrRatio: 0.3 }), short);
    expect(signals.map((s) => [s.side, s.targetPosition, s.reduceOnly])).toEqual([['buy', '0', true]]);
    expect(run(config({ minAtrRatio: 0.2 }), minutes(DOWN_THEN_UP)).signals).toHaveLength(1);
  });

  it('given a gap before the cross, goes cold and emits no signal on data with a hole', () => {
    const before = minutes(DOWN_THEN_UP.slice(0, 4)); // warm, trend down
    const hole = gap('BTC', T0 + 3 * MIN + 10, T0 + 4 * MIN + 5);
    const after = minutes(DOWN_THEN_UP.slice(4), 4);
    const { signals, state } = run(config(), [...before, hole, ...after]);
    expect(signals).toEqual([]);
    expect(state.coins.BTC?.trend).toBeNull();
    expect(state.coins.BTC?.slow.count).toBe(0);
  });

  it('after a gap, re-warms on fresh candles and then trades again', () => {
    const hole = gap(undefined, T0 + 3 * MIN + 10, T0 + 3 * MIN + 20); // all coins
    const evs = [
      ...minutes(DOWN_THEN_UP.slice(0, 4)),
      hole,
      ...minutes(['10', '9', '8', '7', '12', '12.5'], 4),
    ];
    const { signals } = run(config(), evs);
    expect(signals.map((s) => s.targetPosition)).toEqual(['1.5']);
    expect(signals[0]?.causes[0]?.exchTsMs).toBe(T0 + 9 * MIN);
  });

  it('ignores gaps of other coins and channels', () => {
    const evs = [
      ...minutes(DOWN_THEN_UP.slice(0, 4)),
      gap('ETH', T0, T0 + 4 * MIN),
      gap('BTC', T0, T0 + 4 * MIN, 'l2Book'),
      ...minutes(DOWN_THEN_UP.slice(4), 4),
    ];
    expect(run(config(), evs).signals).toHaveLength(1);
  });

  it('prices limit signals at the triggering trade, verbatim', () => {
    const { signals } = run(config({ style: 'limit' }), minutes(DOWN_THEN_UP));
    expect(signals[0]).toMatchObject({ style: 'limit', limitPx: '12.5' });
  });

  it('is deterministic: the same events give identical signals', () => {
    const evs = minutes([...DOWN_THEN_UP, '5', '4', '9', '14', '15']);
    expect(run(config(), evs).signals).toEqual(run(config(), evs).signals);
  });

  it('rejects a fast period not below the slow one', () => {
    expect(() => config({ fastPeriod: 3 })).toThrow(/fastPeriod/);
  });
});
