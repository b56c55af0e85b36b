import { describe, expect, it } from 'vitest';
import {
  compareDecimal,
  formatDecimal,
  normalizeDecimal,
  numberToDecimal,
  parseDecimal,
  type RoundingMode,
} from './decimal.js';
import {
  AssetRuleError,
  assertMinNotional,
  assertValidPrice,
  assertValidSize,
  maxPriceDecimals,
  meetsMinNotional,
  minSizeForNotional,
  notional,
  priceViolation,
  roundPrice,
  roundSize,
  sizeViolation,
} from './rules.js';

describe('decimal strings', () => {
  it('normalizes to the wire format: no trailing zeros, no exponent, "0" for zero', () => {
    expect(normalizeDecimal('69997.0')).toBe('69997');
    expect(normalizeDecimal('0.01500')).toBe('0.015');
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(normalizeDecimal('000120.50')).toBe('120.5');
    expect(normalizeDecimal('100')).toBe('100');
    expect(() => normalizeDecimal('1e5')).toThrow(/not a plain decimal/);
    expect(() => normalizeDecimal('.5')).toThrow(/not a plain decimal/);
    expect(() => normalizeDecimal('')).toThrow(/not a plain decimal/);
  });

  it('spells venue numbers without exponents and without float arithmetic', () => {
    expect(numberToDecimal(1e-8)).toBe('0.00000001');
    expect(numberToDecimal(1.5e-7)).toBe('0.00000015');
    expect(numberToDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimal(0.001604)).toBe('0.001604');
    expect(numberToDecimal(-0)).toBe('0');
    expect(numberToDecimal(520665683)).toBe('520665683');
    expect(() => numberToDecimal(Number.NaN)).toThrow(/finite/);
  });

  it('compares exactly', () => {
    expect(compareDecimal(parseDecimal('1.10'), parseDecimal('1.1'))).toBe(0);
    expect(compareDecimal(parseDecimal('-1'), parseDecimal('0.5'))).toBe(-1);
    expect(compareDecimal(parseDecimal('0.30000000000000001'), parseDecimal('0.3'))).toBe(1);
  });
});

describe('price rule (venue docs: tick-and-lot-size)', () => {
  it('doc examples, perp', () => {
    expect(priceViolation('1234.5', 0, 'perp')).toBeUndefined();
    expect(priceViolation('1234.56', 0, 'perp')).toMatch(/more than 5 significant figures/);
    expect(priceViolation('0.001234', 0, 'perp')).toBeUndefined();
    expect(priceViolation('0.0012345', 0, 'perp')).toBeDefined();
    expect(priceViolation('0.01234', 1, 'perp')).toBeUndefined();
    expect(priceViolation('0.012345', 1, 'perp')).toBeDefined();
  });

  it('doc examples, spot: 0.0001234 is valid for szDecimals 0 and 1, not above 2', () => {
    expect(priceViolation('0.0001234', 0, 'spot')).toBeUndefined();
    expect(priceViolation('0.0001234', 1, 'spot')).toBeUndefined();
    expect(priceViolation('0.0001234', 3, 'spot')).toBeDefined();
    // the same price on a perp has too many decimals (6 − 0)
    expect(priceViolation('0.0001234', 0, 'perp')).toBeDefined();
  });

  it('integer prices are always valid, whatever their significant figures', () => {
    expect(priceViolation('123456', 5, 'perp')).toBeUndefined();
    expect(priceViolation('123456.0', 5, 'perp')).toBeUndefined();
    expect(priceViolation('12345.6', 0, 'perp')).toBeDefined();
    expect(roundPrice('100001.0', 5, 'perp', 'down')).toBe('100001');
    expect(roundPrice('123456.7', 5, 'perp', 'down')).toBe('123456');
    expect(roundPrice('123456.7', 5, 'perp', 'nearest')).toBe('123457');
  });

  it('rounds with each mode and drops trailing zeros', () => {
    expect(roundPrice('1234.56', 0, 'perp', 'down')).toBe('1234.5');
    expect(roundPrice('1234.56', 0, 'perp', 'up')).toBe('1234.6');
    expect(roundPrice('1234.55', 0, 'perp', 'nearest')).toBe('1234.6');
    expect(roundPrice('1234.549', 0, 'perp', 'nearest')).toBe('1234.5');
    expect(roundPrice('1670.10', 2, 'perp')).toBe('1670.1');
    expect(roundPrice('69997.0', 5, 'perp')).toBe('69997');
    // the decimals cap binds before the sig-fig rule: 6 − 4 = 2 decimals
    expect(roundPrice('1.23456', 4, 'perp', 'down')).toBe('1.23');
    expect(roundPrice('0.012345', 1, 'perp', 'down')).toBe('0.01234');
    expect(roundPrice('0.012345', 1, 'perp', 'up')).toBe('0.01235');
  });

  it('a carry that adds a digit stays within 5 significant figures', () => {
    expect(roundPrice('9.99996', 0, 'perp', 'nearest')).toBe('10');
    expect(roundPrice('99999.5', 0, 'perp', 'nearest')).toBe('100000');
    expect(roundPrice('0.000099999', 0, 'spot', 'up')).toBe('0.0001');
  });

  it('szDecimals beyond MAX_DECIMALS leaves integers only', () => {
    expect(maxPriceDecimals(7, 'perp')).toBe(0);
    expect(maxPriceDecimals(7, 'spot')).toBe(1);
    expect(roundPrice('12.7', 7, 'perp', 'down')).toBe('12');
  });

  it('clear errors on zero, negatives and junk', () => {
    expect(() => roundPrice('0.0000001', 0, 'perp', 'down')).toThrow(AssetRuleError);
    expect(() => roundPrice('0.0000001', 0, 'perp', 'down')).toThrow(/rounds to 0/);
    expect(roundPrice('0.0000001', 0, 'perp', 'up')).toBe('0.000001');
    expect(() => roundPrice('0', 0, 'perp')).toThrow(/must be positive/);
    expect(() => roundPrice('-1', 0, 'perp')).toThrow(/negative/);
    expect(() => roundPrice('1,5', 0, 'perp')).toThrow(/not a plain decimal/);
    expect(() => roundPrice('1', -1, 'perp')).toThrow(/szDecimals/);
    expect(() => assertValidPrice('1234.56', 0, 'perp')).toThrow(AssetRuleError);
  });
});

describe('size rule (lot) and min notional', () => {
  it('truncates to szDecimals by default, other modes on request', () => {
    expect(roundSize('0.0147999', 4)).toBe('0.0147');
    expect(roundSize('0.01500', 5)).toBe('0.015');
    expect(roundSize('1.99', 0)).toBe('1');
    expect(roundSize('1.99', 0, 'nearest')).toBe('2');
    expect(roundSize('1.01', 1, 'up')).toBe('1.1');
    expect(() => roundSize('0.00009', 4)).toThrow(/rounds to 0/);
    expect(sizeViolation('0.12345', 4)).toMatch(/more than 4 decimals/);
    expect(sizeViolation('0.1230', 3)).toBeUndefined();
    expect(() => assertValidSize('0', 2)).toThrow(/must be positive/);
  });

  it('min notional is exact at the boundary', () => {
    expect(notional('69997.0', '0.01500')).toBe('1049.955');
    expect(meetsMinNotional('2.5', '4')).toBe(true);
    expect(meetsMinNotional('2.5', '3.9999')).toBe(false);
    expect(meetsMinNotional('0.1', '100', '10')).toBe(true);
    expect(() => assertMinNotional('3', '3')).toThrow(/order value 9 \(3 × 3\) is below the minimum 10/);
    expect(minSizeForNotional('3', 2)).toBe('3.34');
    expect(minSizeForNotional('2.5', 0)).toBe('4');
    expect(minSizeForNotional('69997', 5)).toBe('0.00015');
    expect(meetsMinNotional('69997', minSizeForNotional('69997', 5))).toBe(true);
  });
});

/** Deterministic PRNG (mulberry32) so the property runs are reproducible without a dependency. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDecimal(r: () => number): string {
  const intDigits = Math.floor(r() * 8);
  const fracDigits = Math.floor(r() * 12);
  let int = '';
  for (let i = 0; i < intDigits; i++) int += String(Math.floor(r() * 10));
  let frac = '';
  for (let i = 0; i < fracDigits; i++) frac += String(Math.floor(r() * 10));
  const s = `${int === '' ? '0' : int}${frac === '' ? '' : `.${frac}`}`;
  return /[1-9]/.test(s) ? s : '1';
}

describe('rounding properties (seeded, 5000 cases each)', () => {
  const r = rng(0x5eed);
  const modes: RoundingMode[] = ['down', 'up', 'nearest'];

  it('a rounded price is valid, in wire format, on the right side, idempotent and within one tick', () => {
    for (let i = 0; i < 5000; i++) {
      const px = randomDecimal(r);
      const szDecimals = Math.floor(r() * 9);
      const market = r() < 0.5 ? 'perp' : 'spot';
      const mode = modes[i % 3] as RoundingMode;
      let out: string;
      try {
        out = roundPrice(px, szDecimals, market, mode);
      } catch (err) {
        // only a positive price below the smallest tick may fail, and never when rounding up
        expect(err).toBeInstanceOf(AssetRuleError);
        expect(mode).not.toBe('up');
        continue;
      }
      const ctx = { px, szDecimals, market, mode, out };
      expect({ ...ctx, why: priceViolation(out, szDecimals, market) }).toEqual({ ...ctx, why: undefined });
      expect(normalizeDecimal(out)).toBe(out);
      expect(out).not.toMatch(/e/i);
      const cmp = compareDecimal(parseDecimal(out), parseDecimal(px));
      if (mode === 'down') expect(cmp).toBeLessThanOrEqual(0);
      if (mode === 'up') expect(cmp).toBeGreaterThanOrEqual(0);
      expect(roundPrice(out, szDecimals, market, mode)).toBe(out);
      // a price that was already valid is unchanged (only re-spelled)
      if (priceViolation(px, szDecimals, market) === undefined) expect(out).toBe(normalizeDecimal(px));
    }
  });

  it('a rounded size has at most szDecimals decimals and moves less than one lot', () => {
    for (let i = 0; i < 5000; i++) {
      const sz = randomDecimal(r);
      const szDecimals = Math.floor(r() * 9);
      const mode = modes[i % 3] as RoundingMode;
      let out: string;
      try {
        out = roundSize(sz, szDecimals, mode);
      } catch {
        expect(mode === 'up').toBe(false);
        continue;
      }
      expect(sizeViolation(out, szDecimals)).toBeUndefined();
      const o = parseDecimal(out);
      const s = parseDecimal(sz);
      const scale = Math.max(o.scale, s.scale, szDecimals);
      const diff = o.coef * 10n ** BigInt(scale - o.scale) - s.coef * 10n ** BigInt(scale - s.scale);
      const abs = diff < 0n ? -diff : diff;
      expect(abs < 10n ** BigInt(scale - szDecimals)).toBe(true);
      expect(formatDecimal(o)).toBe(out);
    }
  });
});
