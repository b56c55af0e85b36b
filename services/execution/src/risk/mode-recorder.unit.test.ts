import { ContractError, type ControlCommand, type RiskStateChanged } from '@hyperflow/contracts';
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
    retry: { clock, log: recordingLog().log },
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

  it('given a halt recorded before and a failing read, the service waits (not ready) and starts HALTED, never ACTIVE', async () => {
    let reads = 0;
    const waiting: string[] = [];
    const { p, clock } = ports();
    const starting = startRiskModeRecorder({
      ...p,
      retry: { ...p.retry, onWaiting: (r) => waiting.push(r) },
      lastRecorded: async () => {
        reads += 1;
        if (reads < 4) throw new Error('TIMEOUT');
        return recorded();
      },
    });
    await clock.advance(10_000);
    await starting;
    expect(reads).toBe(4);
    expect(waiting).toEqual(Array(3).fill('waiting for the last recorded risk mode: TIMEOUT'));
    expect(p.risk.state.mode).toBe('HALTED');
  });

  it('a corrupt recorded mode fails the start (no guess), it is not retried', async () => {
    const { p } = ports({
      lastRecorded: async () => {
        throw new ContractError('last risk state: invalid', []);
      },
    });
    await expect(startRiskModeRecorder(p)).rejects.toThrow('last risk state');
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

  it('a failed record is retried until it lands (a halt is never lost to a NATS error), in order', async () => {
    const published: string[] = [];
    let failures = 2;
    const { p, clock } = ports({
      publish: async (e) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('TIMEOUT');
        }
        published.push(e.state);
      },
    });
    const r = await startRiskModeRecorder(p);
    r.apply({ type: 'controlReceived', command: halt }, 'ctl:c1');
    r.apply({ type: 'controlReceived', command: { ...halt, type: 'resume', id: 'c2' } }, 'ctl:c2');
    await clock.advance(50);
    expect(published).toEqual([]);
    await clock.advance(1000);
    expect(published).toEqual(['HALTED', 'ACTIVE']);
    await r.stop();
  });

  it('stop ends the retrying: the record is logged as not recorded', async () => {
    const { log, messages } = recordingLog();
    const { p, clock } = ports({
      log,
      publish: async () => {
        throw new Error('nats down');
      },
    });
    const r = await startRiskModeRecorder(p);
    r.apply({ type: 'controlReceived', command: halt }, 'ctl:c1');
    await clock.advance(50);
    await r.stop();
    expect(messages()).toContain('risk state not recorded');
  });
});
