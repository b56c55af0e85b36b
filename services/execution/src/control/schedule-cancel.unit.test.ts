import type { SubmitOutcome } from '@hyperflow/hyperliquid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ScheduleAnswer, scheduleAnswerOf, startScheduleCancel } from './schedule-cancel.js';

const log = { warn: vi.fn(), error: vi.fn(), debug: vi.fn() };

describe("venue scheduleCancel (dead-man's switch)", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.clearAllMocks();
  });

  it('arms afterMs ahead, refreshes on its timer, and a graceful stop clears it', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const sent: (number | undefined)[] = [];
    const sw = await startScheduleCancel({
      afterMs: 6_000,
      refreshMs: 2_000,
      clock: Date.now,
      log,
      send: async (time) => {
        sent.push(time);
        return { kind: 'ok' };
      },
    });
    expect(sent).toEqual([1_006_000]);
    expect(sw.armedUntil).toBe(1_006_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent).toEqual([1_006_000, 1_008_000]);
    await sw.stop(true);
    expect(sent.at(-1)).toBeUndefined();
    expect(sw.armedUntil).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(3);
  });

  it('a crash-like stop leaves it armed (the venue cancels at its time)', async () => {
    const send = vi.fn(async (): Promise<ScheduleAnswer> => ({ kind: 'ok' }));
    const sw = await startScheduleCancel({ afterMs: 5_000, refreshMs: 60_000, clock: Date.now, log, send });
    await sw.stop(false);
    expect(send).toHaveBeenCalledTimes(1);
    expect(sw.armedUntil).toBeDefined();
  });

  it('the volume gate turns it off for good (logged); a transient refusal keeps retrying', async () => {
    vi.useFakeTimers({ now: 0 });
    const answers: ScheduleAnswer[] = [
      { kind: 'unknown', detail: 'rateLimited' },
      {
        kind: 'refused',
        error: 'Cannot set scheduled cancel time until enough volume traded. Required: $1000000. Traded: $0.',
        permanent: true,
      },
    ];
    const send = vi.fn(async () => answers.shift() ?? { kind: 'ok' as const });
    const sw = await startScheduleCancel({ afterMs: 5_000, refreshMs: 1_000, clock: Date.now, log, send });
    expect(sw.enabled).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sw.enabled).toBe(false);
    expect(log.warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/refused for good/));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(send).toHaveBeenCalledTimes(2);
    await sw.stop(true);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('maps venue answers', () => {
    const answered = (result: unknown) =>
      ({ kind: 'answered', via: 'rest', result }) as unknown as SubmitOutcome;
    expect(scheduleAnswerOf(answered({ kind: 'accepted' }))).toEqual({ kind: 'ok' });
    expect(
      scheduleAnswerOf(
        answered({
          kind: 'rejected',
          error: { message: 'Cannot set scheduled cancel time until enough volume traded.' },
        }),
      ),
    ).toMatchObject({ kind: 'refused', permanent: true });
    expect(
      scheduleAnswerOf(
        answered({
          kind: 'rejected',
          error: { message: 'Scheduled cancel time too early, must be at least 5 seconds from now.' },
        }),
      ),
    ).toMatchObject({ kind: 'refused', permanent: false });
    expect(scheduleAnswerOf({ kind: 'rateLimited' } as unknown as SubmitOutcome)).toMatchObject({
      kind: 'unknown',
    });
  });
});
