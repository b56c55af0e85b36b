import { describe, expect, it } from 'vitest';
import { formatDecimal, normalizeNumberString, parseDecimal, SCALE } from './decimal.js';
import { checkPrice, checkSize, tickFor } from './rules.js';
import type { MarketSpec } from './universe.js';

const perp = (szDecimals: number): MarketSpec => ({
  coin: 'X',
  asset: 0,
  kind: 'perp',
  szDecimals,
  maxLeverage: 20,
  initialPx: '1',
  dex: '',
  quote: 'USDC',
  base: 'X',
});
const spot = (szDecimals: number): MarketSpec => ({ ...perp(szDecimals), kind: 'spot', asset: 10_000 });
const TICK = 'Price must be divisible by tick size.';

describe('decimal', () => {
  it('given decimal strings, when parsed and formatted, then values round-trip without floats', () => {
    expect(parseDecimal('69997.0')).toBe(69_997n * SCALE);
    expect(parseDecimal('0.00000001')).toBe(1n);
    expect(parseDecimal('0.000000001')).toBeUndefined();
    expect(parseDecimal('1e5')).toBeUndefined();
    expect(formatDecimal(69_997n * SCALE, 1)).toBe('69997.0');
    expect(formatDecimal(-5n * (SCALE / 10n), 1)).toBe('-0.5');
    expect(normalizeNumberString('100.0')).toBe('100');
    expect(normalizeNumberString('0.0147')).toBe('0.0147');
  });
});

describe('tick and lot rules (doc §5)', () => {
  it('given the doc perp examples, when checked, then valid and invalid as documented', () => {
    expect(checkPrice('1234.5', perp(0))).toBeUndefined();
    expect(checkPrice('1234.56', perp(0))).toBe(TICK);
    expect(checkPrice('0.001234', perp(0))).toBeUndefined();
    expect(checkPrice('0.0012345', perp(0))).toBe(TICK);
    expect(checkPrice('0.01234', perp(1))).toBeUndefined();
    expect(checkPrice('0.012345', perp(1))).toBe(TICK);
    expect(checkPrice('123456', perp(0))).toBeUndefined(); // integers always allowed
  });

  it('given the doc spot example, when checked, then szDecimals decides', () => {
    expect(checkPrice('0.0001234', spot(0))).toBeUndefined();
    expect(checkPrice('0.0001234', spot(1))).toBeUndefined();
    expect(checkPrice('0.0001234', spot(3))).toBe(TICK);
  });

  it('given sizes, when checked, then lot precision and zero are enforced', () => {
    expect(checkSize('0.001', perp(3))).toBeUndefined();
    expect(checkSize('0.0010', perp(3))).toBeUndefined();
    expect(checkSize('0.0001', perp(3))).toBe('Order has invalid size.');
    expect(checkSize('0', perp(3))).toBe('Order has zero size.');
  });

  it('given a price level, when asking its tick, then 5 significant figures capped by the decimals rule', () => {
    expect(tickFor(60_000n * SCALE, perp(5))).toBe(SCALE);
    expect(tickFor(3_000n * SCALE, perp(4))).toBe(SCALE / 10n);
    expect(tickFor(SCALE / 5n, spot(0))).toBe(SCALE / 100_000n);
  });
});
