// The WS/REST cross-check's comparisons: what the ingestor streamed against the venue's own REST
// snapshot of the same thing. Pure: decimals compared exactly as scaled integers, never as floats.
import type { BboEvent, BookEvent, BookLevel, CandleEvent, MidsEvent } from '@hyperflow/contracts';

/**
 * True when `a` and `b` (positive decimal strings) differ by more than `toleranceBps` basis points
 * of `b`: |a − b| · 10 000 > tolerance · b, in integers.
 */
export function beyondTolerance(a: string, b: string, toleranceBps: number): boolean {
  // the contract's PositiveDecimal: digits, an optional point and digits
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const ax = BigInt(ai + af.padEnd(scale, '0'));
  const by = BigInt(bi + bf.padEnd(scale, '0'));
  const diff = ax > by ? ax - by : by - ax;
  return diff * 10_000n > BigInt(toleranceBps) * by;
}

/** The top of a book as the cross-check compares it; `-` for an empty side. */
export interface Top {
  readonly bid: string | undefined;
  readonly ask: string | undefined;
}

export function topOf(e: BookEvent | BboEvent): Top {
  const first = (l: BookLevel | null | undefined) => l?.px;
  return e.type === 'book'
    ? { bid: first(e.bids[0]), ask: first(e.asks[0]) }
    : { bid: first(e.bid), ask: first(e.ask) };
}

const show = (t: Top) => `bid ${t.bid ?? '-'} ask ${t.ask ?? '-'}`;

/**
 * Why the streamed top of book is not the snapshot's, within the tolerance; undefined when it is.
 * A side present in one and empty in the other is a disagreement.
 */
export function topDrift(streamed: Top, snapshot: Top, toleranceBps: number): string | undefined {
  const side = (s: string | undefined, r: string | undefined) =>
    s === undefined || r === undefined ? s !== r : beyondTolerance(s, r, toleranceBps);
  return side(streamed.bid, snapshot.bid) || side(streamed.ask, snapshot.ask)
    ? `streamed ${show(streamed)}, REST ${show(snapshot)}`
    : undefined;
}

/** Why the streamed mid of `coin` is not the snapshot's; undefined when it is (or neither has one). */
export function midDrift(
  streamed: MidsEvent,
  snapshot: MidsEvent,
  coin: string,
  toleranceBps: number,
): string | undefined {
  const s = streamed.mids[coin];
  const r = snapshot.mids[coin];
  if (s === undefined && r === undefined) return undefined;
  if (s === undefined || r === undefined || beyondTolerance(s, r, toleranceBps)) {
    return `streamed mid ${s ?? '-'}, REST ${r ?? '-'}`;
  }
  return undefined;
}

/**
 * A closed candle is final on the venue: the streamed copy and the REST copy of the same open
 * time must agree exactly (decimals compared by value, so `"100.0"` equals `"100"`).
 */
export function candleDrift(streamed: CandleEvent, snapshot: CandleEvent): string | undefined {
  const decimals = ['o', 'h', 'l', 'c', 'volume'] as const;
  const off: string[] = decimals.filter((f) => beyondTolerance(streamed[f], snapshot[f], 0));
  if (streamed.n !== snapshot.n) off.push('n');
  if (off.length === 0) return undefined;
  const pick = (c: CandleEvent) => off.map((f) => `${f} ${String(c[f as keyof CandleEvent])}`).join(' ');
  return `candle ${streamed.openTsMs}: streamed ${pick(streamed)}, REST ${pick(snapshot)}`;
}
