/**
 * FNV-1a (32-bit) over the UTF-16 code units of a name: stable across processes and versions, so
 * every replica computes the same owner for a coin without talking to the others.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Index of the replica (of `count`) that owns `coin`. */
export function shardOf(coin: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be >= 1: ${count}`);
  return fnv1a32(coin) % count;
}

/**
 * The coins replica `index` of `count` ingests. Hashing (rather than slicing a sorted list) keeps a
 * coin on the same replica when coins are added or delisted, so a listing change does not move
 * every subscription. Duplicates in the input are dropped; the output keeps the input order.
 */
export function shardCoins(coins: readonly string[], index: number, count: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shard index must be in [0, ${count}): ${index}`);
  }
  return [...new Set(coins)].filter((coin) => shardOf(coin, count) === index);
}
