import { describe, expect, it } from 'vitest';
import { SCALE } from '../market/decimal.js';
import { Book, bucketPx } from './book.js';
import type { Order } from './types.js';

const T = 1_760_000_000_000;
let oid = 1;
const order = (side: 'B' | 'A', px: bigint, sz: bigint): Order => ({
  oid: oid++,
  coin: 'BTC',
  asset: 0,
  side,
  limitPx: px * SCALE,
  sz: sz * SCALE,
  origSz: sz * SCALE,
  user: '0x1',
  timestamp: T,
  cloid: undefined,
  reduceOnly: false,
  tif: 'Gtc',
  trigger: undefined,
  status: 'open',
  statusTimestamp: T,
});

describe('Book', () => {
  it('given orders at one price, when inserted, then they queue in arrival order behind better prices', () => {
    const b = new Book();
    const a = order('B', 100n, 1n);
    const c = order('B', 100n, 2n);
    const better = order('B', 101n, 1n);
    b.insert(a);
    b.insert(c);
    b.insert(better);
    expect(b.bids.map((o) => o.oid)).toEqual([better.oid, a.oid, c.oid]);
    expect(b.levels(20)[0]).toEqual([
      { px: '101.0', sz: '1.0', n: 1 },
      { px: '100.0', sz: '3.0', n: 2 },
    ]);
  });

  it('given nSigFigs, when aggregating, then bids bucket down and asks bucket up', () => {
    expect(bucketPx(60_123n * SCALE, 'B', { nSigFigs: 3, mantissa: null })).toBe(60_100n * SCALE);
    expect(bucketPx(60_123n * SCALE, 'A', { nSigFigs: 3, mantissa: null })).toBe(60_200n * SCALE);
    expect(bucketPx(60_123n * SCALE, 'B', { nSigFigs: 5, mantissa: 5 })).toBe(60_120n * SCALE);
    expect(bucketPx(60_123n * SCALE, 'A', { nSigFigs: null, mantissa: null })).toBe(60_123n * SCALE);
    const b = new Book();
    for (const px of [60_123n, 60_150n, 60_050n]) b.insert(order('B', px, 1n));
    expect(b.levels(20, { nSigFigs: 3, mantissa: null })[0]).toEqual([
      { px: '60100.0', sz: '2.0', n: 2 },
      { px: '60000.0', sz: '1.0', n: 1 },
    ]);
  });
});
