// Money arithmetic for the risk engine and the order aggregate: decimal strings in, scaled bigints
// inside (18 decimals, more than any venue price or size carries), decimal strings out. No floats.
import { ExecutionError } from '../errors.js';

/** A decimal value × 10^18. */
export type Fixed = bigint;

const DECIMALS = 18;
const SCALE = 10n ** BigInt(DECIMALS);
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

export const ZERO: Fixed = 0n;

/** Parses a plain decimal string (`"-1.5"`, `"69997.0"`); more than 18 decimals is an error, never rounded. */
export function fx(value: string): Fixed {
  const m = PLAIN.exec(value);
  if (m === null) throw new ExecutionError(`not a decimal string: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > DECIMALS) {
    throw new ExecutionError(`decimal ${value} has more than ${DECIMALS} decimals`);
  }
  const coef = BigInt(`${m[2]}${frac.padEnd(DECIMALS, '0').slice(0, DECIMALS)}`);
  return m[1] === '-' ? -coef : coef;
}

/** An integer (e.g. basis points, a count) as a Fixed. */
export function fxInt(n: number): Fixed {
  if (!Number.isSafeInteger(n)) throw new ExecutionError(`not a safe integer: ${n}`);
  return BigInt(n) * SCALE;
}

/** Canonical decimal string: no trailing zeros, `"0"` for zero. */
export function str(v: Fixed): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / SCALE;
  const frac = (abs % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  const body = frac.length > 0 ? `${int}.${frac}` : `${int}`;
  return neg && abs !== 0n ? `-${body}` : body;
}

/** a × b, truncated toward zero at 18 decimals (exact for venue prices × sizes). */
export function mul(a: Fixed, b: Fixed): Fixed {
  return (a * b) / SCALE;
}

/** a / b, truncated toward zero at 18 decimals. */
export function div(a: Fixed, b: Fixed): Fixed {
  if (b === 0n) throw new ExecutionError('division by zero');
  return (a * SCALE) / b;
}

export function abs(a: Fixed): Fixed {
  return a < 0n ? -a : a;
}

export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

/** `value × bps / 10 000`. */
export function bps(value: Fixed, basisPoints: number): Fixed {
  return (value * BigInt(basisPoints)) / 10_000n;
}

export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}
