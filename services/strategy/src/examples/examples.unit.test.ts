import { parse, SignalEmitted } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { backtest } from '../backtest/backtest.js';
import { loadStrategies, type StrategyModules } from '../host/catalog.js';
import { createHost } from '../host/host.js';
import { syntheticMarket } from '../test-support/market.js';
import rsi from './rsi-reversion.js';
import template from './template.js';

const modules = { './rsi-reversion.ts': rsi, './template.ts': template } as unknown as StrategyModules;
const doc = {
  strategies: [
    {
      kind: 'module',
      name: 'rsi',
      path: './rsi-reversion.ts',
      config: { coins: { BTC: { interval: '1m', rsiPeriod: 5, size: '0.02' } } },
    },
    { kind: 'module', name: 'tpl', path: './template.ts', config: { coins: { BTC: {} } } },
  ],
};

describe('user strategy modules', () => {
  it('given a document naming modules, loads them under their instance names and coins', () => {
    expect(loadStrategies(doc, modules).map((s) => [s.name, s.coins])).toEqual([
      ['rsi', ['BTC']],
      ['tpl', ['BTC']],
    ]);
  });
  it('runs the example in a backtest: valid signals, identical on two runs', () => {
    const events = syntheticMarket({ minutes: 120 });
    const a = backtest(createHost(loadStrategies(doc, modules)), events);
    const b = backtest(createHost(loadStrategies(doc, modules)), events);
    expect(a.signals.length).toBeGreaterThan(0);
    for (const s of a.signals) parse(SignalEmitted, s);
    expect(b.signals).toEqual(a.signals);
  });
  it('validates a module config with its own schema, and refuses a module not imported', () => {
    const bad = { strategies: [{ ...doc.strategies[0], config: { coins: { BTC: { rsiPeriod: 5 } } } }] };
    expect(() => loadStrategies(bad, modules)).toThrow(/config of strategy rsi/);
    expect(() => loadStrategies(doc, {})).toThrow(/was not imported/);
  });
});
