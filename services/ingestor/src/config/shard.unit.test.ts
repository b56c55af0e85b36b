import { describe, expect, it } from 'vitest';
import { shardCoins, shardOf } from './shard.js';

const coins = Array.from({ length: 200 }, (_, i) => `COIN${i}`).concat([
  'BTC',
  'ETH',
  '@107',
  'PURR/USDC',
  'xyz:XYZ100',
]);

describe('shardCoins', () => {
  it('given N replicas, then every coin is ingested by exactly one of them', () => {
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) => shardCoins(coins, i, count));
      const all = shards.flat();
      expect(all.length).toBe(coins.length);
      expect(new Set(all)).toEqual(new Set(coins));
    }
  });

  it('is deterministic and spreads coins roughly evenly', () => {
    expect(shardCoins(coins, 1, 3)).toEqual(shardCoins([...coins], 1, 3));
    const sizes = [0, 1, 2, 3].map((i) => shardCoins(coins, i, 4).length);
    for (const n of sizes) expect(n).toBeGreaterThan(coins.length / 4 / 2);
  });

  it('keeps a coin on its replica when other coins are listed or delisted', () => {
    const before = shardOf('BTC', 5);
    expect(shardCoins(['NEW1', 'BTC', 'NEW2'], before, 5)).toContain('BTC');
    expect(shardCoins(['BTC'], before, 5)).toEqual(['BTC']);
  });

  it('drops duplicates and refuses a bad index', () => {
    expect(shardCoins(['BTC', 'BTC'], 0, 1)).toEqual(['BTC']);
    expect(() => shardCoins(coins, 3, 3)).toThrow(RangeError);
    expect(() => shardOf('BTC', 0)).toThrow(RangeError);
  });
});
