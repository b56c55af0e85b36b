import { describe, expect, it } from 'vitest';
import {
  channelsFor,
  isSubsetOf,
  matchesHints,
  normalizeSubscription,
  routingHints,
  subscriptionKey,
} from './subscription.js';

const USER = '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01';

describe('ack matching: request ⊆ echo', () => {
  it('accepts the echo with server-added defaults', () => {
    expect(
      isSubsetOf(
        { type: 'l2Book', coin: 'BTC' },
        { type: 'l2Book', coin: 'BTC', nSigFigs: null, mantissa: null },
      ),
    ).toBe(true);
    expect(
      isSubsetOf(
        { type: 'userFills', user: USER.toLowerCase() },
        { type: 'userFills', user: USER, aggregateByTime: false },
      ),
    ).toBe(true);
  });

  it('rejects an echo that differs in a requested field or lacks it', () => {
    expect(
      isSubsetOf(
        { type: 'l2Book', coin: 'BTC', nSigFigs: 5 },
        { type: 'l2Book', coin: 'BTC', nSigFigs: null },
      ),
    ).toBe(false);
    expect(isSubsetOf({ type: 'trades', coin: 'ETH' }, { type: 'trades', coin: 'BTC' })).toBe(false);
    expect(isSubsetOf({ type: 'candle', coin: 'ETH', interval: '1m' }, { type: 'candle', coin: 'ETH' })).toBe(
      false,
    );
    expect(isSubsetOf({ type: 'trades', coin: 'ETH' }, null)).toBe(false);
    // Case-insensitive only for addresses.
    expect(isSubsetOf({ type: 'trades', coin: 'eth' }, { type: 'trades', coin: 'ETH' })).toBe(false);
  });
});

describe('subscription keys', () => {
  it('are canonical: key order, undefined fields and address case do not matter', () => {
    expect(subscriptionKey({ coin: 'BTC', type: 'l2Book', nSigFigs: undefined })).toBe(
      subscriptionKey({ type: 'l2Book', coin: 'BTC' }),
    );
    expect(subscriptionKey({ type: 'userFills', user: USER })).toBe(
      subscriptionKey({ type: 'userFills', user: USER.toLowerCase() }),
    );
    expect(normalizeSubscription({ type: 'userFills', user: USER })).toEqual({
      type: 'userFills',
      user: USER.toLowerCase(),
    });
  });
});

describe('routing frames to subscriptions', () => {
  it('knows the channels that differ from the type name', () => {
    expect(channelsFor('userEvents')).toEqual(['user']);
    expect(channelsFor('activeAssetCtx')).toEqual(['activeAssetCtx', 'activeSpotAssetCtx']);
    expect(channelsFor('trades')).toEqual(['trades']);
  });

  it('reads coin, user and interval from object, array and candle frames', () => {
    expect(routingHints([{ coin: 'SOL', px: '1' }])).toEqual({ coin: 'SOL' });
    expect(routingHints([])).toEqual({});
    // candle: both the SDKs' object form and the docs' array form
    expect(routingHints({ s: 'BTC', i: '1m', t: 1 })).toEqual({ coin: 'BTC', interval: '1m' });
    expect(routingHints([{ s: 'BTC', i: '5m' }])).toEqual({ coin: 'BTC', interval: '5m' });
    expect(routingHints({ user: USER, fills: [] })).toEqual({ user: USER.toLowerCase() });
    expect(routingHints('text')).toEqual({});
  });

  it('matches a subscription only when no hint contradicts it', () => {
    const candle = { type: 'candle', coin: 'BTC', interval: '1m' };
    expect(matchesHints(candle, { coin: 'BTC', interval: '1m' })).toBe(true);
    expect(matchesHints(candle, { coin: 'BTC', interval: '5m' })).toBe(false);
    expect(matchesHints({ type: 'orderUpdates', user: USER }, {})).toBe(true);
    expect(
      matchesHints({ type: 'userFills', user: USER }, { user: '0x0000000000000000000000000000000000000001' }),
    ).toBe(false);
  });
});
