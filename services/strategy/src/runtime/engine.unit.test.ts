import { describe, expect, it } from 'vitest';
import { fill, gap, position, trade } from '../test-support/events.js';
import { mergeByTime, timeOf } from './engine.js';

describe('rebuild ordering across streams', () => {
  it('orders by event time: market by receive time, gaps by their end, fills by exchange time, positions by atMs', () => {
    expect(timeOf(trade('BTC', 10, '1', { recvTsMs: 12 }))).toBe(12);
    expect(timeOf(gap('BTC', 5, 9))).toBe(9);
    expect(timeOf(fill('BTC', 7, 'buy', '1', '1', '0'))).toBe(7);
    expect(timeOf(position('BTC', 8, '1', '1'))).toBe(8);
  });
  it('merges two ordered streams by time, keeping each stream’s own order and market first on ties', () => {
    const md = [
      trade('BTC', 1, '1', { recvTsMs: 1 }),
      trade('BTC', 5, '1', { recvTsMs: 5 }),
      trade('BTC', 9, '1', { recvTsMs: 9 }),
    ].map((event, i) => ({ seq: i + 1, event }));
    const acct = [position('BTC', 5, '1', '1'), fill('BTC', 6, 'sell', '1', '1', '1')].map((event, i) => ({
      seq: i + 1,
      event,
    }));
    expect(mergeByTime(md, acct).map((x) => `${x.event.type}@${timeOf(x.event)}`)).toEqual([
      'trade@1',
      'trade@5',
      'position@5',
      'fill@6',
      'trade@9',
    ]);
  });
});
