import { describe, expect, it } from 'vitest';
import { ContractError } from './parse.js';
import { parseSubject, streams, subjects } from './subjects.js';

const s = subjects('mainnet');

describe('subjects', () => {
  it('builds the contract subjects', () => {
    expect(s.trade('BTC')).toBe('hl.mainnet.md.trade.BTC');
    expect(s.book('@107')).toBe('hl.mainnet.md.book.~40107');
    expect(s.candle('1m', 'PURR/USDC')).toBe('hl.mainnet.md.candle.1m.PURR~2FUSDC');
    expect(s.mids()).toBe('hl.mainnet.md.mids._');
    expect(s.mids('xyz')).toBe('hl.mainnet.md.mids.xyz');
    expect(s.gap('ingestor-0')).toBe('hl.mainnet.md.health.gap.ingestor-0');
    expect(s.drift('ingestor-0')).toBe('hl.mainnet.md.health.drift.ingestor-0');
    expect(s.signal('trend', 'xyz:XYZ100')).toBe('hl.mainnet.signal.trend.xyz~3AXYZ100');
    expect(s.order('0x00000000000000000000000000000001')).toBe(
      'hl.mainnet.exec.order.0x00000000000000000000000000000001',
    );
    expect(s.fill('ETH')).toBe('hl.mainnet.acct.fill.ETH');
    expect(s.control('execution')).toBe('hl.mainnet.ctl.execution');
    expect(s.dlq('ingestor')).toBe('hl.mainnet.dlq.ingestor');
  });

  it('round-trips every built subject through parseSubject', () => {
    const t = subjects('sim');
    expect(parseSubject(t.trade('@107'))).toEqual({ net: 'sim', family: 'md', kind: 'trade', coin: '@107' });
    expect(parseSubject(t.candle('1M', 'BTC'))).toEqual({
      net: 'sim',
      family: 'md',
      kind: 'candle',
      interval: '1M',
      coin: 'BTC',
    });
    expect(parseSubject(t.mids())).toEqual({ net: 'sim', family: 'md', kind: 'mids', dex: undefined });
    expect(parseSubject(t.feedHealth('i1'))).toEqual({
      net: 'sim',
      family: 'health',
      kind: 'feed',
      instance: 'i1',
    });
    expect(parseSubject(t.drift('i1'))).toEqual({
      net: 'sim',
      family: 'health',
      kind: 'drift',
      instance: 'i1',
    });
    expect(parseSubject(t.signal('exit', 'PURR/USDC'))).toEqual({
      net: 'sim',
      family: 'signal',
      strategy: 'exit',
      coin: 'PURR/USDC',
    });
    expect(parseSubject(t.balance())).toEqual({ net: 'sim', family: 'acct', kind: 'balance' });
    expect(parseSubject(t.dlq('strategy'))).toEqual({ net: 'sim', family: 'dlq', service: 'strategy' });
  });

  it.each([
    'hl.devnet.md.trade.BTC',
    'xx.sim.md.trade.BTC',
    'hl.sim.md.trade',
    'hl.sim.md.trade.BTC.extra',
    'hl.sim.md.candle.2m.BTC',
    'hl.sim.md.trade.BTC~2e',
    'hl.sim.nope.x',
  ])('refuses %s with a ContractError', (subject) => {
    expect(() => parseSubject(subject)).toThrow(ContractError);
  });

  it('refuses names it cannot put in a subject', () => {
    expect(() => s.signal('my strategy', 'BTC')).toThrow(/strategy name/);
    expect(() => s.feedHealth('a.b')).toThrow(/instance id/);
    expect(() => subjects('sim', 'a.b')).toThrow(ContractError);
  });

  it('streams capture every family of every network and nothing twice', () => {
    const st = streams();
    expect(st.MARKET.subjects).toEqual(['hl.*.md.>']);
    expect(st.EXECUTION.subjects).toEqual(['hl.*.exec.>', 'hl.*.acct.>']);
    expect(streams('t1', 'X_').SIGNALS).toEqual({ name: 'X_SIGNALS', subjects: ['t1.*.signal.>'] });
  });
});
