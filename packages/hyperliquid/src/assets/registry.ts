import { HyperliquidError } from '../errors.js';
import type { Meta, SpotMeta } from '../http/schemas.js';
import type { PriceMarket } from './rules.js';

/** A coin or asset id the registry does not know (refresh the registry, then retry once). */
export class UnknownAssetError extends HyperliquidError {
  override name = 'UnknownAssetError';
  constructor(readonly key: string | number) {
    super(`unknown asset ${JSON.stringify(key)}: not in the asset registry (refresh meta/spotMeta)`);
  }
}

/** Metadata that would give two assets one id or one name (corrupt meta, or two dexes mixed up). */
export class AssetRegistryError extends HyperliquidError {
  override name = 'AssetRegistryError';
}

// venue: spot asset id = 10000 + spotMeta.universe[i].index (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/asset-ids)
export const SPOT_ASSET_OFFSET = 10_000;
// venue: builder perp asset id = 100000 + perp_dex_index × 10000 + index in that dex's meta (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/asset-ids)
export const BUILDER_PERP_ASSET_OFFSET = 100_000;
export const BUILDER_PERP_DEX_STRIDE = 10_000;

// venue HIP-4: outcome asset id = 100_000_000 + 10 × outcome + side (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/asset-ids)
export const OUTCOME_ASSET_OFFSET = 100_000_000;
export const OUTCOME_SIDE_STRIDE = 10;

export type AssetKind = 'perp' | 'spot' | 'builderPerp';

/** What an asset id's range says it is, without any metadata. */
export type AssetIdClass =
  | { readonly kind: 'outcome'; readonly outcome: number; readonly side: number }
  | { readonly kind: 'builderPerp'; readonly perpDexIndex: number; readonly index: number }
  | { readonly kind: 'spot'; readonly spotIndex: number }
  | { readonly kind: 'perp'; readonly index: number };

/**
 * Classifies an asset id by range, widest offset first: HIP-4 outcomes (≥ 100_000_000) before
 * HIP-3 builder perps (≥ 110_000) before spot (≥ 10_000), so an outcome or builder id is never read
 * as spot (the Python SDK's `asset >= 10000` bug, venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/tick-and-lot-size). Throws on ids no market can have:
 * negatives, non-integers, and 100_000–109_999 (a builder dex index of 0, which is the first dex).
 */
export function classifyAssetId(assetId: number): AssetIdClass {
  if (!Number.isSafeInteger(assetId) || assetId < 0)
    throw new AssetRegistryError(`asset id ${assetId}: not a non-negative integer`);
  if (assetId >= OUTCOME_ASSET_OFFSET) {
    const n = assetId - OUTCOME_ASSET_OFFSET;
    return { kind: 'outcome', outcome: Math.floor(n / OUTCOME_SIDE_STRIDE), side: n % OUTCOME_SIDE_STRIDE };
  }
  if (assetId >= BUILDER_PERP_ASSET_OFFSET) {
    const n = assetId - BUILDER_PERP_ASSET_OFFSET;
    const perpDexIndex = Math.floor(n / BUILDER_PERP_DEX_STRIDE);
    if (perpDexIndex < 1)
      throw new AssetRegistryError(`asset id ${assetId}: builder perp dex index 0 is the first perp dex`);
    return { kind: 'builderPerp', perpDexIndex, index: n % BUILDER_PERP_DEX_STRIDE };
  }
  if (assetId >= SPOT_ASSET_OFFSET) return { kind: 'spot', spotIndex: assetId - SPOT_ASSET_OFFSET };
  return { kind: 'perp', index: assetId };
}

export interface AssetInfo {
  /** the venue's coin name, as in subscriptions and events: `BTC`, `@107`, `PURR/USDC`, `xyz:XYZ100` */
  readonly coin: string;
  /** the `a` / `asset` field of exchange actions */
  readonly assetId: number;
  readonly kind: AssetKind;
  /** the price rule this asset follows (builder perps use the perp rule) */
  readonly priceMarket: PriceMarket;
  /** lot: sizes have at most this many decimals (spot: the base token's) */
  readonly szDecimals: number;
  /** index in its universe (perp meta index, or spot pair `index`) */
  readonly index: number;
  /** builder perp dex name; undefined for the first perp dex and spot */
  readonly dex?: string;
  readonly maxLeverage?: number;
  readonly isDelisted?: boolean;
  /** spot only: `BASE/QUOTE` from token names (e.g. `HYPE/USDC` for `@107`) */
  readonly pairName?: string;
}

export function perpAssetId(index: number): number {
  return index;
}
export function spotAssetId(spotIndex: number): number {
  return SPOT_ASSET_OFFSET + spotIndex;
}
export function builderPerpAssetId(perpDexIndex: number, index: number): number {
  if (perpDexIndex < 1)
    throw new AssetRegistryError(`builder perp dex index must be ≥ 1, got ${perpDexIndex}`);
  if (index >= BUILDER_PERP_DEX_STRIDE) throw new AssetRegistryError(`builder perp index ${index} ≥ 10000`);
  return BUILDER_PERP_ASSET_OFFSET + perpDexIndex * BUILDER_PERP_DEX_STRIDE + index;
}

/** One builder-deployed perp dex: its position in `perpDexs` (index 0 is the first dex) and its `meta`. */
export interface BuilderDexMeta {
  readonly dex: string;
  readonly perpDexIndex: number;
  readonly meta: Meta;
}

export interface AssetRegistrySource {
  readonly meta: Meta;
  readonly spotMeta?: SpotMeta;
  readonly builderDexs?: readonly BuilderDexMeta[];
}

/**
 * Coin ↔ asset id and lot sizes, built from `meta`, `spotMeta` and builder dex metas. Immutable:
 * refreshing builds a new one (from a timer or after an unknown-asset error, never per order).
 */
export class AssetRegistry {
  readonly #byCoin = new Map<string, AssetInfo>();
  readonly #byId = new Map<number, AssetInfo>();
  /** aliases (`HYPE/USDC` → `@107`); never shadow a real coin name */
  readonly #aliases = new Map<string, AssetInfo>();

  constructor(source: AssetRegistrySource) {
    source.meta.universe.forEach((u, i) => {
      this.#add({
        coin: u.name,
        assetId: perpAssetId(i),
        kind: 'perp',
        priceMarket: 'perp',
        szDecimals: u.szDecimals,
        index: i,
        maxLeverage: u.maxLeverage,
        isDelisted: u.isDelisted === true,
      });
    });
    for (const b of source.builderDexs ?? []) {
      b.meta.universe.forEach((u, i) => {
        // venue: HIP-3 coins are named "{dex}:{coin}"; prefix if a meta ever omits it
        const coin = u.name.includes(':') ? u.name : `${b.dex}:${u.name}`;
        this.#add({
          coin,
          assetId: builderPerpAssetId(b.perpDexIndex, i),
          kind: 'builderPerp',
          priceMarket: 'perp', // venue: HIP-3 follows the perp rule (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/tick-and-lot-size, inferred)
          szDecimals: u.szDecimals,
          index: i,
          dex: b.dex,
          maxLeverage: u.maxLeverage,
          isDelisted: u.isDelisted === true,
        });
      });
    }
    if (source.spotMeta) {
      const tokens = new Map(source.spotMeta.tokens.map((t) => [t.index, t]));
      for (const pair of source.spotMeta.universe) {
        const [baseIdx, quoteIdx] = pair.tokens;
        const base = tokens.get(baseIdx);
        const quote = tokens.get(quoteIdx);
        if (!base || !quote) {
          throw new AssetRegistryError(
            `spot pair ${pair.name} names unknown token ${base ? quoteIdx : baseIdx}`,
          );
        }
        const info: AssetInfo = {
          coin: pair.name,
          assetId: spotAssetId(pair.index),
          kind: 'spot',
          priceMarket: 'spot',
          // venue: a spot asset's lot size is the base token's szDecimals (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/asset-ids)
          szDecimals: base.szDecimals,
          index: pair.index,
          pairName: `${base.name}/${quote.name}`,
        };
        this.#add(info);
        // venue: every spot pair is addressable as "@index"; PURR/USDC keeps its name
        const at = `@${pair.index}`;
        if (at !== pair.name) this.#alias(at, info);
        if (info.pairName !== pair.name) this.#alias(info.pairName ?? pair.name, info);
      }
    }
  }

  #add(info: AssetInfo): void {
    const cls = classifyAssetId(info.assetId);
    if (cls.kind !== info.kind)
      throw new AssetRegistryError(
        `asset id ${info.assetId} of ${info.coin} is a ${cls.kind} id, not ${info.kind}`,
      );
    const byName = this.#byCoin.get(info.coin);
    if (byName)
      throw new AssetRegistryError(
        `coin ${info.coin} appears twice (asset ${byName.assetId} and ${info.assetId})`,
      );
    const byId = this.#byId.get(info.assetId);
    if (byId)
      throw new AssetRegistryError(`asset id ${info.assetId} given to both ${byId.coin} and ${info.coin}`);
    this.#byCoin.set(info.coin, info);
    this.#byId.set(info.assetId, info);
  }

  #alias(name: string, info: AssetInfo): void {
    // first one wins: two pairs with the same token names (non-canonical tokens) keep only "@index"
    if (!this.#aliases.has(name)) this.#aliases.set(name, info);
  }

  /** The asset for a coin name (or a spot alias), or undefined. */
  find(coin: string): AssetInfo | undefined {
    return this.#byCoin.get(coin) ?? this.#aliases.get(coin);
  }

  /** The asset for a coin name, or an UnknownAssetError. */
  get(coin: string): AssetInfo {
    const info = this.find(coin);
    if (!info) throw new UnknownAssetError(coin);
    return info;
  }

  findById(assetId: number): AssetInfo | undefined {
    return this.#byId.get(assetId);
  }

  getById(assetId: number): AssetInfo {
    const info = this.findById(assetId);
    if (!info) throw new UnknownAssetError(assetId);
    return info;
  }

  assetId(coin: string): number {
    return this.get(coin).assetId;
  }

  coin(assetId: number): string {
    return this.getById(assetId).coin;
  }

  /** Every asset, perps first, then builder perps, then spot (insertion order). */
  all(): readonly AssetInfo[] {
    return [...this.#byCoin.values()];
  }

  get size(): number {
    return this.#byCoin.size;
  }
}
