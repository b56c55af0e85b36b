import { describe, expect, it } from 'vitest';
import { StrategyError } from '../errors.js';
import { absUnits, divUnits, fromUnits, mulUnits, scaleBy, toUnits } from './decimal.js';

describe('decimal units', () => {
  it('round-trips decimal strings to their shortest form', () => {
    for (const [input, out] of [
      ['0', '0'],
      ['100', '100'],
      ['69997.0', '69997'],
      ['0.00010', '0.0001'],
      ['-1.5', '-1.5'],
      ['-0.0', '0'],
      ['123456789012.123456789012345678', '123456789012.123456789012345678'],
    ] as const) {
      expect(fromUnits(toUnits(input))).toBe(out);
    }
  });
  it('adds and scales without float error', () => {
    expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.3');
    expect(fromUnits(scaleBy(toUnits('100'), toUnits('-0.02')))).toBe('98');
    expect(fromUnits(scaleBy(toUnits('0.001604'), toUnits('0.015')))).toBe('0.00162806');
    expect(fromUnits(mulUnits(toUnits('1.5'), toUnits('-2')))).toBe('-3');
    expect(fromUnits(divUnits(toUnits('1'), toUnits('3')))).toBe('0.333333333333333333');
    expect(fromUnits(absUnits(toUnits('-2.5')))).toBe('2.5');
  });
  it('rejects what is not a decimal string', () => {
    expect(() => toUnits('1e5')).toThrow(StrategyError);
    expect(() => toUnits('')).toThrow(StrategyError);
    expect(() => divUnits(1n, 0n)).toThrow(StrategyError);
  });
});
