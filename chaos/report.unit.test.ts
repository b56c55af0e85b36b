import { describe, expect, it } from 'vitest';
import { judge, renderReliability, tally } from './report.js';

const filled = [
  { type: 'orderRequested' },
  { type: 'orderSigned' },
  { type: 'orderSubmitted' },
  { type: 'orderFilled', oid: 7 },
];

describe('judge: one signal against its events and the venue', () => {
  it('one venue order and a logged outcome: survived', () => {
    expect(judge(filled, 1)).toEqual({ kind: 'survived' });
  });
  it('two venue orders for one signal: duplicated, whatever the log says', () => {
    expect(judge(filled, 2)).toEqual({ kind: 'duplicated', orders: 2 });
  });
  it('no venue order and no terminal event: lost, naming the last step', () => {
    expect(judge([{ type: 'orderRequested' }, { type: 'orderSubmitted' }], 0)).toEqual({
      kind: 'lost',
      last: 'orderSubmitted',
    });
    expect(judge([], 0)).toEqual({ kind: 'lost', last: 'no event' });
  });
  it('a venue refusal with its error: refused, definitive', () => {
    const ev = [{ type: 'orderSubmitted' }, { type: 'orderRejected', error: 'Invalid nonce' }];
    expect(judge(ev, 0)).toEqual({ kind: 'refused', how: 'orderRejected: Invalid nonce', definitive: true });
  });
  it('an expired deadline or a risk refusal: refused, not definitive', () => {
    expect(judge([{ type: 'orderExpired', reason: 'signalTtl' }], 0)).toMatchObject({
      kind: 'refused',
      definitive: false,
    });
    expect(judge([{ type: 'riskRejected', reason: 'price band' }], 0)).toMatchObject({
      kind: 'refused',
      definitive: false,
    });
  });
  it('the log and the venue disagree either way', () => {
    expect(judge([{ type: 'orderExpired', reason: 'signalTtl' }], 1).kind).toBe('disagree');
    expect(judge([{ type: 'orderSubmitted' }], 1).kind).toBe('disagree');
    expect(judge(filled, 0).kind).toBe('disagree');
  });
});

describe('tally and RELIABILITY.md', () => {
  it('counts each verdict and writes the figures', () => {
    const f = tally(
      [judge(filled, 1), judge(filled, 2), judge([], 0), judge([{ type: 'orderRejected', error: 'x' }], 0)],
      { faults: { 'kill -9 leader': 3 }, orphans: 0, durationS: 5, when: '2026-12-02T00:00:00.000Z' },
    );
    expect(f).toMatchObject({
      signals: 4,
      survived: 1,
      duplicated: 1,
      lost: 1,
      refusedDefinitive: 1,
      refusedOther: 0,
    });
    const md = renderReliability(f);
    expect(md).toContain('| signals | 4 |');
    expect(md).toContain('| kill -9 leader | 3 |');
    expect(md).toContain('| orderRejected: x | 1 |');
  });
});
