import { describe, expect, it } from 'vitest';
import { Engine } from '../matching/engine.js';
import { MarketGenerator } from './generator.js';
import { DEFAULT_UNIVERSE, marketsOf } from './universe.js';

const T = 1_760_000_000_000;

function run(seed: number, ticks: number): string {
  const markets = marketsOf(DEFAULT_UNIVERSE);
  const engine = new Engine({ markets });
  const gen = new MarketGenerator(markets, { seed });
  const out: unknown[] = [];
  for (let i = 0; i < ticks; i++) {
    gen.step(engine, T + i * 100);
    out.push(engine.drainEvents(), engine.book('BTC')?.levels(20));
  }
  return JSON.stringify(out);
}

describe('MarketGenerator', () => {
  it('given the same seed, when run twice, then books and trades are byte-identical', () => {
    expect(run(42, 200)).toBe(run(42, 200));
  });

  it('given another seed, when run, then the market differs', () => {
    expect(run(42, 50)).not.toBe(run(43, 50));
  });

  it('given some ticks, when inspecting the books, then both sides hold 20+ levels and trades print', () => {
    const markets = marketsOf(DEFAULT_UNIVERSE);
    const engine = new Engine({ markets });
    const gen = new MarketGenerator(markets, { seed: 1 });
    let trades = 0;
    for (let i = 0; i < 100; i++) {
      gen.step(engine, T + i * 100);
      trades += engine.drainEvents().filter((e) => e.type === 'tradePrinted').length;
    }
    for (const m of markets) {
      const [bids, asks] = engine.book(m.coin)?.levels(20) ?? [[], []];
      expect(bids).toHaveLength(20);
      expect(asks).toHaveLength(20);
      expect(Number(bids[0]?.px)).toBeLessThan(Number(asks[0]?.px));
    }
    expect(trades).toBeGreaterThan(20);
  });
});
