import { loadFixture } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import {
  isSubscriptionEcho,
  PostRequest,
  SubscribeRequest,
  Subscription,
  subscriptionChannel,
  UnsubscribeRequest,
  WsFrame,
  WsRequest,
} from './messages.js';

const recorded = loadFixture<unknown[]>(new URL('./fixtures/recorded-frames.json', import.meta.url));
const doc = loadFixture<Record<string, unknown>>(new URL('./fixtures/doc-frames.json', import.meta.url));

function issues(input: unknown): string[] {
  const r = WsFrame.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('WsFrame', () => {
  it('accepts every recorded venue frame (trades, [[],[]] book, bbo with one side, ctx, spot ctx)', () => {
    expect(recorded.length).toBeGreaterThan(0);
    for (const f of recorded) expect(issues(f)).toEqual([]);
  });

  it('accepts every documented frame kind', () => {
    for (const [name, f] of Object.entries(doc)) {
      if (name === 'greeting') continue;
      expect({ name, issues: issues(f) }).toEqual({ name, issues: [] });
    }
  });

  it('accepts both candle forms: one object of strings and an array of numbers', () => {
    const obj = WsFrame.parse(doc.candleObject);
    const arr = WsFrame.parse(doc.candleArrayNumeric);
    expect(obj.channel === 'candle' && !Array.isArray(obj.data)).toBe(true);
    expect(arr.channel === 'candle' && Array.isArray(arr.data) && typeof arr.data[0]?.o === 'number').toBe(
      true,
    );
  });

  it('keeps l2Book nSigFigs/mantissa defaults in the ack echo', () => {
    const f = WsFrame.parse(doc.subscribeAckL2Book);
    expect(f.channel === 'subscriptionResponse' && f.data.subscription).toEqual({
      type: 'l2Book',
      coin: 'BTC',
      nSigFigs: null,
      mantissa: null,
    });
  });

  it('rejects corrupt frames with errors that name the field', () => {
    expect(
      issues({
        channel: 'trades',
        data: [{ coin: 'BTC', side: 'X', px: '1', sz: '1', hash: 'h', time: 1, tid: 1 }],
      }),
    ).toEqual(['data.0.side: Invalid option: expected one of "B"|"A"']);
    expect(
      issues({
        channel: 'l2Book',
        data: { coin: 'BTC', time: 1, levels: [[{ px: 1, sz: '1', n: 1 }], []] },
      })[0],
    ).toMatch(/^data\.levels\.0\.0\.px: /);
    // a price with an exponent is not a decimal string
    expect(
      issues({
        channel: 'bbo',
        data: { coin: 'BTC', time: 1, bbo: [{ px: '1e5', sz: '1', n: 1 }, null] },
      })[0],
    ).toMatch(/^data\.bbo\.0\.px: expected a/);
    expect(issues({ channel: 'userFills', data: { user: 'nope', fills: [] } })[0]).toMatch(
      /^data\.user: expected a 0x address/,
    );
    expect(issues({ channel: 'error', data: 42 })).toHaveLength(1);
    expect(issues({ channel: 'nope', data: 1 })).toHaveLength(1);
    // a known user-event key with a corrupt value does not fall through to "other"
    expect(issues({ channel: 'user', data: { funding: { coin: 'BTC' } } }).length).toBeGreaterThan(0);
  });
});

describe('requests', () => {
  it('validates subscribe/unsubscribe for every subscription the services use', () => {
    const u = '0x5e9ee1089755c3435139848e47e6635505d5a13a';
    const subs = [
      { type: 'trades', coin: 'SOL' },
      { type: 'l2Book', coin: 'BTC', nSigFigs: 5, mantissa: 2, fast: true },
      { type: 'l2Book', coin: 'BTC', nSigFigs: null, mantissa: null },
      { type: 'bbo', coin: '@107' },
      { type: 'candle', coin: 'kPEPE', interval: '1h' },
      { type: 'allMids' },
      { type: 'allMids', dex: 'xyz' },
      { type: 'activeAssetCtx', coin: 'PURR/USDC' },
      { type: 'orderUpdates', user: u },
      { type: 'userEvents', user: u },
      { type: 'userFills', user: u, aggregateByTime: false },
      { type: 'userFundings', user: u },
    ];
    for (const subscription of subs) {
      expect(SubscribeRequest.parse({ method: 'subscribe', subscription }).subscription).toEqual(
        subscription,
      );
      expect(UnsubscribeRequest.parse({ method: 'unsubscribe', subscription }).subscription).toEqual(
        subscription,
      );
    }
    expect(Subscription.safeParse({ type: 'candle', coin: 'BTC', interval: '2m' }).success).toBe(false);
    expect(Subscription.safeParse({ type: 'l2Book', coin: 'BTC', nSigFigs: 6 }).success).toBe(false);
    expect(WsRequest.parse({ method: 'ping' })).toEqual({ method: 'ping' });
    expect(
      PostRequest.parse({
        method: 'post',
        id: 123,
        request: { type: 'info', payload: { type: 'l2Book', coin: 'ETH', nSigFigs: 5 } },
      }).request.payload,
    ).toEqual({ type: 'l2Book', coin: 'ETH', nSigFigs: 5 });
  });

  it('names the data channel of each subscription (userEvents → user, spot ctx)', () => {
    expect(
      subscriptionChannel({ type: 'userEvents', user: '0x5e9ee1089755c3435139848e47e6635505d5a13a' }),
    ).toBe('user');
    expect(subscriptionChannel({ type: 'activeAssetCtx', coin: 'BTC' })).toBe('activeAssetCtx');
    expect(subscriptionChannel({ type: 'activeAssetCtx', coin: '@107' })).toBe('activeSpotAssetCtx');
    expect(subscriptionChannel({ type: 'activeAssetCtx', coin: 'PURR/USDC' })).toBe('activeSpotAssetCtx');
    expect(subscriptionChannel({ type: 'candle', coin: 'BTC', interval: '1m' })).toBe('candle');
  });

  it('matches acks by request ⊆ echo', () => {
    expect(
      isSubscriptionEcho(
        { type: 'l2Book', coin: 'BTC' },
        { type: 'l2Book', coin: 'BTC', nSigFigs: null, mantissa: null },
      ),
    ).toBe(true);
    expect(
      isSubscriptionEcho(
        { type: 'l2Book', coin: 'BTC', nSigFigs: 5 },
        { type: 'l2Book', coin: 'BTC', nSigFigs: null },
      ),
    ).toBe(false);
    expect(
      isSubscriptionEcho(
        { type: 'userFills', user: '0x5E9EE1089755c3435139848e47e6635505d5a13a', aggregateByTime: undefined },
        { type: 'userFills', user: '0x5e9ee1089755c3435139848e47e6635505d5a13a', aggregateByTime: false },
      ),
    ).toBe(true);
    expect(isSubscriptionEcho({ type: 'trades', coin: 'SOL' }, { type: 'trades', coin: 'ETH' })).toBe(false);
    expect(isSubscriptionEcho({ type: 'trades' }, null)).toBe(false);
  });
});
