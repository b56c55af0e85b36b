import type { AccountEvent } from '@hyperflow/contracts';
import { absUnits, divUnits, fromUnits, mulUnits, toUnits } from '../decimal/decimal.js';

/** Our position in one coin as the account events describe it. Decimal strings, never floats. */
export interface Position {
  /** signed size, base units: positive long, negative short, "0" flat */
  readonly szi: string;
  /** average entry price; null when flat or not yet known */
  readonly entryPx: string | null;
}

export const FLAT: Position = { szi: '0', entryPx: null };

/**
 * The position after an account event of the same coin. A fill moves the position from its
 * `startPosition` (the venue's figure, so a missed fill does not leave us off forever): adding
 * averages the entry, reducing keeps it, opening or flipping takes the fill price. A position
 * event replaces the position outright. Balances do not change it.
 */
export function applyAccount(p: Position, e: AccountEvent): Position {
  switch (e.type) {
    case 'position': {
      const szi = toUnits(e.szi);
      return szi === 0n ? FLAT : { szi: fromUnits(szi), entryPx: e.entryPx };
    }
    case 'fill': {
      const start = toUnits(e.startPosition);
      const sz = toUnits(e.sz);
      const next = start + (e.side === 'buy' ? sz : -sz);
      if (next === 0n) return FLAT;
      const entry = p.entryPx !== null && toUnits(p.szi) === start ? p.entryPx : null;
      const opening = start === 0n || start > 0n !== next > 0n;
      if (opening) return { szi: fromUnits(next), entryPx: e.px };
      const adding = absUnits(next) > absUnits(start);
      if (!adding) return { szi: fromUnits(next), entryPx: entry };
      if (entry === null) return { szi: fromUnits(next), entryPx: null };
      // weighted average entry of the old position and this fill
      const notional = mulUnits(absUnits(start), toUnits(entry)) + mulUnits(sz, toUnits(e.px));
      return { szi: fromUnits(next), entryPx: fromUnits(divUnits(notional, absUnits(next))) };
    }
    case 'balance':
      return p;
    default: {
      const never: never = e;
      return never;
    }
  }
}

export const isFlat = (p: Position): boolean => toUnits(p.szi) === 0n;
