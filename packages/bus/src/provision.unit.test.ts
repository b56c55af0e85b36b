import { describe, expect, it } from 'vitest';
import { configDiff, DEFAULT_STREAM_LIMITS, streamConfigs } from './provision.js';

const MS = 1_000_000;

describe('streamConfigs', () => {
  it('derives names and subjects from the contract and applies default limits', () => {
    const c = streamConfigs('hl', 'P_');
    expect(c.MARKET).toMatchObject({
      name: 'P_MARKET',
      subjects: ['hl.*.md.>'],
      max_age: DEFAULT_STREAM_LIMITS.MARKET.maxAgeMs * MS,
      max_bytes: DEFAULT_STREAM_LIMITS.MARKET.maxBytes,
      storage: 'file',
      discard: 'old',
    });
    expect(c.EXECUTION).toMatchObject({ name: 'P_EXECUTION', max_age: 0, max_bytes: -1, allow_atomic: true });
    expect(c.MARKET.allow_atomic).toBe(false);
    expect(c.DLQ.subjects).toEqual(['hl.*.dlq.>']);
    for (const s of Object.values(c)) expect(s.duplicate_window).toBeGreaterThan(0);
  });

  it('overrides per stream and clamps the de-dup window to the max age', () => {
    const c = streamConfigs('t1', '', { MARKET: { maxAgeMs: 30_000, storage: 'memory' } });
    expect(c.MARKET).toMatchObject({
      max_age: 30_000 * MS,
      duplicate_window: 30_000 * MS,
      storage: 'memory',
    });
    expect(c.SIGNALS.max_age).toBe(DEFAULT_STREAM_LIMITS.SIGNALS.maxAgeMs * MS);
  });
});

describe('configDiff', () => {
  it('names only the desired fields that differ, comparing subject lists as sets', () => {
    const desired = { subjects: ['a.>', 'b.>'], max_age: 5, max_bytes: -1 };
    expect(configDiff(desired, { subjects: ['b.>', 'a.>'], max_age: 5, max_bytes: -1, extra: 1 })).toEqual(
      [],
    );
    expect(configDiff(desired, { subjects: ['a.>'], max_age: 6, max_bytes: -1 })).toEqual([
      'subjects',
      'max_age',
    ]);
  });

  it('takes a flag that is off as equal to one the server omits, but not one that is on', () => {
    expect(configDiff({ allow_atomic: false }, {})).toEqual([]);
    expect(configDiff({ allow_atomic: true }, {})).toEqual(['allow_atomic']);
    expect(configDiff({ allow_atomic: false }, { allow_atomic: true })).toEqual(['allow_atomic']);
  });
});
