import { formatDecimal } from '../market/decimal.js';
import type { Order, Side, WsLevel } from './types.js';

/** One coin's book: price-time priority, bids best (highest) first, asks best (lowest) first. */
export class Book {
  readonly bids: Order[] = [];
  readonly asks: Order[] = [];

  side(side: Side): Order[] {
    return side === 'B' ? this.bids : this.asks;
  }

  /** Inserts after every order at an equal or better price: time priority within a level. */
  insert(o: Order): void {
    const list = this.side(o.side);
    const better = o.side === 'B' ? (p: bigint) => p >= o.limitPx : (p: bigint) => p <= o.limitPx;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid];
      if (m && better(m.limitPx)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, o);
  }

  remove(o: Order): boolean {
    const list = this.side(o.side);
    const i = list.indexOf(o);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  removeWhere(pred: (o: Order) => boolean): void {
    for (const list of [this.bids, this.asks]) {
      let w = 0;
      for (const o of list) if (!pred(o)) list[w++] = o;
      list.length = w;
    }
  }

  bestBid(): bigint | undefined {
    return this.bids[0]?.limitPx;
  }

  bestAsk(): bigint | undefined {
    return this.asks[0]?.limitPx;
  }

  mid(): bigint | undefined {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b !== undefined && a !== undefined ? (a + b) / 2n : undefined;
  }

  /** Aggregated levels, `depth` per side, in the venue's WsLevel shape; optionally bucketed by significant figures. */
  levels(depth: number, precision?: Precision): [WsLevel[], WsLevel[]] {
    return [aggregate(this.bids, depth, 'B', precision), aggregate(this.asks, depth, 'A', precision)];
  }
}

/** venue: l2Book nSigFigs 2..5 (null = full precision); mantissa 1|2|5 only with nSigFigs 5 */
export interface Precision {
  readonly nSigFigs: number | null;
  readonly mantissa: number | null;
}

/** Bids round down and asks round up to the bucket, so a level never looks better than it is. */
export function bucketPx(px: bigint, side: 'B' | 'A', p: Precision | undefined): bigint {
  if (!p || p.nSigFigs === null) return px;
  const exp = px.toString().length - p.nSigFigs;
  if (exp <= 0) return px;
  const bucket = 10n ** BigInt(exp) * BigInt(p.mantissa ?? 1);
  const down = (px / bucket) * bucket;
  return side === 'B' || down === px ? down : down + bucket;
}

function aggregate(list: readonly Order[], depth: number, side: 'B' | 'A', precision?: Precision): WsLevel[] {
  const out: WsLevel[] = [];
  let px: bigint | undefined;
  let sz = 0n;
  let n = 0;
  for (const o of list) {
    const opx = bucketPx(o.limitPx, side, precision);
    if (px !== undefined && opx !== px) {
      out.push({ px: formatDecimal(px, 1), sz: formatDecimal(sz, 1), n });
      if (out.length >= depth) return out;
      sz = 0n;
      n = 0;
    }
    px = opx;
    sz += o.sz;
    n += 1;
  }
  if (px !== undefined && out.length < depth)
    out.push({ px: formatDecimal(px, 1), sz: formatDecimal(sz, 1), n });
  return out;
}
