import type { ControlCommand, HealthEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import {
  checkOrder,
  evolveRisk,
  initialRiskState,
  modeChange,
  type RiskFact,
  type RiskLimits,
  type RiskOrder,
  type RiskState,
} from './engine.js';
import { factsFromHealth } from './feed.js';

const LIMITS: RiskLimits = {
  maxOrderNotional: '1000',
  maxPositionNotionalPerCoin: '2000',
  maxTotalPositionNotional: '3000',
  maxOpenOrders: 3,
  maxOrdersPerMinute: 4,
  priceBandBps: 100,
  maxMidAgeMs: 5_000,
  minNotional: '10',
  maxConsecutiveRejects: 3,
};
const NOW = 1_700_000_000_000;

function given(...facts: RiskFact[]): RiskState {
  return facts.reduce((s, f) => evolveRisk(s, f, LIMITS), initialRiskState());
}
const mids = (m: Record<string, string>, atMs = NOW): RiskFact => ({ type: 'midsObserved', mids: m, atMs });
const control = (type: ControlCommand['type'], extra: Record<string, unknown> = {}): RiskFact =>
  ({
    type: 'controlReceived',
    command: { type, v: 1, net: 'sim', id: `c-${type}`, by: 'ops', reason: 'test', atMs: NOW, ...extra },
  }) as RiskFact;
const opened = (
  orderId: string,
  over: Partial<Extract<RiskFact, { type: 'orderOpened' }>> = {},
): RiskFact => ({
  type: 'orderOpened',
  orderId,
  coin: 'ETH',
  side: 'buy',
  sz: '0.01',
  reduceOnly: false,
  atMs: NOW,
  ...over,
});
const order = (over: Partial<RiskOrder> = {}): RiskOrder => ({
  strategy: 'trend',
  coin: 'ETH',
  side: 'buy',
  sz: '0.1',
  px: '3000',
  reduceOnly: false,
  ...over,
});
const withMid = () => given(mids({ ETH: '3000', BTC: '60000' }));

describe('risk engine: checkOrder', () => {
  it('given a fresh mid, when an order is inside every limit, then it passes every rule in order', () => {
    expect(checkOrder(withMid(), order(), NOW, LIMITS)).toEqual({
      ok: true,
      checks: [
        'mode',
        'strategyEnabled',
        'reduceOnlyMode',
        'minNotional',
        'maxOrderNotional',
        'priceBand',
        'maxPositionPerCoin',
        'maxTotalPosition',
        'maxOpenOrders',
        'ordersPerMinute',
      ],
    });
  });

  it('rejects an order below the minimum notional, exactly at the boundary', () => {
    // 3000 × 0.0033 = 9.9 < 10; 3000 × 0.00334 = 10.02
    expect(checkOrder(withMid(), order({ sz: '0.0033' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'minNotional',
      reason: 'order value 9.9 is below the minimum 10',
    });
    expect(checkOrder(withMid(), order({ sz: '0.00334' }), NOW, LIMITS).ok).toBe(true);
  });

  it('rejects an order above the max order notional', () => {
    expect(checkOrder(withMid(), order({ sz: '0.34' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'maxOrderNotional',
    });
  });

  it('fat finger: rejects a price more than the band from the mid, accepts one at the band', () => {
    expect(checkOrder(withMid(), order({ px: '3030.01', sz: '0.01' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'priceBand',
      reason: 'price 3030.01 is more than 100 bps from the mid 3000',
    });
    expect(checkOrder(withMid(), order({ px: '2970', sz: '0.01' }), NOW, LIMITS).ok).toBe(true);
  });

  it('rejects when there is no mid, or the mid is stale', () => {
    expect(checkOrder(given(), order(), NOW, LIMITS)).toMatchObject({ ok: false, rule: 'priceBand' });
    const stale = given(mids({ ETH: '3000' }, NOW - 5_001));
    expect(checkOrder(stale, order(), NOW, LIMITS)).toMatchObject({ ok: false, rule: 'priceBand' });
  });

  it('max position per coin counts the position and same-side open orders', () => {
    const s = given(
      mids({ ETH: '3000' }),
      { type: 'positionObserved', coin: 'ETH', szi: '0.5' },
      opened('a', { sz: '0.1' }),
    );
    // 0.5 + 0.1 + 0.1 = 0.7 ETH = 2100 USD > 2000
    expect(checkOrder(s, order({ sz: '0.1' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'maxPositionPerCoin',
    });
    // an opposite-side order is not pending exposure on this side
    expect(checkOrder(s, order({ sz: '0.05' }), NOW, LIMITS).ok).toBe(true);
  });

  it('max total position sums every coin at its mid', () => {
    const s = given(mids({ ETH: '3000', BTC: '60000' }), {
      type: 'positionObserved',
      coin: 'BTC',
      szi: '-0.045',
    });
    // BTC 2700 + ETH 0.1×3000 = 3000 → at the limit; 0.11 → above
    expect(checkOrder(s, order({ sz: '0.1' }), NOW, LIMITS).ok).toBe(true);
    expect(checkOrder(s, order({ sz: '0.11' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'maxTotalPosition',
    });
  });

  it('an order that only reduces a position skips the position limits', () => {
    const s = given(mids({ ETH: '3000' }), { type: 'positionObserved', coin: 'ETH', szi: '0.9' });
    expect(checkOrder(s, order({ side: 'sell', sz: '0.3' }), NOW, LIMITS)).toMatchObject({
      ok: true,
      checks: expect.not.arrayContaining(['maxPositionPerCoin']),
    });
  });

  it('max open orders', () => {
    const s = given(mids({ ETH: '3000' }), opened('a'), opened('b'), opened('c', { side: 'sell' }));
    expect(checkOrder(s, order({ sz: '0.01' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'maxOpenOrders',
    });
    const closed = evolveRisk(s, { type: 'orderClosed', orderId: 'a' }, LIMITS);
    expect(checkOrder(closed, order({ sz: '0.01' }), NOW, LIMITS).ok).toBe(true);
  });

  it('orders per minute: a sliding minute', () => {
    let s = given(mids({ ETH: '3000' }, NOW + 30_000));
    for (const [i, t] of [NOW, NOW + 10_000, NOW + 20_000, NOW + 30_000].entries()) {
      s = evolveRisk(s, opened(`o${i}`, { atMs: t }), LIMITS);
      s = evolveRisk(s, { type: 'orderClosed', orderId: `o${i}` }, LIMITS);
    }
    expect(checkOrder(s, order({ sz: '0.01' }), NOW + 30_000, LIMITS)).toMatchObject({
      ok: false,
      rule: 'ordersPerMinute',
    });
    // the first one is a minute old at NOW + 60 000
    s = evolveRisk(s, mids({ ETH: '3000' }, NOW + 60_000), LIMITS);
    expect(checkOrder(s, order({ sz: '0.01' }), NOW + 60_000, LIMITS).ok).toBe(true);
  });

  it('a disabled strategy is refused until enabled again', () => {
    const s = given(mids({ ETH: '3000' }), control('disableStrategy', { strategy: 'trend' }));
    expect(checkOrder(s, order(), NOW, LIMITS)).toMatchObject({ ok: false, rule: 'strategyEnabled' });
    expect(checkOrder(s, order({ strategy: 'other' }), NOW, LIMITS).ok).toBe(true);
    const again = evolveRisk(s, control('enableStrategy', { strategy: 'trend' }), LIMITS);
    expect(checkOrder(again, order(), NOW, LIMITS).ok).toBe(true);
  });

  it('fills move the position and shrink the open order', () => {
    const s = given(mids({ ETH: '3000' }), opened('a', { sz: '0.3' }), {
      type: 'orderFilled',
      orderId: 'a',
      coin: 'ETH',
      side: 'buy',
      fillSz: '0.1',
      complete: false,
    });
    expect(s.positions.get('ETH')).toBe(100_000_000_000_000_000n);
    expect(s.openOrders.get('a')?.sz).toBe(200_000_000_000_000_000n);
    const done = evolveRisk(
      s,
      { type: 'orderFilled', orderId: 'a', coin: 'ETH', side: 'buy', fillSz: '0.2', complete: true },
      LIMITS,
    );
    expect(done.openOrders.size).toBe(0);
  });
});

describe('risk engine: modes', () => {
  it('HALTED by an operator refuses everything, even exits; resume restores ACTIVE', () => {
    const before = given(mids({ ETH: '3000' }), { type: 'positionObserved', coin: 'ETH', szi: '1' });
    const halted = evolveRisk(before, control('halt'), LIMITS);
    expect(modeChange(before, halted)).toEqual({
      state: 'HALTED',
      previous: 'ACTIVE',
      reason: 'ops: test',
      cause: 'operator',
    });
    expect(checkOrder(halted, order({ side: 'sell', sz: '0.1' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'mode',
    });
    const resumed = evolveRisk(halted, control('resume'), LIMITS);
    expect(resumed.mode).toBe('ACTIVE');
  });

  it('REDUCE_ONLY allows only orders that shrink a position', () => {
    const s = given(
      mids({ ETH: '3000' }),
      { type: 'positionObserved', coin: 'ETH', szi: '0.5' },
      control('reduceOnly'),
    );
    expect(s.mode).toBe('REDUCE_ONLY');
    expect(checkOrder(s, order({ side: 'buy', sz: '0.1' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'reduceOnlyMode',
    });
    expect(checkOrder(s, order({ side: 'sell', sz: '0.3' }), NOW, LIMITS).ok).toBe(true);
    // more than the position would flip it: not a reduction
    expect(checkOrder(s, order({ side: 'sell', sz: '0.6' }), NOW, LIMITS)).toMatchObject({
      ok: false,
      rule: 'reduceOnlyMode',
    });
  });

  it('repeated venue rejects halt by themselves; an accepted order resets the count', () => {
    const reject = (id: string): RiskFact => ({ type: 'orderRejectedByVenue', orderId: id, error: 'margin' });
    const two = given(reject('a'), reject('b'));
    expect(two.mode).toBe('ACTIVE');
    const reset = evolveRisk(two, { type: 'orderAcceptedByVenue', orderId: 'c' }, LIMITS);
    expect(evolveRisk(reset, reject('d'), LIMITS).mode).toBe('ACTIVE');
    const three = evolveRisk(two, reject('e'), LIMITS);
    expect(modeChange(two, three)).toEqual({
      state: 'HALTED',
      previous: 'ACTIVE',
      reason: '3 venue rejects in a row, last: margin',
      cause: 'rejects',
    });
    // it stays halted when the feed comes and goes: only an operator resumes it
    expect(evolveRisk(three, { type: 'feedRestored', key: 'ing/*' }, LIMITS).mode).toBe('HALTED');
  });

  it('losing the market-data feed enters REDUCE_ONLY; recovery of every lost feed returns to ACTIVE', () => {
    const health = (
      status: 'disconnected' | 'stale' | 'connected' | 'recovered',
      coin?: string,
    ): HealthEvent => ({
      type: 'feedHealth',
      v: 1,
      net: 'sim',
      id: `h-${status}-${coin ?? ''}`,
      instance: 'ing1',
      status,
      ...(coin === undefined ? {} : { subscription: { channel: 'l2Book', coin } }),
      atMs: NOW,
    });
    const apply = (s: RiskState, e: HealthEvent) =>
      factsFromHealth(e).reduce((acc, f) => evolveRisk(acc, f, LIMITS), s);
    let s = apply(withMid(), health('stale', 'ETH'));
    expect(s.mode).toBe('REDUCE_ONLY');
    s = apply(s, health('disconnected'));
    s = apply(s, health('recovered', 'ETH'));
    expect(s.mode).toBe('REDUCE_ONLY'); // the connection is still down
    s = apply(s, health('connected'));
    expect(s.mode).toBe('ACTIVE');
    // a gap marker is history, not a live outage
    expect(
      factsFromHealth({
        type: 'gap',
        v: 1,
        net: 'sim',
        id: 'g',
        instance: 'ing1',
        subscriptions: [],
        fromMs: 1,
        toMs: 2,
        reason: 'reconnect',
        backfilled: false,
      }),
    ).toEqual([]);
  });

  it('a WS/REST drift on a subscription enters REDUCE_ONLY until the cross-check resolves it', () => {
    const drift = (status: 'detected' | 'resolved'): HealthEvent => ({
      type: 'drift',
      v: 1,
      net: 'sim',
      id: `d-${status}`,
      instance: 'ing1',
      status,
      subscription: { channel: 'l2Book', coin: 'BTC' },
      check: 'book',
      detail: 'bid 100 ask 101 vs bid 95 ask 96',
      atMs: NOW,
    });
    const apply = (s: RiskState, e: HealthEvent) =>
      factsFromHealth(e).reduce((acc, f) => evolveRisk(acc, f, LIMITS), s);
    let s = apply(withMid(), drift('detected'));
    expect(s.mode).toBe('REDUCE_ONLY');
    expect(s.modeReason).toContain('drift (book)');
    // a stale/recovered cycle of the same subscription does not lift the drift
    s = factsFromHealth({
      type: 'feedHealth',
      v: 1,
      net: 'sim',
      id: 'r',
      instance: 'ing1',
      status: 'recovered',
      subscription: { channel: 'l2Book', coin: 'BTC' },
      atMs: NOW,
    }).reduce((acc, f) => evolveRisk(acc, f, LIMITS), s);
    expect(s.mode).toBe('REDUCE_ONLY');
    s = apply(s, drift('resolved'));
    expect(s.mode).toBe('ACTIVE');
  });

  it('an operator REDUCE_ONLY is not lifted by a feed recovery', () => {
    const s = given(
      control('reduceOnly'),
      { type: 'feedLost', key: 'i/*', detail: 'x' },
      {
        type: 'feedRestored',
        key: 'i/*',
      },
    );
    expect(s.mode).toBe('REDUCE_ONLY');
    expect(s.modeCause).toBe('operator');
  });
});

describe('mids from market events', () => {
  it('allMids as they are; a BBO as the middle of bid and ask; a one-sided BBO gives nothing', async () => {
    const { midsFrom } = await import('./mids.js');
    const stamps = { exchTsMs: NOW, recvTsMs: NOW };
    expect(midsFrom({ type: 'mids', v: 1, net: 'sim', id: 'm', mids: { ETH: '3000.5' }, ...stamps })).toEqual(
      {
        ETH: '3000.5',
      },
    );
    const level = (px: string) => ({ px, sz: '1', n: 1 });
    const bbo = { type: 'bbo' as const, v: 1 as const, net: 'sim' as const, id: 'b', coin: 'ETH', ...stamps };
    expect(midsFrom({ ...bbo, bid: level('2999.9'), ask: level('3000.2') })).toEqual({ ETH: '3000.05' });
    expect(midsFrom({ ...bbo, bid: null, ask: level('3000') })).toEqual({});
  });
});
