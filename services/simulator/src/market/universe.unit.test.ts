import { describe, expect, it } from 'vitest';
import { SimulatorConfig } from '../config.js';
import { DEFAULT_UNIVERSE, marketsOf, Universe, withSyntheticPerps } from './universe.js';

describe('withSyntheticPerps', () => {
  it('given n = 0, when applied, then the universe is unchanged', () => {
    expect(withSyntheticPerps(DEFAULT_UNIVERSE, 0)).toBe(DEFAULT_UNIVERSE);
  });

  it('given n = 200, when applied, then 200 valid perps SYN0..SYN199 follow the default ones', () => {
    const u = Universe.parse(withSyntheticPerps(DEFAULT_UNIVERSE, 200));
    expect(u.perps).toHaveLength(DEFAULT_UNIVERSE.perps.length + 200);
    expect(u.perps.slice(0, 3)).toEqual(DEFAULT_UNIVERSE.perps);
    const markets = marketsOf(u);
    const syn = markets.filter((m) => m.coin.startsWith('SYN'));
    expect(syn.map((m) => m.coin)).toContain('SYN199');
    expect(new Set(markets.map((m) => m.asset)).size).toBe(markets.length);
    expect(syn.every((m) => m.kind === 'perp' && Number(m.initialPx) > 0)).toBe(true);
  });

  it('given SIM_SYNTHETIC_PERPS, when the config is parsed, then it is a count (default 0)', () => {
    expect(SimulatorConfig.parse({}).SIM_SYNTHETIC_PERPS).toBe(0);
    expect(SimulatorConfig.parse({ SIM_SYNTHETIC_PERPS: '200' }).SIM_SYNTHETIC_PERPS).toBe(200);
    expect(SimulatorConfig.safeParse({ SIM_SYNTHETIC_PERPS: '-1' }).success).toBe(false);
  });
});
