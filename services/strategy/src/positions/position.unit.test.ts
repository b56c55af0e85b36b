import { describe, expect, it } from 'vitest';
import { fill, position } from '../test-support/events.js';
import { applyAccount, FLAT } from './position.js';

describe('position from account events', () => {
  it('given flat, when a buy fills, then long at the fill price', () => {
    expect(applyAccount(FLAT, fill('BTC', 1, 'buy', '100', '2', '0'))).toEqual({ szi: '2', entryPx: '100' });
  });
  it('when adding, averages the entry exactly', () => {
    const p = applyAccount({ szi: '2', entryPx: '100' }, fill('BTC', 2, 'buy', '103', '1', '2'));
    expect(p).toEqual({ szi: '3', entryPx: '101' });
  });
  it('when reducing, keeps the entry; when closing, is flat', () => {
    const p = applyAccount({ szi: '3', entryPx: '101' }, fill('BTC', 3, 'sell', '110', '1', '3'));
    expect(p).toEqual({ szi: '2', entryPx: '101' });
    expect(applyAccount(p, fill('BTC', 4, 'sell', '110', '2', '2'))).toEqual(FLAT);
  });
  it('when a fill flips the side, takes the fill price as entry', () => {
    const p = applyAccount({ szi: '1', entryPx: '100' }, fill('BTC', 5, 'sell', '90', '3', '1'));
    expect(p).toEqual({ szi: '-2', entryPx: '90' });
  });
  it('trusts the venue startPosition over what it had (a missed fill heals)', () => {
    const p = applyAccount({ szi: '1', entryPx: '100' }, fill('BTC', 6, 'buy', '100', '1', '4'));
    expect(p).toEqual({ szi: '5', entryPx: null });
  });
  it('a position event replaces the position', () => {
    expect(applyAccount(FLAT, position('BTC', 7, '-0.5', '2000.5'))).toEqual({
      szi: '-0.5',
      entryPx: '2000.5',
    });
    expect(applyAccount({ szi: '1', entryPx: '1' }, position('BTC', 8, '0.0', null))).toEqual(FLAT);
  });
});
