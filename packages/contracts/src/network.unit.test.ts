import { describe, expect, it } from 'vitest';
import { networkProblems } from './network.js';

describe('networkProblems', () => {
  it('accepts a message of our network on our subject, and one without an envelope net', () => {
    expect(networkProblems('hl.sim.signal.s.BTC', { net: 'sim' }, 'sim')).toEqual([]);
    expect(networkProblems('t1.sim.dlq.x', { reason: 'x' }, 'sim', 't1')).toEqual([]);
  });

  it('refuses a mainnet signal on a sim subject, and a sim signal on a mainnet subject', () => {
    expect(networkProblems('hl.sim.signal.s.BTC', { net: 'mainnet' }, 'sim')).toEqual([
      'net: "mainnet" on hl.sim.signal.s.BTC, but this service runs on sim',
    ]);
    expect(networkProblems('hl.mainnet.signal.s.BTC', { net: 'sim' }, 'mainnet')).toHaveLength(1);
  });

  it('refuses a subject of another network or root even when the envelope agrees with us', () => {
    expect(networkProblems('hl.testnet.ctl.all', { net: 'sim' }, 'sim')).toEqual([
      'subject: hl.testnet.ctl.all is not under hl.sim. (this service runs on sim)',
    ]);
    expect(networkProblems('other.sim.ctl.all', { net: 'sim' }, 'sim')).toHaveLength(1);
  });
});
