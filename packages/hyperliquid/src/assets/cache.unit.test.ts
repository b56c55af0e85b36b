import { loadFixture } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { Meta, PerpDexs, SpotMeta } from '../http/schemas.js';
import { type AssetMetaSource, AssetRegistryCache, loadAssetRegistry } from './cache.js';
import { AssetRegistry, UnknownAssetError } from './registry.js';

const response = (name: string) =>
  loadFixture<{ response: unknown }>(new URL(`../http/fixtures/${name}.json`, import.meta.url)).response;

/** An in-memory meta source that counts calls, like the InfoClient methods it stands in for. */
function source() {
  const calls: string[] = [];
  const info: AssetMetaSource = {
    meta: async (dex?: string) => {
      calls.push(`meta:${dex ?? ''}`);
      return Meta.parse(response(dex === undefined ? 'meta' : 'doc-meta-test-dex'));
    },
    spotMeta: async () => {
      calls.push('spotMeta');
      return SpotMeta.parse(response('doc-spotMeta'));
    },
    perpDexs: async () => {
      calls.push('perpDexs');
      return PerpDexs.parse(response('doc-perpDexs'));
    },
  };
  return { info, calls };
}

describe('loadAssetRegistry', () => {
  it('loads perps and spot by default, builder dexes on request', async () => {
    const s = source();
    const reg = await loadAssetRegistry(s.info);
    expect(reg.get('@107').assetId).toBe(10107);
    expect(reg.find('test:ABC')).toBeUndefined();
    expect(s.calls.sort()).toEqual(['meta:', 'spotMeta']);

    const withDex = await loadAssetRegistry(s.info, { spot: false, builderDexs: ['test'] });
    expect(withDex.get('test:ABC').assetId).toBe(110000);
    expect(withDex.find('@107')).toBeUndefined();
    await expect(loadAssetRegistry(s.info, { builderDexs: ['nope'] })).rejects.toThrow(/no dex named nope/);
  });
});

describe('AssetRegistryCache', () => {
  it('refreshes once for concurrent callers and on an unknown coin, rate-limited', async () => {
    let loads = 0;
    let universe = [{ name: 'BTC', szDecimals: 5, maxLeverage: 50 }];
    let now = 0;
    const cache = new AssetRegistryCache(
      async () => {
        loads += 1;
        return new AssetRegistry({ meta: { universe } });
      },
      { now: () => now, minUnknownRefreshGapMs: 1000 },
    );
    expect(() => cache.current()).toThrow(/not loaded/);
    await Promise.all([cache.refresh(), cache.refresh()]);
    expect(loads).toBe(1);

    // a newly listed coin appears after one refresh
    universe = [...universe, { name: 'NEW', szDecimals: 1, maxLeverage: 3 }];
    expect((await cache.resolve('NEW')).assetId).toBe(1);
    expect(loads).toBe(2);
    // known coins never trigger a load
    await cache.resolve('BTC');
    expect(loads).toBe(2);
    // a typo cannot become a meta request per order
    now = 500;
    await expect(cache.resolve('TYPO')).rejects.toBeInstanceOf(UnknownAssetError);
    await expect(cache.resolve('TYPO')).rejects.toBeInstanceOf(UnknownAssetError);
    expect(loads).toBe(2);
    now = 2000;
    await expect(cache.resolve('TYPO')).rejects.toBeInstanceOf(UnknownAssetError);
    expect(loads).toBe(3);
  });

  it('keeps the previous registry when a refresh fails', async () => {
    let fail = false;
    const cache = new AssetRegistryCache(async () => {
      if (fail) throw new Error('HTTP 429');
      return new AssetRegistry({ meta: { universe: [{ name: 'BTC', szDecimals: 5, maxLeverage: 50 }] } });
    });
    await cache.refresh();
    fail = true;
    await expect(cache.refresh()).rejects.toThrow('HTTP 429');
    expect(cache.current().get('BTC').assetId).toBe(0);
    cache.start();
    cache.stop();
  });
});
