import type { ControlCommand, RiskStateChanged } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test-support/clock.js';
import { LIMITS, T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { RiskBook } from './book.js';
import type { RiskMode } from './engine.js';
import { type RiskModePorts, startRiskModeRecorder } from './mode-recorder.js';

const halt: ControlCommand = {
  type: 'halt',
  v: 1,
  net: 'sim',
  id: 'c1',
  by: 'ops',
  reason: 'incident',
  atMs: T0,
};

function recorded(over: Partial<RiskStateChanged> = {}): RiskStateChanged {
  return {
    type: 'riskStateChanged',
    v: 1,
    net: 'sim',
    id: 'risk:ctl:c0:1',
    state: 'HALTED',
    previous: 'ACTIVE',
    reason: 'halt: incident',
    cause: 'operator',
    atMs: T0 - 60_000,
    ...over,
  };
}

function ports(over: Partial<RiskModePorts> = {}) {
  const published: RiskStateChanged[] = [];
  const modes: RiskMode[] = [];
  const clock = new FakeClock(T0);
  const p: RiskModePorts = {
    net: 'sim',
    clock,
    log: recordingLog().log,
    risk: new RiskBook(LIMITS),
    lastRecorded: async () => undefined,
    publish: async (e) => {
      published.push(e);
    },
    isActive: () => true,
    onMode: (m) => modes.push(m),
    ...over,
  };
  return { p, published, modes, clock };
}

describe('risk mode recorder', () => {
  it('given an operator halt recorded before, when the service starts, then it starts HALTED', async () => {
    const { p, modes } = ports({ lastRecorded: async () => recorded() });
    await startRiskModeRecorder(p);
    expect(p.risk.state.mode).toBe('HALTED');
    expect(modes).toEqual(['HALTED']);
  });

  it('given nothing recorded, the service starts ACTIVE', async () => {
    const { p, modes } = ports();
    await startRiskModeRecorder(p);
    expect(p.risk.state.mode).toBe('ACTIVE');
    expect(modes).toEqual(['ACTIVE']);
  });

  it('a mode change is published with an id from its cause, time and sequence', async () => {
    const { p, published, modes, clock } = ports();
    const r = await startRiskModeRecorder(p);
    await clock.advance(1234);
    r.apply({ type: 'controlReceived', command: halt }, 'ctl:c1');
    await r.stop();
    expect(modes).toEqual(['ACTIVE', 'HALTED']);
    expect(published).toEqual([
      expect.objectContaining({
        id: `risk:ctl:c1:${T0 + 1234}:1`,
        state: 'HALTED',
        previous: 'ACTIVE',
        cause: 'operator',
        atMs: T0 + 1234,
      }),
    ]);
  });

  it('a fact that changes nothing publishes nothing', async () => {
    const { p, published } = ports();
    const r = await startRiskModeRecorder(p);
    r.apply({ type: 'feedRestored', key: 'x' }, 'health');
    await settle();
    expect(published).toEqual([]);
  });

  it('a standby follows the change but does not record it', async () => {
    const { p, published, modes } = ports({ isActive: () => false });
    const r = await startRiskModeRecorder(p);
    r.apply({ type: 'controlReceived', command: halt }, 'ctl:c1');
    await r.stop();
    expect(p.risk.state.mode).toBe('HALTED');
    expect(modes).toEqual(['ACTIVE', 'HALTED']);
    expect(published).toEqual([]);
  });

  it('a failed publish is logged; stop waits for publishes in flight', async () => {
    const { log, messages } = recordingLog();
    let fail: (err: Error) => void = () => {};
    const { p } = ports({
      log,
      publish: () =>
        new Promise((_, reject) => {
          fail = reject;
        }),
    });
    const r = await startRiskModeRecorder(p);
    r.apply({ type: 'controlReceived', command: halt }, 'ctl:c1');
    let stopped = false;
    const stopping = r.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    fail(new Error('nats down'));
    await stopping;
    expect(messages()).toContain('risk state publish failed');
  });
});
