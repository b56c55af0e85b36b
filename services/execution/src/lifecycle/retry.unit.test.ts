import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { StartAbortedError, untilOk } from './retry.js';

const failing = (n: number, value = 'ok') => {
  let calls = 0;
  return {
    calls: () => calls,
    read: async () => {
      calls += 1;
      if (calls <= n) throw new Error(`failure ${calls}`);
      return value;
    },
  };
};

describe('untilOk: a read retried with backoff, never a default', () => {
  it('retries with doubling delays up to the cap, reporting why it waits', async () => {
    const clock = new FakeClock(T0);
    const { log, lines } = recordingLog();
    const waiting: string[] = [];
    const r = failing(5);
    const got = untilOk('x', r.read, { clock, log, onWaiting: (w) => waiting.push(w), maxDelayMs: 400 });
    await clock.advance(100 + 200 + 400 + 400 + 400);
    expect(await got).toBe('ok');
    expect(lines.map((l) => (l.obj as { retryInMs: number }).retryInMs)).toEqual([100, 200, 400, 400, 400]);
    expect(waiting[0]).toBe('waiting for x: failure 1');
    expect(r.calls()).toBe(6);
  });

  it('does not retry before its delay', async () => {
    const clock = new FakeClock(T0);
    const r = failing(1);
    const got = untilOk('x', r.read, { clock, log: recordingLog().log });
    await clock.advance(99);
    expect(r.calls()).toBe(1);
    await clock.advance(1);
    expect(await got).toBe('ok');
  });

  it('a permanent error is thrown at once', async () => {
    const clock = new FakeClock(T0);
    const r = failing(1);
    await expect(
      untilOk('x', r.read, { clock, log: recordingLog().log, permanent: () => true }),
    ).rejects.toThrow('failure 1');
  });

  it('an abort ends the waiting with StartAbortedError; an aborted retry still makes its one attempt', async () => {
    const clock = new FakeClock(T0);
    const abort = new AbortController();
    const r = failing(10);
    const got = untilOk('x', r.read, { clock, log: recordingLog().log, signal: abort.signal });
    await clock.advance(150);
    abort.abort();
    await expect(got).rejects.toBeInstanceOf(StartAbortedError);
    const once = failing(0);
    expect(await untilOk('y', once.read, { clock, log: recordingLog().log, signal: abort.signal })).toBe(
      'ok',
    );
  });
});
