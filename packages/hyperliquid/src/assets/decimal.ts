import { HyperliquidError } from '../errors.js';

/** A decimal string that is not a plain decimal (`"1e5"`, `""`, `"1,5"`, a number given as text with junk). */
export class DecimalFormatError extends HyperliquidError {
  override name = 'DecimalFormatError';
}

/**
 * How to round a decimal that has too many digits. Prices and sizes are never negative, so
 * `down` = toward zero (truncate), `up` = away from zero, `nearest` = half away from zero.
 */
export type RoundingMode = 'down' | 'up' | 'nearest';

/** An exact decimal: `coef / 10^scale`, sign kept apart so `-0` is representable and then dropped. */
export interface ScaledDecimal {
  readonly negative: boolean;
  /** non-negative */
  readonly coef: bigint;
  /** digits after the point, ≥ 0 */
  readonly scale: number;
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string (`"69997.0"`, `"0.01500"`, `"-1.5"`); no exponent, no `+`, no bare dot. */
export function parseDecimal(value: string, field = 'value'): ScaledDecimal {
  const m = typeof value === 'string' ? PLAIN.exec(value) : null;
  if (!m) throw new DecimalFormatError(`${field}: not a plain decimal string: ${JSON.stringify(value)}`);
  const frac = m[3] ?? '';
  return { negative: m[1] === '-', coef: BigInt(`${m[2]}${frac}`), scale: frac.length };
}

/** The wire number format (venue docs: https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/hyperliquid/utils/signing.py): no exponent, no leading/trailing zeros, no trailing dot, `"0"` for zero. */
export function formatDecimal(d: ScaledDecimal): string {
  if (d.coef === 0n) return '0';
  let coef = d.coef;
  let scale = d.scale;
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale -= 1;
  }
  const digits = coef.toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${d.negative ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** `"69997.0"` → `"69997"`, `"0.01500"` → `"0.015"`, `"-0.0"` → `"0"`: one text per value (ids, signing). */
export function normalizeDecimal(value: string, field = 'value'): string {
  return formatDecimal(parseDecimal(value, field));
}

/**
 * A JSON number from the venue as a plain decimal string. Uses the shortest round-trip text JS
 * prints (what the sender wrote), only re-spelling an exponent, so no float arithmetic happens.
 */
export function numberToDecimal(value: number, field = 'value'): string {
  if (!Number.isFinite(value)) throw new DecimalFormatError(`${field}: not a finite number: ${value}`);
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return normalizeDecimal(text, field);
  const digits = `${m[2]}${m[3] ?? ''}`;
  const scale = (m[3] ?? '').length - Number(m[4]);
  const coef = BigInt(digits);
  return scale >= 0
    ? formatDecimal({ negative: m[1] === '-', coef, scale })
    : formatDecimal({ negative: m[1] === '-', coef: coef * 10n ** BigInt(-scale), scale: 0 });
}

/** Rescales `d` to exactly `scale` decimals (scale ≥ d.scale: exact; smaller: rounded by `mode`). */
export function rescale(d: ScaledDecimal, scale: number, mode: RoundingMode): ScaledDecimal {
  if (scale >= d.scale) return { negative: d.negative, coef: d.coef * 10n ** BigInt(scale - d.scale), scale };
  const div = 10n ** BigInt(d.scale - scale);
  const q = d.coef / div;
  const r = d.coef % div;
  let coef = q;
  if (r !== 0n) {
    switch (mode) {
      case 'down':
        break;
      case 'up':
        coef = q + 1n;
        break;
      case 'nearest':
        if (r * 2n >= div) coef = q + 1n;
        break;
      default: {
        const never: never = mode;
        throw new DecimalFormatError(`unknown rounding mode ${String(never)}`);
      }
    }
  }
  return { negative: d.negative, coef, scale };
}

/** -1, 0 or 1, exact. */
export function compareDecimal(a: ScaledDecimal, b: ScaledDecimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const av = (a.negative ? -1n : 1n) * a.coef * 10n ** BigInt(scale - a.scale);
  const bv = (b.negative ? -1n : 1n) * b.coef * 10n ** BigInt(scale - b.scale);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

/** Exact product. */
export function multiplyDecimal(a: ScaledDecimal, b: ScaledDecimal): ScaledDecimal {
  const coef = a.coef * b.coef;
  return { negative: coef !== 0n && a.negative !== b.negative, coef, scale: a.scale + b.scale };
}

/**
 * Exponent of the leading digit: 1234.5 → 3, 0.001234 → -3. Undefined for zero (callers check).
 */
export function leadingExponent(d: ScaledDecimal): number {
  return d.coef.toString().length - 1 - d.scale;
}
