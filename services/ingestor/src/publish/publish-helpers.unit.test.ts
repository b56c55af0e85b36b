import { describe, expect, it } from 'vitest';
import { LogLimiter } from './log-limiter.js';
import { RecentIds } from './recent-ids.js';

describe('LogLimiter', () => {
  it('logs the first occurrence per key, then once per interval with the suppressed count', () => {
    const l = new LogLimiter(1000);
    expect(l.check('schema', 0)).toEqual({ log: true, suppressed: 0 });
    expect(l.check('schema', 10).log).toBe(false);
    expect(l.check('schema', 20).log).toBe(false);
    expect(l.check('other', 30)).toEqual({ log: true, suppressed: 0 });
    expect(l.check('schema', 1000)).toEqual({ log: true, suppressed: 2 });
  });
});

describe('RecentIds', () => {
  it('remembers up to its capacity, forgetting the oldest', () => {
    const r = new RecentIds(2);
    expect(r.add('a')).toBe(true);
    expect(r.add('a')).toBe(false);
    r.add('b');
    r.add('c');
    expect([r.has('a'), r.has('b'), r.has('c'), r.size]).toEqual([false, true, true, 2]);
    r.delete('b');
    expect(r.add('b')).toBe(true);
  });
});
