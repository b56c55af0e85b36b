import { describe, expect, it } from 'vitest';
import type { Module } from '../ports.js';
import { recordingLog } from '../test-support/log.js';
import { Modules } from './modules.js';

const named = (name: string, calls: string[], fail = false): Module => ({
  async stop() {
    calls.push(`stop ${name}`);
    if (fail) throw new Error(`${name} failed`);
  },
});

describe('started modules', () => {
  it('stop in reverse order of start, once', async () => {
    const calls: string[] = [];
    const m = new Modules();
    m.add(named('venue', calls));
    m.add(named('risk', calls));
    m.add(named('signals', calls));
    await m.stop(recordingLog().log);
    await m.stop(recordingLog().log);
    expect(calls).toEqual(['stop signals', 'stop risk', 'stop venue']);
  });

  it('a failing stop does not skip the others; its error is rethrown after them', async () => {
    const calls: string[] = [];
    const m = new Modules();
    m.add(named('venue', calls));
    m.add(named('risk', calls, true));
    m.add(named('signals', calls));
    const { log, messages } = recordingLog();
    await expect(m.stop(log)).rejects.toThrow('risk failed');
    expect(calls).toEqual(['stop signals', 'stop risk', 'stop venue']);
    expect(messages()).toEqual(['module stop failed']);
  });

  it('abandon calls abandon where a module has one, never a graceful stop after it', async () => {
    const calls: string[] = [];
    const m = new Modules();
    m.add({ ...named('lease', calls), abandon: () => calls.push('abandon lease') });
    m.add(named('recorder', calls));
    m.abandon(recordingLog().log);
    await m.stop(recordingLog().log);
    expect(calls).toEqual(['stop recorder', 'abandon lease']);
  });
});
