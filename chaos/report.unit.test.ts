import { describe, expect, it } from 'vitest';
import { ended, judge, renderReliability, tally } from './report.js';

const filled = [
  { type: 'orderRequested' },
  { type: 'orderSigned' },
  { type: 'orderSubmitted' },
  { type: 'orderFilled', oid: 7 },
];

describe('judge: one signal against its events and the venue', () => {
  it('one venue order and a logged outcome: survived', () => {
    expect(judge(filled, [7])).toEqual({ kind: 'survived' });
  });
  it('two venue orders for one signal: duplicated, whatever the log says', () => {
    expect(judge(filled, [7, 8])).toEqual({ kind: 'duplicated', orders: 2 });
  });
  it('no venue order and no terminal event: lost, naming the last step', () => {
    expect(judge([{ type: 'orderRequested' }, { type: 'orderSubmitted' }], [])).toEqual({
      kind: 'lost',
      last: 'orderSubmitted',
    });
    expect(judge([], [])).toEqual({ kind: 'lost', last: 'no event' });
  });
  it('a venue refusal with its error: refused, definitive', () => {
    const ev = [{ type: 'orderSubmitted' }, { type: 'orderRejected', error: 'Invalid nonce' }];
    expect(judge(ev, [])).toEqual({ kind: 'refused', how: 'orderRejected: Invalid nonce', definitive: true });
  });
  it('an expired deadline or a risk refusal: refused, not definitive', () => {
    expect(judge([{ type: 'orderExpired', reason: 'signalTtl' }], [])).toMatchObject({
      kind: 'refused',
      definitive: false,
    });
    expect(judge([{ type: 'riskRejected', reason: 'price band' }], [])).toMatchObject({
      kind: 'refused',
      definitive: false,
    });
  });
  it('a reconciliation that found the order filled is the venue holding it', () => {
    const ev = [
      { type: 'orderSubmitted' },
      { type: 'orderOutcomeUnknown', reason: 'timeout' },
      { type: 'orderReconciled', venueStatus: 'filled' },
    ];
    expect(judge(ev, [7])).toEqual({ kind: 'survived' });
    expect(ended(ev)).toBe(true);
    expect(ended(ev.slice(0, 2))).toBe(false);
  });
  it('the log names another oid than the venue: disagree', () => {
    expect(judge(filled, [9])).toMatchObject({ kind: 'disagree' });
  });
  it('the log and the venue disagree either way', () => {
    expect(judge([{ type: 'orderExpired', reason: 'signalTtl' }], [7]).kind).toBe('disagree');
    expect(judge([{ type: 'orderSubmitted' }], [7]).kind).toBe('disagree');
    expect(judge(filled, []).kind).toBe('disagree');
  });
});

describe('tally and RELIABILITY.md', () => {
  it('groups refusal reasons by kind, numbers left out', () => {
    const f = tally(
      [
        judge([{ type: 'orderRejected', error: 'Invalid nonce: nonce too low 12 < 15' }], []),
        judge([{ type: 'orderRejected', error: 'Invalid nonce: nonce too low 20 < 31' }], []),
      ],
      { faults: {}, orphans: 0, durationS: 1, when: 'now' },
    );
    expect(f.refusalReasons).toEqual({ 'orderRejected: Invalid nonce: nonce too low N < N': 2 });
  });
  it('counts each verdict and writes the figures', () => {
    const f = tally(
      [
        judge(filled, [7]),
        judge(filled, [7, 8]),
        judge([], []),
        judge([{ type: 'orderRejected', error: 'x' }], []),
      ],
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
