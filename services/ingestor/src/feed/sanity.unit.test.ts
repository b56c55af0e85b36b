import type { MarketEvent, TradeEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { planSubscriptions } from '../config/plan.js';
import { sanityProblem, subscribedCoins } from './sanity.js';

const subscribed = subscribedCoins(
  planSubscriptions({
    coins: ['BTC'],
    channels: ['trades', 'l2Book', 'candle', 'allMids'],
    candleIntervals: ['1m'],
    book: { fast: false },
    ownsGlobal: true,
    staleAfterMs: 0,
  }),
);
const trade = (over: Partial<TradeEvent> = {}): TradeEvent => ({
  type: 'trade',
  v: 1,
  net: 'sim',
  id: 'trade:sim:BTC:1:1',
  coin: 'BTC',
  side: 'buy',
  px: '69997.5',
  sz: '0.00100000',
  tid: 1,
  hash: '0x1',
  exchTsMs: 1,
  recvTsMs: 1,
  ...over,
});

describe('sanityProblem', () => {
  it('passes ordinary events, trailing zeros included', () => {
    expect(sanityProblem(trade(), subscribed)).toBeUndefined();
    expect(sanityProblem(trade({ px: '0.00000001', sz: '123456789012345' }), subscribed)).toBeUndefined();
  });

  it('refuses a zero price or size', () => {
    expect(sanityProblem(trade({ sz: '0' }), subscribed)).toEqual({
      reason: 'nonPositive',
      problems: ['sz: must be positive, got 0'],
    });
    expect(sanityProblem(trade({ px: '0.000' }), subscribed)?.reason).toBe('nonPositive');
  });

  it('refuses more digits than any venue price or size has', () => {
    expect(sanityProblem(trade({ px: '9'.repeat(200) }), subscribed)?.reason).toBe('precision');
    expect(sanityProblem(trade({ sz: '0.123456789' }), subscribed)?.problems).toEqual([
      'sz: 1 integer and 9 decimal digits (at most 15 and 8)',
    ]);
    expect(sanityProblem(trade({ px: '1234567890123456' }), subscribed)?.reason).toBe('precision');
  });

  it('refuses a coin never subscribed on that channel; mids carry every coin', () => {
    expect(sanityProblem(trade({ coin: 'ETH' }), subscribed)?.reason).toBe('unsubscribedCoin');
    const bbo: MarketEvent = {
      type: 'bbo',
      v: 1,
      net: 'sim',
      id: 'bbo:sim:BTC:1',
      coin: 'BTC',
      bid: null,
      ask: null,
      exchTsMs: 1,
      recvTsMs: 1,
    };
    expect(sanityProblem(bbo, subscribed)?.reason).toBe('unsubscribedCoin');
    const mids: MarketEvent = {
      type: 'mids',
      v: 1,
      net: 'sim',
      id: 'mids:sim:_:1',
      mids: { ETH: '1' },
      exchTsMs: 1,
      recvTsMs: 1,
    };
    expect(sanityProblem(mids, subscribed)).toBeUndefined();
  });

  it('checks every book level', () => {
    const book: MarketEvent = {
      type: 'book',
      v: 1,
      net: 'sim',
      id: 'book:sim:BTC:1:full',
      coin: 'BTC',
      bids: [{ px: '100', sz: '1', n: 1 }],
      asks: [
        { px: '101', sz: '1', n: 1 },
        { px: '102', sz: '0', n: 1 },
      ],
      nSigFigs: null,
      mantissa: null,
      exchTsMs: 1,
      recvTsMs: 1,
    };
    expect(sanityProblem(book, subscribed)).toEqual({
      reason: 'nonPositive',
      problems: ['asks.1.sz: must be positive, got 0'],
    });
  });
});
