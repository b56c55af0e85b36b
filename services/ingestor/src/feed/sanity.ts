// Semantic checks of what the venue schema lets through: a decimal string is a valid price to the
// schema whether it is "0" or 200 digits long, and a well-formed trade of a coin we never asked for
// is still one we must not publish as ours. Pure.
import type { BookLevel, MarketEvent } from '@hyperflow/contracts';
import type { PlannedSubscription } from '../config/plan.js';

/** venue: prices and sizes carry at most 8 decimals (MAX_DECIMALS of spot; perps use 6) */
export const MAX_FRACTION_DIGITS = 8;
/** a sane bound: no listed price or size reaches 10^15 */
export const MAX_INTEGER_DIGITS = 15;

export type SanityReason = 'nonPositive' | 'precision' | 'unsubscribedCoin';

export interface SanityProblem {
  readonly reason: SanityReason;
  readonly problems: readonly string[];
}

/** Which coins each market event type was subscribed for (mids carry every coin and are not checked). */
export type SubscribedCoins = ReadonlyMap<MarketEvent['type'], ReadonlySet<string>>;

const TYPE_OF_CHANNEL: Readonly<Record<PlannedSubscription['channel'], MarketEvent['type'] | undefined>> = {
  trades: 'trade',
  l2Book: 'book',
  bbo: 'bbo',
  candle: 'candle',
  activeAssetCtx: 'ctx',
  allMids: undefined,
};

export function subscribedCoins(plan: readonly PlannedSubscription[]): SubscribedCoins {
  const out = new Map<MarketEvent['type'], Set<string>>();
  for (const p of plan) {
    const type = TYPE_OF_CHANNEL[p.channel];
    if (type === undefined || p.coin === undefined) continue;
    const set = out.get(type) ?? new Set<string>();
    set.add(p.coin);
    out.set(type, set);
  }
  return out;
}

/** Digits of a schema-valid non-negative decimal string: integer part, fraction without trailing zeros. */
function digits(d: string): { int: number; frac: number; zero: boolean } {
  const dot = d.indexOf('.');
  const int = dot < 0 ? d : d.slice(0, dot);
  let frac = dot < 0 ? '' : d.slice(dot + 1);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end -= 1;
  frac = frac.slice(0, end);
  return { int: int.length, frac: frac.length, zero: frac.length === 0 && /^0*$/.test(int) };
}

class Checker {
  readonly problems: string[] = [];
  nonPositive = false;
  precision = false;

  amount(field: string, d: string, positive: boolean): void {
    const x = digits(d);
    if (x.int > MAX_INTEGER_DIGITS || x.frac > MAX_FRACTION_DIGITS) {
      this.precision = true;
      this.problems.push(
        `${field}: ${x.int} integer and ${x.frac} decimal digits (at most ${MAX_INTEGER_DIGITS} and ${MAX_FRACTION_DIGITS})`,
      );
    } else if (positive && x.zero) {
      this.nonPositive = true;
      this.problems.push(`${field}: must be positive, got ${d}`);
    }
  }

  levels(side: string, levels: readonly BookLevel[]): void {
    levels.forEach((l, i) => {
      this.amount(`${side}.${i}.px`, l.px, true);
      this.amount(`${side}.${i}.sz`, l.sz, true);
    });
  }
}

/** Why `e` must not be published although its schema passed, or undefined when it may. */
export function sanityProblem(e: MarketEvent, subscribed: SubscribedCoins): SanityProblem | undefined {
  if (e.type !== 'mids' && subscribed.get(e.type)?.has(e.coin) !== true) {
    return {
      reason: 'unsubscribedCoin',
      problems: [`coin: ${e.type} of ${JSON.stringify(e.coin)} was never subscribed`],
    };
  }
  const c = new Checker();
  switch (e.type) {
    case 'trade':
      c.amount('px', e.px, true);
      c.amount('sz', e.sz, true);
      break;
    case 'book':
      c.levels('bids', e.bids);
      c.levels('asks', e.asks);
      break;
    case 'bbo':
      if (e.bid) c.levels('bid', [e.bid]);
      if (e.ask) c.levels('ask', [e.ask]);
      break;
    case 'candle':
      for (const f of ['o', 'h', 'l', 'c'] as const) c.amount(f, e[f], true);
      c.amount('volume', e.volume, false);
      break;
    case 'ctx':
    case 'mids':
      break;
    default: {
      const never: never = e;
      throw new TypeError(`unknown market event ${JSON.stringify(never)}`);
    }
  }
  if (c.precision) return { reason: 'precision', problems: c.problems };
  if (c.nonPositive) return { reason: 'nonPositive', problems: c.problems };
  return undefined;
}
