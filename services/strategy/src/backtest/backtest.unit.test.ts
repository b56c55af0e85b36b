import { parse, SignalEmitted } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { loadStrategies } from '../host/catalog.js';
import { createHost } from '../host/host.js';
import { trade } from '../test-support/events.js';
import { syntheticMarket } from '../test-support/market.js';
import { EXAMPLE_STRATEGIES, exampleHost } from '../test-support/strategies.js';
import { backtest } from './backtest.js';

describe('backtest', () => {
  const events = syntheticMarket({ minutes: 180 });

  it('given the same events, two runs give identical signals, fills and P&L', () => {
    const a = backtest(exampleHost(), events);
    const b = backtest(exampleHost(), events);
    expect(a.signals.length).toBeGreaterThan(2);
    expect(b.signals).toEqual(a.signals);
    expect(b.fills).toEqual(a.fills);
    expect(b.coins).toEqual(a.coins);
  });

  it('emits valid contract signals with unique ids; trend entries and reduce-only exits both fire', () => {
    const r = backtest(exampleHost(), events);
    for (const s of r.signals) parse(SignalEmitted, s);
    expect(new Set(r.signals.map((s) => s.id)).size).toBe(r.signals.length);
    expect(r.signals.some((s) => s.strategy === 'trend')).toBe(true);
    expect(r.signals.some((s) => s.strategy === 'exits' && s.reduceOnly)).toBe(true);
    expect(r.fills.length).toBeGreaterThan(0);
  });

  it('fills at the next trade of the coin and books exact P&L', () => {
    const host = createHost(
      loadStrategies({
        strategies: [{ kind: 'exits', config: { coins: { BTC: { stopLoss: '0.1' } } } }],
      }),
    );
    // no position, so nothing: P&L accounting is shown with a hand-made trend below
    expect(backtest(host, [trade('BTC', 1, '100')]).fills).toEqual([]);

    const trend = createHost(
      loadStrategies({
        strategies: [
          {
            kind: 'trend',
            config: {
              coins: { BTC: { fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, size: '2', ttlMs: 120_000 } },
            },
          },
        ],
      }),
    );
    const closes = ['10', '9', '8', '7', '12', '12.5', '13.25', '14'];
    const evs = closes.map((px, i) => trade('BTC', 60_000 * (i + 1), px));
    const r = backtest(trend, evs);
    // the cross up is decided on the trade at 12.5, and filled at the next trade, 13.25
    expect(r.fills).toEqual([
      expect.objectContaining({ side: 'buy', px: '13.25', sz: '2', signalId: r.signals[0]?.id }),
    ]);
    // marked at the last trade: 2 × (14 − 13.25)
    expect(r.coins).toEqual([{ coin: 'BTC', fills: 1, position: '2', lastPx: '14', pnl: '1.5' }]);
  });

  it('does not fill a signal whose TTL passed before the next trade', () => {
    const trend = createHost(
      loadStrategies({
        strategies: [
          {
            kind: 'trend',
            config: {
              coins: { BTC: { fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, size: '2', ttlMs: 1_000 } },
            },
          },
        ],
      }),
    );
    const evs = ['10', '9', '8', '7', '12', '12.5', '13.25'].map((px, i) =>
      trade('BTC', 60_000 * (i + 1), px),
    );
    const r = backtest(trend, evs);
    expect(r.signals).toHaveLength(1);
    expect(r.fills).toEqual([]);
    expect(r.unfilled).toEqual([{ signalId: r.signals[0]?.id, why: 'expired' }]);
  });

  it('the default example config loads', () => {
    expect(loadStrategies(EXAMPLE_STRATEGIES).map((s) => s.name)).toEqual(['trend', 'exits']);
  });
});
