import { subjects } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { fromScaled, newLiveStats, observe, render, Samples, tick, toScaled } from './live-stats.js';

const s = subjects('sim');

describe('live view stats', () => {
  it('counts messages per kind per second and in total', () => {
    const stats = newLiveStats();
    observe(stats, s.trade('BTC'), { recvTsMs: 1000 }, 1002);
    observe(stats, s.trade('@107'), { recvTsMs: 1000 }, 1004);
    observe(stats, s.candle('1m', 'BTC'), {}, 1004);
    tick(stats);
    observe(stats, s.trade('BTC'), { recvTsMs: 1000 }, 1001);
    expect(stats.lastRates.get('trade')).toBe(2);
    expect(stats.totals.get('trade')).toBe(3);
    expect(stats.totals.get('candle.1m')).toBe(1);
    expect(stats.deliveryMs.percentile(50)).toBe(2);
  });

  it('sums realized P&L and fees exactly from decimal strings', () => {
    const stats = newLiveStats();
    for (let i = 0; i < 10; i++) observe(stats, s.fill('BTC'), { closedPnl: '0.1', fee: '0.01' }, 0);
    // ten times 0.1 in floats is 0.9999999999999999; here it is exactly 1
    expect(stats.realizedPnl).toBe(toScaled('1'));
    expect(fromScaled(stats.realizedPnl - stats.fees)).toBe('0.90');
  });

  it('records feed health, gaps, signals with tick-to-signal latency, and unknown subjects', () => {
    const stats = newLiveStats();
    observe(stats, s.feedHealth('i0'), { type: 'feedHealth', status: 'stale' }, 0);
    observe(stats, s.gap('i1'), { type: 'gap', fromMs: 5, toMs: 9 }, 0);
    observe(
      stats,
      s.signal('trend', 'BTC'),
      {
        strategy: 'trend',
        side: 'buy',
        size: '1',
        reason: 'cross',
        createdAtMs: 105,
        causes: [{ recvTsMs: 100 }],
      },
      0,
    );
    observe(stats, 'somewhere.else', {}, 0);
    const text = render(stats, ['header']);
    expect(text).toContain('i0=stale');
    expect(text).toContain('i1=gap 5→9');
    expect(text).toContain('trend buy 1 BTC: cross');
    expect(stats.tickToSignalMs.percentile(99)).toBe(5);
    expect(text).toContain('1 messages on unknown subjects');
  });

  it('keeps a bounded window of samples', () => {
    const samples = new Samples(3);
    for (const v of [100, 1, 2, 3]) samples.add(v);
    expect(samples.count).toBe(3);
    expect(samples.percentile(100)).toBe(3);
  });

  it('converts negative and long decimals', () => {
    expect(fromScaled(toScaled('-12.345678'), 3)).toBe('-12.345');
    expect(toScaled('nonsense')).toBe(0n);
  });
});
