// Risk intake: what the risk book learns from the bus besides orders. Mids (allMids, or each
// coin's BBO where the ingestor publishes no allMids), feed health, and control commands (halt,
// resume, reduce-only) on `ctl.all` and `ctl.execution`. Core subscriptions: the streams keep the
// record, and a standby follows them too so it takes over in the right mode.
import {
  BboEvent,
  ControlCommand,
  HealthEvent,
  MidsEvent,
  parseJson,
  type Subjects,
} from '@hyperflow/contracts';
import type { Clock, Logger, Module } from '../ports.js';
import type { RiskFact } from './engine.js';
import { factsFromHealth } from './feed.js';
import { midsFrom } from './mids.js';

/** Plain (core) subscriptions; the returned function unsubscribes. */
export interface Subscriber {
  subscribe(subject: string, onMessage: (data: Uint8Array, subject: string) => void): () => void;
}

export interface RiskIntakePorts {
  readonly subjects: Subjects;
  readonly subscriber: Subscriber;
  readonly clock: Clock;
  readonly log: Logger;
  apply(fact: RiskFact, cause: string): void;
  /** mids arrived (after they were applied): the dead-man's switch hears it */
  onMids(atMs: number): void;
  /** a halt command arrived (after it was applied): the kill switch */
  onHalt(): void;
}

export function startRiskIntake(p: RiskIntakePorts): Module {
  const { subjects: subj, log } = p;
  const unsubscribe: (() => void)[] = [];
  const listen = <T>(subject: string, parse: (data: Uint8Array) => T, handle: (v: T) => void) => {
    unsubscribe.push(
      p.subscriber.subscribe(subject, (data, actual) => {
        try {
          handle(parse(data));
        } catch (err) {
          log.warn({ err, subject: actual }, 'ignored a message that is not on the contract');
        }
      }),
    );
  };
  const onMids = (e: MidsEvent | BboEvent) => {
    const mids = midsFrom(e);
    if (Object.keys(mids).length === 0) return;
    const atMs = p.clock.now();
    p.apply({ type: 'midsObserved', mids, atMs: Math.floor(atMs) }, 'mids');
    p.onMids(atMs);
  };
  listen(subj.mids(), (d) => parseJson(MidsEvent, d, 'mids'), onMids);
  // every coin's BBO (`*` is a wildcard token, not a coin name to encode)
  listen(`${subj.prefix}.md.bbo.*`, (d) => parseJson(BboEvent, d, 'bbo'), onMids);
  listen(
    subj.all.health,
    (d) => parseJson(HealthEvent, d, 'health'),
    (e) => {
      for (const f of factsFromHealth(e)) p.apply(f, `health:${e.id}`);
    },
  );
  const onControl = (cmd: ControlCommand) => {
    log.warn({ type: cmd.type, by: cmd.by, reason: cmd.reason }, 'control command');
    p.apply({ type: 'controlReceived', command: cmd }, `ctl:${cmd.id}`);
    if (cmd.type === 'halt') p.onHalt();
  };
  for (const target of ['all', 'execution'] as const) {
    listen(subj.control(target), (d) => parseJson(ControlCommand, d, 'control command'), onControl);
  }
  const stop = () => {
    for (const u of unsubscribe.splice(0)) u();
  };
  return {
    async stop() {
      stop();
    },
    abandon: stop,
  };
}
