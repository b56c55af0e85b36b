import { ContractError } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { PoisonMessageError } from './errors.js';
import { nakDelayMs, outcomeOf } from './outcome.js';

describe('nakDelayMs', () => {
  it('follows the backoff by attempt and stays on the last step', () => {
    const backoff = [100, 1000, 5000];
    expect([1, 2, 3, 4, 10].map((n) => nakDelayMs(backoff, n))).toEqual([100, 1000, 5000, 5000, 5000]);
    expect(nakDelayMs([], 3)).toBe(0);
    expect(nakDelayMs(backoff, 0)).toBe(100);
  });
});

describe('outcomeOf', () => {
  const backoff = [100, 1000];

  it('acks when the handler returned', () => {
    expect(outcomeOf({ ok: true }, 1, 5, backoff)).toEqual({ kind: 'ack' });
  });

  it('naks a transient error with the backoff of this attempt', () => {
    expect(outcomeOf({ ok: false, error: new Error('timeout') }, 2, 5, backoff)).toEqual({
      kind: 'nak',
      delayMs: 1000,
    });
  });

  it('dead-letters a transient error on the last allowed attempt', () => {
    const out = outcomeOf({ ok: false, error: new Error('timeout') }, 5, 5, backoff);
    expect(out).toMatchObject({ kind: 'dead', reason: 'maxDeliveries' });
    expect(out.kind === 'dead' && out.problems[0]).toContain('Error: timeout');
  });

  it('dead-letters a PoisonMessageError or a ContractError at once', () => {
    expect(
      outcomeOf({ ok: false, error: new PoisonMessageError('no such coin', ['coin: X']) }, 1, 5, backoff),
    ).toEqual({
      kind: 'dead',
      reason: 'poison',
      problems: ['no such coin', 'coin: X'],
    });
    expect(
      outcomeOf({ ok: false, error: new ContractError('invalid fill', ['px: bad']) }, 1, 5, backoff),
    ).toEqual({
      kind: 'dead',
      reason: 'poison',
      problems: ['invalid fill: px: bad'],
    });
  });

  it('treats a thrown non-error (even undefined) as a failure, not success', () => {
    expect(outcomeOf({ ok: false, error: undefined }, 1, 5, backoff)).toEqual({ kind: 'nak', delayMs: 100 });
  });
});
