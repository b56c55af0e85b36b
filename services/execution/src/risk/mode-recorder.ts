// The risk mode recorder: every mode change (ACTIVE, REDUCE_ONLY, HALTED) is published on
// `exec.risk` by the replica that leads, and the last published mode is restored on start, so a
// halted service comes back halted.
import { ContractError, type Net, type RiskStateChanged } from '@hyperflow/contracts';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { Clock, Logger, Module } from '../ports.js';
import type { RiskBook } from './book.js';
import type { ModeChange, RiskFact, RiskMode } from './engine.js';
import { restoredModeFact } from './restore.js';

export interface RiskModePorts {
  readonly net: Net;
  readonly clock: Clock;
  readonly log: Logger;
  readonly risk: RiskBook;
  /** the last recorded mode change; undefined when none was ever recorded; throws when unreadable */
  lastRecorded(): Promise<RiskStateChanged | undefined>;
  /** an error reading it is retried with backoff: never a default mode */
  readonly retry: Omit<RetryOptions, 'permanent'>;
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
  // a corrupt record is not retried: the start fails rather than trade in a mode it guessed
  const prev = await untilOk('the last recorded risk mode', () => p.lastRecorded(), {
    ...p.retry,
    permanent: (err) => err instanceof ContractError,
  });
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
  // one record at a time, in order (the last one on the subject is what a restart restores), each
  // retried until it lands (msgId de-duplicates a retry); a stop ends the waiting between tries
  let publishing: Promise<void> = Promise.resolve();
  const stopped = new AbortController();
  const publishRetry = { clock: p.clock, log: p.log, signal: stopped.signal };
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
    publishing = publishing.then(() =>
      untilOk('the risk mode record', () => p.publish(event), publishRetry).then(
        () => undefined,
        (err: unknown) => p.log.error({ err, state: event.state }, 'risk state not recorded'),
      ),
    );
  };
  return {
    apply(fact, cause) {
      const change = p.risk.apply(fact);
      if (change !== undefined) changed(change, cause);
    },
    changed,
    /** waits for the record being published; no more retries after it */
    async stop() {
      stopped.abort();
      await publishing;
    },
  };
}
