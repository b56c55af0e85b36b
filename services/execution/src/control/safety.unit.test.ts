import type { SubmitOutcome } from '@hyperflow/hyperliquid';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { type KillSwitchPorts, startDeadman, startKillSwitch } from './safety.js';

const canceled = (n: number): SubmitOutcome =>
  ({
    kind: 'answered',
    result: { kind: 'cancels', statuses: Array.from({ length: n }, () => ({ kind: 'success' })) },
  }) as unknown as SubmitOutcome;

function killPorts(over: Partial<KillSwitchPorts> = {}) {
  const sent: { key: string; action: object }[] = [];
  const recorded: string[] = [];
  const tracked: Promise<unknown>[] = [];
  const p: KillSwitchPorts = {
    log: recordingLog().log,
    sendAction: async (key, action) => {
      sent.push({ key, action });
      return canceled(2);
    },
    isActive: () => true,
    openOrders: async () => [
      { coin: 'ETH', oid: 11, cloid: '0xAB' },
      { coin: 'BTC', oid: 12, cloid: null },
    ],
    assetId: (coin) => (coin === 'ETH' ? 1 : 0),
    recordCanceled: async (cloid, reason, oid) => {
      recorded.push(`${cloid}:${reason}:${oid}`);
    },
    track: (w) => tracked.push(w),
    retry: { clock: new FakeClock(T0), log: recordingLog().log },
    ...over,
  };
  return { p, sent, recorded, tracked };
}

describe('kill switch', () => {
  it('cancels every open order in one batch and records the cancels of our orders', async () => {
    const k = killPorts();
    await startKillSwitch(k.p).fire();
    expect(k.sent).toHaveLength(1);
    expect(k.sent[0]?.key).toBe('killSwitch');
    expect(k.sent[0]?.action).toMatchObject({
      type: 'cancel',
      cancels: [
        { a: 1, o: 11 },
        { a: 0, o: 12 },
      ],
    });
    expect(k.recorded).toEqual(['0xab:killSwitch:11']);
    expect(k.tracked).toHaveLength(1);
  });

  it('two fires at once make one run', async () => {
    const k = killPorts();
    const ks = startKillSwitch(k.p);
    await Promise.all([ks.fire(), ks.fire('again')]);
    expect(k.sent).toHaveLength(1);
  });

  it('a standby, a dry-run, and a stopped switch cancel nothing', async () => {
    const standby = killPorts({ isActive: () => false });
    await startKillSwitch(standby.p).fire();
    expect(standby.sent).toEqual([]);
    const dry = killPorts({ sendAction: undefined });
    await startKillSwitch(dry.p).fire();
    const stopped = killPorts();
    const ks = startKillSwitch(stopped.p);
    await ks.stop();
    await ks.fire();
    expect(stopped.sent).toEqual([]);
  });

  it('an unanswered batch is logged and records nothing', async () => {
    const { log, messages } = recordingLog();
    const k = killPorts({ log, sendAction: async () => ({ kind: 'timeout' }) as unknown as SubmitOutcome });
    await startKillSwitch(k.p).fire();
    expect(k.recorded).toEqual([]);
    expect(messages()).toContain('kill switch: cancel batch not answered');
  });
});

describe('kill switch: the open orders are read again until they are', () => {
  it('a failed read of the open orders is retried with backoff, then the orders are canceled', async () => {
    const clock = new FakeClock(T0);
    let reads = 0;
    const k = killPorts({
      retry: { clock, log: recordingLog().log },
      openOrders: async () => {
        reads += 1;
        if (reads < 3) throw new Error('ECONNRESET');
        return [{ coin: 'ETH', oid: 11, cloid: '0xab' }];
      },
    });
    const fired = startKillSwitch(k.p).fire();
    await clock.advance(1000);
    await fired;
    expect(reads).toBe(3);
    expect(k.recorded).toEqual(['0xab:killSwitch:11']);
  });

  it('stop ends the retries', async () => {
    const clock = new FakeClock(T0);
    const k = killPorts({
      retry: { clock, log: recordingLog().log },
      openOrders: async () => {
        throw new Error('ECONNRESET');
      },
    });
    const ks = startKillSwitch(k.p);
    const fired = ks.fire();
    await clock.advance(500);
    await ks.stop();
    await fired;
    expect(k.sent).toEqual([]);
  });
});

describe("dead-man's switch", () => {
  const start = async (afterMs = 1000) => {
    const clock = new FakeClock(T0);
    const facts: string[] = [];
    const kills: string[] = [];
    const d = await startDeadman({
      clock,
      log: recordingLog().log,
      afterMs,
      apply: (fact, cause) => facts.push(`${fact.type}:${cause}`),
      kill: async (reason) => {
        kills.push(reason);
      },
    });
    return { clock, d, facts, kills };
  };

  it('no mids for longer than afterMs: REDUCE_ONLY (feedLost) and cancel all, once', async () => {
    const s = await start(1000);
    await s.clock.advance(1000);
    expect(s.kills).toEqual([]);
    await s.clock.advance(300);
    expect(s.facts).toEqual(['feedLost:deadman']);
    expect(s.kills).toEqual(['deadMansSwitch']);
    await s.clock.advance(5000);
    expect(s.kills).toEqual(['deadMansSwitch']);
  });

  it('mids keep it quiet; mids after it fired restore the feed, and it can fire again', async () => {
    const s = await start(1000);
    for (let i = 0; i < 5; i++) {
      await s.clock.advance(500);
      s.d.midsObserved(s.clock.now());
    }
    expect(s.facts).toEqual([]);
    await s.clock.advance(1500);
    s.d.midsObserved(s.clock.now());
    expect(s.facts).toEqual(['feedLost:deadman', 'feedRestored:deadman']);
    await s.clock.advance(1500);
    expect(s.kills).toEqual(['deadMansSwitch', 'deadMansSwitch']);
  });

  it('afterMs 0 is off; stop ends the watchdog', async () => {
    const off = await start(0);
    await off.clock.advance(60_000);
    expect(off.kills).toEqual([]);
    const s = await start(1000);
    await s.d.stop();
    await s.clock.advance(60_000);
    expect(s.kills).toEqual([]);
    expect(s.clock.pending).toBe(0);
  });

  it("the venue's scheduled cancel is armed afterMs ahead on start, and cleared on a graceful stop", async () => {
    const clock = new FakeClock(T0);
    const actions: object[] = [];
    const d = await startDeadman({
      clock,
      log: recordingLog().log,
      afterMs: 0,
      apply: () => {},
      kill: async () => {},
      venue: {
        afterMs: 10_000,
        log: recordingLog().log,
        sendAction: async (_key, action) => {
          actions.push(action);
          return { kind: 'answered', result: { kind: 'okOther' } } as unknown as SubmitOutcome;
        },
      },
    });
    expect(d.venueArmedUntil).toBe(T0 + 10_000);
    await d.stop();
    await settle();
    expect(actions).toEqual([{ type: 'scheduleCancel', time: T0 + 10_000 }, { type: 'scheduleCancel' }]);
    expect(d.venueArmedUntil).toBeUndefined();
  });
});
