import { describe, expect, it } from 'vitest';
import { formatMessage } from './tap.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('tap formatting', () => {
  it('prints JSON lines with the subject in --json mode', () => {
    expect(JSON.parse(formatMessage('hl.sim.md.trade.BTC', enc({ type: 'trade', px: '1' }), true))).toEqual({
      subject: 'hl.sim.md.trade.BTC',
      data: { type: 'trade', px: '1' },
    });
  });

  it('pretty-prints the type and fields without envelope noise', () => {
    const line = formatMessage(
      'hl.sim.md.trade.BTC',
      enc({ type: 'trade', v: 1, net: 'sim', id: 'x', px: '1.50' }),
      false,
    );
    expect(line).toMatch(/hl\.sim\.md\.trade\.BTC {2}trade px=1\.50$/);
  });

  it('shows payloads that are not JSON instead of failing', () => {
    expect(formatMessage('a', enc('plain'), false)).toContain('(not JSON) plain');
    expect(JSON.parse(formatMessage('a', enc('plain'), true))).toEqual({ subject: 'a', raw: 'plain' });
  });
});
