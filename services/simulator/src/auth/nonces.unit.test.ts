import { describe, expect, it } from 'vitest';
import { NonceStore } from './nonces.js';

const T = 1_760_000_000_000;
const DAY = 86_400_000;

describe('NonceStore', () => {
  it('given a used nonce, when reused, then it is a duplicate', () => {
    const s = new NonceStore();
    expect(s.use('0xa', T, T)).toBeUndefined();
    expect(s.use('0xa', T, T)).toBe(`Invalid nonce: duplicate nonce ${T}`);
    expect(s.use('0xb', T, T)).toBeUndefined();
  });

  it('given the window T−2d..T+1d, when outside, then too low / too high', () => {
    const s = new NonceStore();
    expect(s.use('0xa', T - 2 * DAY, T)).toBe(`Invalid nonce: nonce too low ${T - 2 * DAY} < ${T - 2 * DAY}`);
    expect(s.use('0xa', T + DAY, T)).toBe(`Invalid nonce: nonce too high ${T + DAY} > ${T + DAY}`);
    expect(s.use('0xa', T - 2 * DAY + 1, T)).toBeUndefined();
  });

  it('given 100 kept nonces, when a nonce below the smallest arrives, then it is too low; above it, accepted', () => {
    const s = new NonceStore();
    for (let i = 0; i < 100; i++) expect(s.use('0xa', T + i * 10, T)).toBeUndefined();
    expect(s.use('0xa', T - 1, T)).toBe(`Invalid nonce: nonce too low ${T - 1} < ${T}`);
    expect(s.use('0xa', T + 5, T)).toBeUndefined(); // out of order but above the floor
    expect(s.use('0xa', T + 1, T)).toBe(`Invalid nonce: nonce too low ${T + 1} < ${T + 5}`);
  });
});
