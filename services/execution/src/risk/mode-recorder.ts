// The risk mode recorder: every mode change (ACTIVE, REDUCE_ONLY, HALTED) is published on
// `exec.risk` by the replica that leads, and the last published mode is restored on start, so a
// halted service comes back halted.
import type { Net, RiskStateChanged } from '@hyperflow/contracts';
import type { Clock, Logger, Module } from '../ports.js';
import type { RiskBook } from './book.js';
import type { ModeChange, RiskFact, RiskMode } from './engine.js';
import { restoredModeFact } from './restore.js';

export interface RiskModePorts {
  readonly net: Net;
  readonly clock: Clock;
  readonly log: Logger;
  readonly risk: RiskBook;
  /** the last recorded mode change; undefined when none was ever recorded */
  lastRecorded(): Promise<RiskStateChanged | undefined>;
  publish(event: RiskStateChanged): Promise<unknown>;
  /** only the replica holding the signer lease records; a standby follows */
  isActive(): boolean;
  /** every mode (the restored one, then each change): gauges, the submission queue's hold */
  onMode(mode: RiskMode): void;
}

export interface RiskModeRecorder extends Module {
  /** applies a fact to the risk book; a mode change it causes is recorded */
  apply(fact: RiskFact, cause: string): void;
  /** records a mode change the risk book already made (the executor's order facts) */
  changed(change: ModeChange, cause: string): void;
}

export async function startRiskModeRecorder(p: RiskModePorts): Promise<RiskModeRecorder> {
  const prev = await p.lastRecorded();
  if (prev !== undefined) {
    const restored = restoredModeFact(prev);
    if ('fact' in restored) {
      p.risk.apply(restored.fact);
      p.log.info({ mode: prev.state, reason: prev.reason, cause: prev.cause }, 'risk mode restored');
    } else
      p.log.info({ mode: prev.state, reason: prev.reason }, `risk mode not restored: ${restored.skipped}`);
  }
  p.onMode(p.risk.state.mode);

  let seq = 0;
  const publishing = new Set<Promise<void>>();
  const changed = (change: ModeChange, cause: string): void => {
    seq += 1;
    const atMs = Math.floor(p.clock.now());
    const event: RiskStateChanged = {
      type: 'riskStateChanged',
      v: 1,
      net: p.net,
      id: `risk:${cause}:${atMs}:${seq}`,
      state: change.state,
      previous: change.previous,
      reason: change.reason,
      cause: change.cause,
      atMs,
    };
    p.onMode(change.state);
    p.log.warn(
      { state: change.state, previous: change.previous, reason: change.reason },
      'risk mode changed',
    );
    if (!p.isActive()) return;
    const sent: Promise<void> = p
      .publish(event)
      .then(
        () => undefined,
        (err: unknown) => p.log.error({ err }, 'risk state publish failed'),
      )
      .finally(() => publishing.delete(sent));
    publishing.add(sent);
  };
  return {
    apply(fact, cause) {
      const change = p.risk.apply(fact);
      if (change !== undefined) changed(change, cause);
    },
    changed,
    /** waits for the mode changes still being published */
    async stop() {
      await Promise.allSettled([...publishing]);
    },
  };
}
