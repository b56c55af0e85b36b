import type { RiskStateChanged } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { LIMITS, T0 as NOW } from '../test-support/fakes.js';
import { evolveRisk, initialRiskState } from './engine.js';
import { restoredModeFact } from './restore.js';

const last = (over: Partial<RiskStateChanged>): RiskStateChanged => ({
  type: 'riskStateChanged',
  v: 1,
  net: 'sim',
  id: 'risk:1',
  state: 'HALTED',
  previous: 'ACTIVE',
  reason: 'incident',
  atMs: NOW,
  ...over,
});

/** the state a restarted replica starts from, given the last recorded change */
function restart(prev: RiskStateChanged) {
  const r = restoredModeFact(prev);
  return 'fact' in r ? evolveRisk(initialRiskState(), r.fact, LIMITS) : initialRiskState();
}

describe('risk mode carried into a restart', () => {
  it("given an operator's halt, when the replica restarts, then it is halted and a feed recovery does not lift it", () => {
    const s = restart(last({ cause: 'operator' }));
    expect(s.mode).toBe('HALTED');
    expect(evolveRisk(s, { type: 'feedRestored', key: 'ingestor-0/*' }, LIMITS).mode).toBe('HALTED');
  });

  it('given a halt after repeated venue rejects, then it survives the restart with its cause', () => {
    const s = restart(last({ cause: 'rejects', reason: '3 venue rejects in a row' }));
    expect(s.mode).toBe('HALTED');
    expect(s.modeCause).toBe('rejects');
  });

  it('given REDUCE_ONLY set by a lost feed, then the restart does not carry it over (it would never be lifted)', () => {
    const prev = last({ state: 'REDUCE_ONLY', cause: 'feed', reason: 'market data lost: ingestor-0/*' });
    const r = restoredModeFact(prev);
    expect(r).toEqual({ skipped: expect.stringContaining('market-data feed') });
    expect(restart(prev).mode).toBe('ACTIVE');
  });

  it('given a record from before causes were kept, then a non-ACTIVE mode is taken as the operator’s', () => {
    const s = restart(last({ state: 'REDUCE_ONLY' }));
    expect(s.mode).toBe('REDUCE_ONLY');
    expect(s.modeCause).toBe('operator');
    expect(restart(last({ state: 'ACTIVE', previous: 'HALTED' })).modeCause).toBe('initial');
  });
});
