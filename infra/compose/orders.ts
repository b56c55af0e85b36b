/**
 * Duplicate venue orders, from the EXECUTION stream's order events and the simulator's ledger.
 * One signal must reach the venue as at most one order: one cloid (the order aggregate, its
 * `orderId`), and that cloid as at most one venue oid. A ledger order whose oid no event of the
 * stream names was sent without being recorded: also a duplicate in waiting (a retry after a crash
 * would send it again), so it counts.
 */
export interface OrderEventLike {
  readonly type: string;
  readonly orderId: string;
  readonly signalId?: string;
  readonly oid?: number;
}
export interface LedgerEntryLike {
  readonly kind: string;
  readonly oid?: number;
}
export interface Duplicates {
  /** extra oids for one cloid, extra venue-reaching cloids for one signal, unrecorded venue orders */
  readonly duplicates: number;
  readonly sameCloid: number;
  readonly sameSignal: number;
  readonly unrecorded: number;
}

export function duplicateVenueOrders(
  events: readonly OrderEventLike[],
  ledger: readonly LedgerEntryLike[],
): Duplicates {
  const oidsByCloid = new Map<string, Set<number>>();
  const signalOf = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'orderRequested' && e.signalId !== undefined) signalOf.set(e.orderId, e.signalId);
    if (e.oid === undefined) continue;
    const oids = oidsByCloid.get(e.orderId) ?? new Set<number>();
    oids.add(e.oid);
    oidsByCloid.set(e.orderId, oids);
  }
  let sameCloid = 0;
  const venueCloidsBySignal = new Map<string, number>();
  for (const [cloid, oids] of oidsByCloid) {
    sameCloid += oids.size - 1;
    const signal = signalOf.get(cloid) ?? `cloid:${cloid}`;
    venueCloidsBySignal.set(signal, (venueCloidsBySignal.get(signal) ?? 0) + 1);
  }
  let sameSignal = 0;
  for (const n of venueCloidsBySignal.values()) sameSignal += n - 1;
  const recorded = new Set([...oidsByCloid.values()].flatMap((s) => [...s]));
  const unrecorded = ledger.filter(
    (l) => l.kind === 'order' && l.oid !== undefined && !recorded.has(l.oid),
  ).length;
  return { duplicates: sameCloid + sameSignal + unrecorded, sameCloid, sameSignal, unrecorded };
}
