import { HyperliquidError } from '../errors.js';
import type { InfoClient } from '../http/client.js';
import { type AssetInfo, AssetRegistry, type BuilderDexMeta, UnknownAssetError } from './registry.js';

/** The `/info` calls a registry load needs (an InfoClient, or a fake in tests). */
export type AssetMetaSource = Pick<InfoClient, 'meta' | 'spotMeta' | 'perpDexs'>;

export interface LoadAssetRegistryOptions {
  /** include spot pairs (spotMeta, weight 20); default true */
  readonly spot?: boolean;
  /** builder perp dexes to include by name, or 'all' from perpDexs; default none */
  readonly builderDexs?: 'all' | readonly string[];
}

/**
 * Fetches meta (+ spotMeta, + perpDexs and each builder dex's meta) and builds a registry.
 * venue: meta/spotMeta weigh 20 each: load on start, on a timer and after an unknown asset, never
 * per order (venue docs: https://github.com/nomeida/hyperliquid/issues/93).
 */
export async function loadAssetRegistry(
  info: AssetMetaSource,
  opts: LoadAssetRegistryOptions = {},
): Promise<AssetRegistry> {
  const [meta, spotMeta] = await Promise.all([
    info.meta(),
    opts.spot === false ? undefined : info.spotMeta(),
  ]);
  const builderDexs: BuilderDexMeta[] = [];
  const wanted = opts.builderDexs;
  if (wanted === 'all' || (wanted !== undefined && wanted.length > 0)) {
    const dexs = await info.perpDexs();
    const found = new Set<string>();
    for (const [perpDexIndex, d] of dexs.entries()) {
      // venue: index 0 (null) is the first perp dex, already in `meta`
      if (perpDexIndex === 0 || d === null) continue;
      if (wanted !== 'all' && !wanted.includes(d.name)) continue;
      found.add(d.name);
      builderDexs.push({ dex: d.name, perpDexIndex, meta: await info.meta(d.name) });
    }
    const missing = wanted === 'all' ? [] : wanted.filter((n) => !found.has(n));
    if (missing.length > 0) throw new HyperliquidError(`perpDexs lists no dex named ${missing.join(', ')}`);
  }
  return new AssetRegistry({ meta, ...(spotMeta ? { spotMeta } : {}), builderDexs });
}

export interface AssetRegistryCacheOptions {
  /** timer refresh period; default 5 min. 0 = no timer */
  readonly refreshIntervalMs?: number;
  /** an unknown coin triggers at most one refresh per this gap; default 10 s */
  readonly minUnknownRefreshGapMs?: number;
  /** clock for the gap (ms) */
  readonly now?: () => number;
  /** a failed timer refresh (the previous registry stays in use) */
  readonly onRefreshError?: (err: unknown) => void;
}

/**
 * Holds the current registry: refreshed on a timer and when a coin is unknown (rate-limited, so
 * a typo cannot turn into a meta request per order). Concurrent refreshes share one load.
 */
export class AssetRegistryCache {
  #current: AssetRegistry | undefined;
  #inflight: Promise<AssetRegistry> | undefined;
  #lastUnknownRefreshMs = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #load: () => Promise<AssetRegistry>;
  readonly #opts: AssetRegistryCacheOptions;

  constructor(load: () => Promise<AssetRegistry>, opts: AssetRegistryCacheOptions = {}) {
    this.#load = load;
    this.#opts = opts;
  }

  /** The registry in use; throws before the first successful load. */
  current(): AssetRegistry {
    if (!this.#current) throw new HyperliquidError('asset registry not loaded yet: call refresh() first');
    return this.#current;
  }

  /** Loads now (joining a load already under way) and swaps the registry in on success. */
  refresh(): Promise<AssetRegistry> {
    this.#inflight ??= this.#load()
      .then((reg) => {
        this.#current = reg;
        return reg;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  /** The asset for `coin`; an unknown coin refreshes once (if the gap allows) and retries. */
  async resolve(coin: string): Promise<AssetInfo> {
    const reg = this.#current ?? (await this.refresh());
    const found = reg.find(coin);
    if (found) return found;
    const now = (this.#opts.now ?? Date.now)();
    if (now - this.#lastUnknownRefreshMs < (this.#opts.minUnknownRefreshGapMs ?? 10_000)) {
      throw new UnknownAssetError(coin);
    }
    this.#lastUnknownRefreshMs = now;
    return (await this.refresh()).get(coin);
  }

  /** Starts the refresh timer (unref'd: it never keeps the process alive). */
  start(): void {
    const every = this.#opts.refreshIntervalMs ?? 5 * 60_000;
    if (every <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.#opts.onRefreshError?.(err));
    }, every);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
