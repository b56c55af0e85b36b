import { describe, expect, it } from 'vitest';
import { signalId } from './signal-id.js';

describe('signal ids', () => {
  it('are readable and deterministic from strategy, coin and event id', () => {
    expect(signalId('trend', 'BTC', 'trade:BTC:1:2')).toBe('trend:BTC:trade:BTC:1:2');
    expect(signalId('trend', 'BTC', 'trade:BTC:1:2', 'x')).toBe('trend:BTC:trade:BTC:1:2:x');
  });
  it('fall back to a sha256 digest when too long for the contract, still deterministic', () => {
    const long = 'e'.repeat(200);
    const id = signalId('trend', 'BTC', long);
    expect(id).toBe(signalId('trend', 'BTC', long));
    expect(id).toMatch(/^trend:[0-9a-f]{64}$/);
    expect(id).not.toBe(signalId('trend', 'ETH', long));
  });
});
