import { describe, expect, it } from 'vitest';
import { parseSubscription } from './subscriptions.js';

const COINS = new Set(['BTC', 'ETH', 'PURR/USDC']);

describe('parseSubscription', () => {
  it('given an l2Book request, when normalized, then nSigFigs and mantissa default to null', () => {
    expect(parseSubscription({ type: 'l2Book', coin: 'BTC' }, COINS)).toEqual({
      kind: 'ok',
      sub: { type: 'l2Book', coin: 'BTC', nSigFigs: null, mantissa: null },
    });
  });

  it('given userFills with a mixed-case user, when normalized, then lowercased with aggregateByTime false', () => {
    const user = '0xABCDEF0000000000000000000000000000000001';
    expect(parseSubscription({ type: 'userFills', user }, COINS)).toEqual({
      kind: 'ok',
      sub: { type: 'userFills', user: user.toLowerCase(), aggregateByTime: false },
    });
  });

  it('given unknown coins, intervals or types, when parsed, then invalid vs malformed', () => {
    expect(parseSubscription({ type: 'trades', coin: 'DOGE' }, COINS).kind).toBe('invalid');
    expect(parseSubscription({ type: 'candle', coin: 'BTC', interval: '7m' }, COINS).kind).toBe('invalid');
    expect(parseSubscription({ type: 'l2Book', coin: 'BTC', nSigFigs: 4, mantissa: 2 }, COINS).kind).toBe(
      'invalid',
    );
    expect(parseSubscription({ type: 'nope' }, COINS).kind).toBe('malformed');
    expect(parseSubscription({ type: 'trades' }, COINS).kind).toBe('malformed');
  });
});
