import { pseudoHash } from '../market/prng.js';
import type { LedgerUpdate, VenueState } from './state.js';

/** Appends one non-funding ledger update for `user` (hash derived, so runs stay deterministic). */
export function recordLedger(
  s: VenueState,
  user: string,
  time: number,
  delta: LedgerUpdate['delta'],
): LedgerUpdate {
  const list = s.ledgerUpdates.get(user) ?? [];
  const update: LedgerUpdate = {
    time,
    hash: pseudoHash(time % 2_147_483_647, list.length + Number.parseInt(user.slice(2, 9), 16)),
    delta,
  };
  list.push(update);
  s.ledgerUpdates.set(user, list);
  return update;
}
