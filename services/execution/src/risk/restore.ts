// The risk mode a (re)started replica takes over from the last recorded RiskStateChanged. Pure.
import type { RiskStateChanged } from '@hyperflow/contracts';
import type { RiskFact } from './engine.js';

/**
 * An operator's halt or reduce-only, and a halt after repeated venue rejects, survive a restart:
 * only an operator lifts them. A mode the market-data feed set is not carried over: the feed
 * events that would lift it may have gone by while no replica listened, so the new replica
 * judges the feed from what it sees (its dead-man's switch covers a feed that stays silent).
 */
export function restoredModeFact(
  last: RiskStateChanged,
): { readonly fact: RiskFact } | { readonly skipped: string } {
  if (last.cause === 'feed') {
    return { skipped: `${last.state} set by the market-data feed is judged again from the live feed` };
  }
  return {
    fact: {
      type: 'modeRestored',
      mode: last.state,
      reason: `restored: ${last.reason}`,
      ...(last.cause === undefined ? {} : { cause: last.cause }),
    },
  };
}
