import { describe, expect, it } from 'vitest';
import { decodeCoin, encodeCoin } from './coin.js';
import { ContractError } from './parse.js';

describe('coin-name rule', () => {
  it.each([
    ['BTC', 'BTC'],
    ['@107', '~40107'],
    ['PURR/USDC', 'PURR~2FUSDC'],
    ['xyz:XYZ100', 'xyz~3AXYZ100'],
    ['kPEPE', 'kPEPE'],
    ['a.b*c>d~e', 'a~2Eb~2Ac~3Ed~7Ee'],
    ['€', '~E2~82~AC'],
  ])('encodes %s as %s and decodes it back', (coin, token) => {
    expect(encodeCoin(coin)).toBe(token);
    expect(decodeCoin(token)).toBe(coin);
  });

  it('produces tokens that are valid single NATS subject tokens', () => {
    for (const coin of ['BTC', '@107', 'PURR/USDC', 'xyz:XYZ100', 'a.b', 'x>y', 'p*q']) {
      expect(encodeCoin(coin)).toMatch(/^[A-Za-z0-9_~-]+$/);
    }
  });

  it.each([
    ['', 'empty'],
    ['BTC USD', 'whitespace'],
    ['BTC\n', 'whitespace'],
    ['x'.repeat(65), 'longer than 64'],
  ])('refuses to encode %j (%s)', (coin, why) => {
    expect(() => encodeCoin(coin)).toThrow(ContractError);
    expect(() => encodeCoin(coin)).toThrow(why);
  });

  it.each([
    ['', 'empty token'],
    ['BTC.USD', 'a dot'],
    ['~4', 'a truncated escape'],
    ['~zz', 'a non-hex escape'],
    ['~2f', 'lower-case hex'],
    ['~41BC', 'a non-canonical escape of a kept character'],
    ['~FF', 'an invalid UTF-8 byte'],
  ])('refuses to decode %j (%s)', (token) => {
    expect(() => decodeCoin(token)).toThrow(ContractError);
  });
});
