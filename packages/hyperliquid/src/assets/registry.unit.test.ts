import { loadFixture } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { Meta, MetaAndAssetCtxs, SpotMeta } from '../http/schemas.js';
import {
  AssetRegistry,
  AssetRegistryError,
  builderPerpAssetId,
  classifyAssetId,
  spotAssetId,
  UnknownAssetError,
} from './registry.js';
import { roundPrice, roundSize } from './rules.js';

const response = (name: string) =>
  loadFixture<{ response: unknown }>(new URL(`../http/fixtures/${name}.json`, import.meta.url)).response;
const meta = Meta.parse(response('meta'));
const spotMeta = SpotMeta.parse(response('doc-spotMeta'));
const testDex = Meta.parse(response('doc-meta-test-dex'));

describe('AssetRegistry', () => {
  const reg = new AssetRegistry({
    meta,
    spotMeta,
    builderDexs: [{ dex: 'test', perpDexIndex: 1, meta: testDex }],
  });

  it('perp asset id = index in meta.universe', () => {
    expect(reg.get('BTC')).toMatchObject({
      assetId: 0,
      kind: 'perp',
      priceMarket: 'perp',
      szDecimals: 5,
      maxLeverage: 50,
    });
    expect(reg.assetId('ETH')).toBe(1);
    expect(reg.assetId('APT')).toBe(27);
    expect(reg.coin(15)).toBe('kPEPE');
  });

  it('spot asset id = 10000 + pair index; lot from the base token; "@N" and PURR/USDC names', () => {
    expect(reg.get('PURR/USDC')).toMatchObject({
      assetId: 10000,
      kind: 'spot',
      szDecimals: 0,
      pairName: 'PURR/USDC',
    });
    expect(reg.get('@107')).toMatchObject({
      assetId: 10107,
      szDecimals: 2,
      priceMarket: 'spot',
      pairName: 'HYPE/USDC',
    });
    expect(reg.get('@1').assetId).toBe(10001);
    // aliases resolve to the venue coin name
    expect(reg.get('HYPE/USDC').coin).toBe('@107');
    expect(reg.get('@0').coin).toBe('PURR/USDC');
    expect(reg.coin(10107)).toBe('@107');
    expect(spotAssetId(1035)).toBe(11035);
  });

  it('builder perp id = 100000 + dex index × 10000 + index (testnet test:ABC = 110000)', () => {
    expect(reg.get('test:ABC')).toMatchObject({
      assetId: 110000,
      kind: 'builderPerp',
      priceMarket: 'perp',
      dex: 'test',
    });
    expect(reg.get('test:DEF').assetId).toBe(110001);
    expect(builderPerpAssetId(2, 5)).toBe(120005);
    expect(() => builderPerpAssetId(0, 1)).toThrow(AssetRegistryError);
    // a builder meta without the dex prefix still gets "{dex}:{coin}"
    const bare = new AssetRegistry({
      meta: { universe: [] },
      builderDexs: [
        {
          dex: 'xyz',
          perpDexIndex: 2,
          meta: { universe: [{ name: 'XYZ100', szDecimals: 4, maxLeverage: 20 }] },
        },
      ],
    });
    expect(bare.get('xyz:XYZ100').assetId).toBe(120000);
  });

  it('keeps delisted coins so indices stay stable', () => {
    const [m] = MetaAndAssetCtxs.parse(response('doc-metaAndAssetCtxs'));
    const r = new AssetRegistry({ meta: m });
    expect(r.get('MATIC')).toMatchObject({ assetId: 3, isDelisted: true });
    expect(r.size).toBe(4);
  });

  it('unknown coins and ids are typed errors (the cue to refresh)', () => {
    expect(() => reg.get('NOPE')).toThrow(UnknownAssetError);
    expect(() => reg.get('NOPE')).toThrow(
      'unknown asset "NOPE": not in the asset registry (refresh meta/spotMeta)',
    );
    expect(() => reg.getById(99999)).toThrow(UnknownAssetError);
    expect(reg.find('NOPE')).toBeUndefined();
  });

  it('refuses metadata that would give two assets one name or one id', () => {
    expect(() => new AssetRegistry({ meta: { universe: [meta.universe[0]!, meta.universe[0]!] } })).toThrow(
      /appears twice/,
    );
    expect(
      () =>
        new AssetRegistry({
          meta,
          spotMeta: {
            tokens: spotMeta.tokens,
            universe: [{ name: '@9', tokens: [1, 77], index: 9, isCanonical: false }],
          },
        }),
    ).toThrow(/unknown token 77/);
  });

  it('drives the rounding rules with the right lot and market', () => {
    const btc = reg.get('BTC');
    expect(roundSize('0.0123456', btc.szDecimals)).toBe('0.01234');
    expect(roundPrice('69997.5', btc.szDecimals, btc.priceMarket, 'down')).toBe('69997');
    const hype = reg.get('@107');
    expect(roundPrice('38.51234', hype.szDecimals, hype.priceMarket, 'down')).toBe('38.512');
    const purr = reg.get('PURR/USDC');
    expect(roundPrice('0.000123456', purr.szDecimals, purr.priceMarket, 'down')).toBe('0.00012345');
  });
});

describe('classifyAssetId', () => {
  it('given ids on each side of every range boundary, when classified, then outcomes come before builder perps before spot', () => {
    expect(classifyAssetId(0)).toEqual({ kind: 'perp', index: 0 });
    expect(classifyAssetId(9_999)).toEqual({ kind: 'perp', index: 9_999 });
    expect(classifyAssetId(10_000)).toEqual({ kind: 'spot', spotIndex: 0 });
    expect(classifyAssetId(99_999)).toEqual({ kind: 'spot', spotIndex: 89_999 });
    expect(classifyAssetId(110_000)).toEqual({ kind: 'builderPerp', perpDexIndex: 1, index: 0 });
    expect(classifyAssetId(119_999)).toEqual({ kind: 'builderPerp', perpDexIndex: 1, index: 9_999 });
    expect(classifyAssetId(120_000)).toEqual({ kind: 'builderPerp', perpDexIndex: 2, index: 0 });
    expect(classifyAssetId(99_999_999)).toEqual({ kind: 'builderPerp', perpDexIndex: 9_989, index: 9_999 });
    expect(classifyAssetId(100_000_000)).toEqual({ kind: 'outcome', outcome: 0, side: 0 });
    expect(classifyAssetId(100_000_001)).toEqual({ kind: 'outcome', outcome: 0, side: 1 });
    expect(classifyAssetId(100_000_010)).toEqual({ kind: 'outcome', outcome: 1, side: 0 });
    expect(classifyAssetId(100_012_341)).toEqual({ kind: 'outcome', outcome: 1_234, side: 1 });
  });

  it('given ids no market can have, when classified, then it throws naming the id', () => {
    for (const bad of [-1, 1.5, Number.NaN, 100_000, 109_999]) {
      expect(() => classifyAssetId(bad)).toThrow(AssetRegistryError);
    }
    expect(() => classifyAssetId(105_000)).toThrow(/105000/);
  });

  it('given a builder dex meta, when the registry is built, then "dex:COIN" resolves both ways and ids are checked by range', () => {
    const r = new AssetRegistry({
      meta: { universe: [{ name: 'BTC', szDecimals: 5, maxLeverage: 40 }] },
      builderDexs: [
        {
          dex: 'xyz',
          perpDexIndex: 1,
          meta: { universe: [{ name: 'xyz:XYZ100', szDecimals: 4, maxLeverage: 20 }] },
        },
        {
          dex: 'flx',
          perpDexIndex: 2,
          meta: { universe: [{ name: 'flx:GOLD', szDecimals: 2, maxLeverage: 10 }] },
        },
      ],
    });
    expect(r.assetId('xyz:XYZ100')).toBe(110_000);
    expect(r.coin(120_000)).toBe('flx:GOLD');
    expect(r.get('flx:GOLD')).toMatchObject({ kind: 'builderPerp', dex: 'flx', szDecimals: 2 });
    expect(() => r.getById(100_000_001)).toThrow(UnknownAssetError);
  });
});
