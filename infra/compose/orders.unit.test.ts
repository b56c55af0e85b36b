import { describe, expect, it } from 'vitest';
import { duplicateVenueOrders } from './orders.js';

const requested = (orderId: string, signalId: string) => ({ type: 'orderRequested', orderId, signalId });
const resting = (orderId: string, oid: number) => ({ type: 'orderResting', orderId, oid });
const filled = (orderId: string, oid: number) => ({ type: 'orderFilled', orderId, oid });
const venueOrder = (oid: number) => ({ kind: 'order', oid });

describe('duplicateVenueOrders', () => {
  it('counts none when every signal reached the venue once, as one recorded oid', () => {
    const events = [
      requested('c1', 's1'),
      resting('c1', 7),
      filled('c1', 7),
      requested('c2', 's2'),
      filled('c2', 8),
    ];
    const ledger = [venueOrder(7), venueOrder(8), { kind: 'fill', oid: 7 }];
    expect(duplicateVenueOrders(events, ledger)).toEqual({
      duplicates: 0,
      sameCloid: 0,
      sameSignal: 0,
      unrecorded: 0,
    });
  });

  it('counts a cloid sent twice (two oids), a signal sent as two cloids, and an unrecorded venue order', () => {
    const events = [
      requested('c1', 's1'),
      resting('c1', 7),
      resting('c1', 9),
      requested('c2', 's2'),
      filled('c2', 10),
      requested('c3', 's2'),
      filled('c3', 11),
    ];
    const ledger = [venueOrder(7), venueOrder(9), venueOrder(10), venueOrder(11), venueOrder(12)];
    expect(duplicateVenueOrders(events, ledger)).toEqual({
      duplicates: 3,
      sameCloid: 1,
      sameSignal: 1,
      unrecorded: 1,
    });
  });

  it('ignores orders that never reached the venue (risk-rejected, expired)', () => {
    const events = [requested('c1', 's1'), { type: 'riskRejected', orderId: 'c1' }, requested('c2', 's1')];
    expect(duplicateVenueOrders(events, [{ kind: 'reject' }]).duplicates).toBe(0);
  });
});
