import { describe, expect, it } from 'vitest';
import { type PlanInput, planSubscriptions } from './plan.js';

const input: PlanInput = {
  coins: ['BTC', 'ETH'],
  channels: ['trades', 'l2Book', 'bbo', 'candle', 'activeAssetCtx', 'allMids'],
  candleIntervals: ['1m', '1h'],
  book: { nSigFigs: 5, mantissa: 2, fast: true },
  ownsGlobal: true,
  staleAfterMs: 10_000,
};

describe('planSubscriptions', () => {
  it('expands coins × channels × intervals, with allMids once', () => {
    const plan = planSubscriptions(input);
    // per coin: trades, l2Book, bbo, 2 candles, ctx = 6; plus one allMids
    expect(plan).toHaveLength(13);
    expect(plan.filter((p) => p.channel === 'allMids')).toHaveLength(1);
    expect(plan.find((p) => p.channel === 'l2Book')?.venue).toEqual({
      type: 'l2Book',
      coin: 'BTC',
      nSigFigs: 5,
      mantissa: 2,
      fast: true,
    });
    expect(plan.find((p) => p.channel === 'candle')?.feed).toEqual({
      channel: 'candle',
      coin: 'BTC',
      interval: '1m',
    });
  });

  it('watches only continuously ticking channels for staleness', () => {
    const stale = planSubscriptions(input)
      .filter((p) => p.staleAfterMs !== undefined)
      .map((p) => p.channel);
    expect(new Set(stale)).toEqual(new Set(['l2Book', 'allMids']));
    expect(planSubscriptions({ ...input, staleAfterMs: 0 }).some((p) => p.staleAfterMs !== undefined)).toBe(
      false,
    );
  });

  it('leaves allMids to the replica that owns global subscriptions, even with no coins', () => {
    expect(planSubscriptions({ ...input, ownsGlobal: false }).some((p) => p.channel === 'allMids')).toBe(
      false,
    );
    expect(planSubscriptions({ ...input, coins: [] }).map((p) => p.channel)).toEqual(['allMids']);
  });

  it('applies per-coin channel overrides', () => {
    const plan = planSubscriptions({ ...input, channels: ['trades'], coinChannels: { ETH: ['bbo'] } });
    expect(plan.map((p) => `${p.channel}:${p.coin}`)).toEqual(['trades:BTC', 'bbo:ETH']);
  });

  it('refuses more subscriptions than the venue allows per IP', () => {
    const coins = Array.from({ length: 200 }, (_, i) => `C${i}`);
    expect(() => planSubscriptions({ ...input, coins })).toThrow(/1000/);
  });
});
