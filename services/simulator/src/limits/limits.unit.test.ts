import { describe, expect, it } from 'vitest';
import { SCALE } from '../market/decimal.js';
import { AddressBudget } from './address-budget.js';
import { IpWeights } from './ip-weights.js';
import { exchangeWeight, infoBaseWeight, infoExtraWeight } from './weights.js';

describe('limits', () => {
  it('given 1200/min, when the 1201st weight arrives within the minute, then it is refused; a minute later it fits', () => {
    const w = new IpWeights(1200);
    for (let i = 0; i < 600; i++) expect(w.tryDebit('ip', 2, 1000 + i)).toBe(true);
    expect(w.tryDebit('ip', 1, 2000)).toBe(false);
    expect(w.tryDebit('other', 1, 2000)).toBe(true);
    expect(w.tryDebit('ip', 2, 61_001)).toBe(true);
  });

  it('given the doc table, when weighing, then weights match §7.1', () => {
    expect([1, 39, 40, 79, 80].map(exchangeWeight)).toEqual([1, 1, 2, 2, 3]);
    expect(infoBaseWeight('l2Book')).toBe(2);
    expect(infoBaseWeight('meta')).toBe(20);
    expect(infoBaseWeight('userRole')).toBe(60);
    expect(infoExtraWeight('userFills', 41)).toBe(3);
    expect(infoExtraWeight('candleSnapshot', 61)).toBe(2);
  });

  it('given an exhausted address budget, when acting, then the venue string; cancels keep headroom', () => {
    const b = new AddressBudget(2);
    expect(b.use('u', 2, 0n, false, 0)).toBeUndefined();
    expect(b.use('u', 1, 0n, false, 0)).toBeUndefined(); // one allowed per 10 s over budget
    expect(b.use('u', 1, 0n, false, 1)).toBe(
      'Too many cumulative requests sent (4 > 2) for cumulative volume traded $0.00. Place taker orders to free up 1 request per USDC traded.',
    );
    expect(b.use('u', 1, 0n, true, 1)).toBeUndefined();
    expect(b.use('u', 1, 5n * SCALE, false, 2)).toBeUndefined();
    expect(b.state('u', 5n * SCALE)).toMatchObject({ nRequestsUsed: 5, nRequestsCap: 7 });
  });
});
