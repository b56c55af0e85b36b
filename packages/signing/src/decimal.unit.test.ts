import { describe, expect, it } from 'vitest';
import { toSafeInteger, toScaledInteger, toWireDecimal, toWireNonNegativeDecimal } from './decimal.js';
import { SigningError } from './errors.js';
import { isCloid, toWireAddress, toWireCloid } from './hex.js';

describe('toWireDecimal (float_to_wire on strings)', () => {
  it.each([
    ['100', '100'],
    ['0.0147', '0.0147'],
    ['1670.1', '1670.1'],
    ['103.0', '103'],
    ['100.000', '100'],
    ['25.20', '25.2'],
    ['0.00000001', '0.00000001'],
    ['1.000000000000', '1'],
    ['0', '0'],
    ['0.0', '0'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['+5', '5'],
    ['007.50', '7.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-12.340', '-12.34'],
    ['123456789012345678901234567890.12345678', '123456789012345678901234567890.12345678'],
  ])('%s → %s', (input, wire) => {
    expect(toWireDecimal(input)).toBe(wire);
  });

  it.each([['0.000000001'], ['1.123456789'], ['0.000000010001']])(
    '%s has more than 8 decimals: refused',
    (input) => {
      expect(() => toWireDecimal(input, 'price')).toThrow(SigningError);
      expect(() => toWireDecimal(input, 'price')).toThrow(/price: .* more than 8 decimals/);
    },
  );

  it.each([
    [''],
    ['.'],
    ['1e-8'],
    ['1E5'],
    [' 1'],
    ['1 '],
    ['0x10'],
    ['1,5'],
    ['NaN'],
    ['Infinity'],
    ['--1'],
    ['1.2.3'],
  ])('%j is not a plain decimal', (input) => {
    expect(() => toWireDecimal(input)).toThrow(expect.objectContaining({ code: 'invalid-decimal' }));
  });

  it('refuses non-strings (numbers would mean a float already happened)', () => {
    expect(() => toWireDecimal(0.1 as unknown as string)).toThrow(SigningError);
  });

  it('non-negative variant refuses negatives but keeps -0 as 0', () => {
    expect(() => toWireNonNegativeDecimal('-1', 'size')).toThrow(/size: must not be negative/);
    expect(toWireNonNegativeDecimal('-0.00')).toBe('0');
  });
});

describe('toScaledInteger (float_to_int without floats)', () => {
  it('matches the Python SDK float_to_int_for_hashing cases', () => {
    expect(toScaledInteger('123123123123', 8)).toBe(12312312312300000000n);
    expect(toScaledInteger('0.00001231', 8)).toBe(1231n);
    expect(toScaledInteger('1.033', 8)).toBe(103300000n);
    expect(() => toScaledInteger('0.000012312312', 8)).toThrow(/would be rounded/);
  });

  it('usd × 1e6, signed', () => {
    expect(toScaledInteger('1', 6)).toBe(1_000_000n);
    expect(toScaledInteger('-2.5', 6)).toBe(-2_500_000n);
    expect(toScaledInteger('0.000001', 6)).toBe(1n);
    expect(toScaledInteger('-0', 6)).toBe(0n);
  });

  it('toSafeInteger refuses unsafe and fractional values', () => {
    expect(toSafeInteger(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toSafeInteger(2n ** 53n)).toThrow(/not a safe integer/);
    expect(() => toSafeInteger(1.5)).toThrow(/not a safe integer/);
    expect(() => toSafeInteger(Number.NaN)).toThrow(/not a safe integer/);
  });
});

describe('hex', () => {
  it('addresses are validated and lowercased', () => {
    expect(toWireAddress('0xAbCdEf0123456789aBcDeF0123456789ABCDEF01')).toBe(
      '0xabcdef0123456789abcdef0123456789abcdef01',
    );
    for (const bad of [
      '0x123',
      'abcdef0123456789abcdef0123456789abcdef01',
      '0xzz00000000000000000000000000000000000000',
    ]) {
      expect(() => toWireAddress(bad)).toThrow(expect.objectContaining({ code: 'invalid-hex' }));
    }
  });

  it('cloids are 0x + 32 hex, lowercased', () => {
    expect(toWireCloid('0x1234567890ABCDEF1234567890ABCDEF')).toBe('0x1234567890abcdef1234567890abcdef');
    expect(isCloid('0x00000000000000000000000000000001')).toBe(true);
    for (const bad of [
      '0x1',
      '0x1234567890abcdef1234567890abcdef00',
      '1234567890abcdef1234567890abcdef',
      '0xg234567890abcdef1234567890abcdef',
    ]) {
      expect(() => toWireCloid(bad)).toThrow(expect.objectContaining({ code: 'invalid-hex' }));
    }
  });
});
