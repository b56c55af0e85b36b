import { StrategyError } from '../errors.js';

/**
 * Money as scaled bigints: a decimal string becomes an integer count of 10^-18 units, so prices
 * and sizes are added, compared and scaled without ever passing through a float.
 */
export const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);
const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;

/** A decimal amount in 10^-18 units. */
export type Units = bigint;

/** `"123.45"` → units; more than 18 fractional digits are truncated toward zero. */
export function toUnits(s: string): Units {
  const m = DECIMAL.exec(s);
  if (m === null) throw new StrategyError(`not a decimal string: ${JSON.stringify(s)}`);
  const [, sign, int = '0', frac = ''] = m;
  const v = BigInt(int) * ONE + BigInt((frac.slice(0, SCALE) || '0').padEnd(SCALE, '0'));
  return sign === '-' ? -v : v;
}

/** Units → the shortest decimal string (`"-1.5"`, `"100"`, `"0.0001"`). */
export function fromUnits(v: Units): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / ONE;
  const frac = (a % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  const s = frac.length > 0 ? `${int}.${frac}` : `${int}`;
  return neg && a !== 0n ? `-${s}` : s;
}

/** a × b, truncated toward zero at 18 decimals. */
export function mulUnits(a: Units, b: Units): Units {
  return (a * b) / ONE;
}

/** a ÷ b, truncated toward zero at 18 decimals. */
export function divUnits(a: Units, b: Units): Units {
  if (b === 0n) throw new StrategyError('division by zero');
  return (a * ONE) / b;
}

export const absUnits = (v: Units): Units => (v < 0n ? -v : v);

/** `price × (1 + fraction)`, e.g. `scaleBy(entry, "-0.02")` for a 2% stop below entry. */
export function scaleBy(price: Units, fraction: Units): Units {
  return price + mulUnits(price, fraction);
}

/** Units → float, for statistics only (indicators); never for a price that goes into a signal. */
export function unitsToNumber(v: Units): number {
  return Number(v) / Number(ONE);
}

export const ONE_UNIT = ONE;
