import { SigningError } from './errors.js';

// venue: float_to_wire allows at most 8 decimals and never rounds silently (doc 4.5)
export const MAX_WIRE_DECIMALS = 8;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

interface DecimalParts {
  readonly negative: boolean;
  /** no leading zeros; '' for zero */
  readonly int: string;
  /** no trailing zeros */
  readonly frac: string;
}

function split(value: string, field: string): DecimalParts {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  const rawInt = m?.[2] ?? '';
  const rawFrac = m?.[3] ?? '';
  if (!m || (rawInt === '' && rawFrac === '')) {
    throw new SigningError(
      'invalid-decimal',
      `${field}: not a plain decimal string: ${JSON.stringify(value)}`,
    );
  }
  return { negative: m[1] === '-', int: rawInt.replace(/^0+/, ''), frac: rawFrac.replace(/0+$/, '') };
}

/**
 * Normalises a decimal string to the exact text the venue hashes: no exponent, no leading or
 * trailing zeros, no trailing dot, "-0" → "0" (Python SDK `float_to_wire`, done on strings so
 * money never passes through a float). Throws on more than 8 significant decimals.
 */
export function toWireDecimal(value: string, field = 'value'): string {
  const { negative, int, frac } = split(value, field);
  if (frac.length > MAX_WIRE_DECIMALS) {
    throw new SigningError(
      'invalid-decimal',
      `${field}: ${JSON.stringify(value)} has more than ${MAX_WIRE_DECIMALS} decimals; round it to the tick/lot first`,
    );
  }
  if (int === '' && frac === '') return '0';
  const body = `${int === '' ? '0' : int}${frac === '' ? '' : `.${frac}`}`;
  return negative ? `-${body}` : body;
}

/** {@link toWireDecimal} for prices and sizes, which the venue never takes negative. */
export function toWireNonNegativeDecimal(value: string, field = 'value'): string {
  const wire = toWireDecimal(value, field);
  if (wire.startsWith('-')) {
    throw new SigningError('invalid-decimal', `${field}: must not be negative, got ${JSON.stringify(value)}`);
  }
  return wire;
}

/**
 * `value × 10^decimals` as an exact bigint (Python SDK `float_to_int`: 8 for hashing, 6 for USD).
 * Throws instead of rounding when `value` has more decimals than that.
 */
export function toScaledInteger(value: string, decimals: number, field = 'value'): bigint {
  const { negative, int, frac } = split(value, field);
  if (frac.length > decimals) {
    throw new SigningError(
      'invalid-decimal',
      `${field}: ${JSON.stringify(value)} has more than ${decimals} decimals and would be rounded`,
    );
  }
  const magnitude = BigInt(`${int}${frac.padEnd(decimals, '0')}` || '0');
  return negative ? -magnitude : magnitude;
}

/** A safe JS integer (msgpack then picks the smallest width), else throws. */
export function toSafeInteger(value: bigint | number, field = 'value'): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n) || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new SigningError('invalid-integer', `${field}: ${String(value)} is not a safe integer`);
  }
  return n;
}
