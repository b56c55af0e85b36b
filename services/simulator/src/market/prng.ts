/** Seeded PRNG (mulberry32): the only source of randomness of the synthetic market. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Deterministic 64-bit-ish mix for ids and hashes (splitmix-style over two 32-bit lanes). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 0x-prefixed 32-byte hex string derived from a counter: stands in for a block/tx hash. */
export function pseudoHash(n: number, salt: number): string {
  let out = '0x';
  for (let i = 0; i < 8; i++)
    out += mix32(n * 8 + i + salt * 0x9e3779b1)
      .toString(16)
      .padStart(8, '0');
  return out;
}
