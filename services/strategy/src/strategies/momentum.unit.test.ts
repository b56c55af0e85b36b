import { parse, SignalEmitted, type TradeEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { MomentumConfig, type MomentumState, momentumStrategy } from './momentum.js';
import type { StrategyEvent } from './strategy.js';

const T0 = 1_732_000_000_000;
let n = 0;
const trade = (px: string, dtMs: number, coin = 'BTC'): TradeEvent => {
  n += 1;
  return {
    type: 'trade',
    v: 1,
    net: 'sim',
    id: `trade:sim:${coin}:${T0 + dtMs}:${n}`,
    coin,
    side: 'buy',
    px,
    sz: '1',
    tid: n,
    hash: '0x0',
    exchTsMs: T0 + dtMs,
    recvTsMs: T0 + dtMs + 0.5,
  };
};

const strategy = momentumStrategy('mom');
const config = parse(MomentumConfig, {
  coins: { BTC: { threshold: '0.001', size: '0.01', cooldownMs: 1000 } },
});

function run(events: StrategyEvent[]) {
  let state: MomentumState = strategy.init(config);
  const signals = [];
  for (const e of events) {
    const d = strategy.decide(state, e, T0);
    state = d.state;
    signals.push(...d.signals);
  }
  return { state, signals };
}

describe('momentum strategy', () => {
  it('given a reference price, when a trade prints past the threshold, then it targets a position with the move', () => {
    const trigger = trade('100.2', 20);
    const { signals } = run([trade('100', 0), trade('100.05', 10), trigger]);
    expect(signals).toHaveLength(1);
    const s = parse(SignalEmitted, signals[0]);
    expect(s).toMatchObject({
      strategy: 'mom',
      coin: 'BTC',
      side: 'buy',
      targetPosition: '0.01',
      style: 'market',
    });
    // a move below the threshold does not move the reference
    expect(s.reason).toContain('rose from 100 to 100.2');
    expect(s.causes).toEqual([{ id: trigger.id, exchTsMs: trigger.exchTsMs, recvTsMs: trigger.recvTsMs }]);
  });

  it('flips on a move the other way once the cooldown has passed, and not before', () => {
    const { signals } = run([trade('100', 0), trade('100.2', 10), trade('100.0', 500), trade('99.8', 2000)]);
    expect(signals.map((s) => [s.side, s.targetPosition])).toEqual([
      ['buy', '0.01'],
      ['sell', '-0.01'],
    ]);
  });

  it('does not repeat a target it already holds', () => {
    const { signals } = run([trade('100', 0), trade('100.2', 10), trade('100.5', 5000)]);
    expect(signals).toHaveLength(1);
  });

  it('trades against the move with reversion', () => {
    const cfg = parse(MomentumConfig, { coins: { BTC: { threshold: '0.001', size: '2', reversion: true } } });
    const d = strategy.decide(
      strategy.decide(strategy.init(cfg), trade('50', 0), T0).state,
      trade('49.9', 5),
      T0,
    );
    expect(d.signals[0]).toMatchObject({ side: 'buy', targetPosition: '2' });
  });

  it('after a gap on its trades, starts again from the next trade instead of the stale reference', () => {
    const gap: StrategyEvent = {
      type: 'gap',
      v: 1,
      net: 'sim',
      id: 'g',
      instance: 'i',
      subscriptions: [{ channel: 'trades', coin: 'BTC' }],
      fromMs: T0,
      toMs: T0 + 5,
      reason: 'reconnect',
      backfilled: false,
    };
    const { signals } = run([trade('100', 0), gap, trade('105', 10), trade('105.01', 20)]);
    expect(signals).toHaveLength(0);
  });

  it('gives identical signals on replay', () => {
    const events = [trade('100', 0), trade('100.2', 10), trade('99.9', 3000), trade('100.3', 6000)];
    expect(run(events).signals).toEqual(run(events).signals);
  });
});
