import { subjects } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import type { RiskFact } from './engine.js';
import { type Subscriber, startRiskIntake } from './intake.js';

const subj = subjects('sim', 'hl');

/** an in-memory subscriber: `deliver` calls the handler subscribed to exactly that subject */
function fakeSubscriber() {
  const handlers = new Map<string, (data: Uint8Array, subject: string) => void>();
  const subscriber: Subscriber = {
    subscribe(subject, onMessage) {
      handlers.set(subject, onMessage);
      return () => handlers.delete(subject);
    },
  };
  const deliver = (pattern: string, payload: unknown, actual = pattern) =>
    handlers.get(pattern)?.(new TextEncoder().encode(JSON.stringify(payload)), actual);
  return { subscriber, handlers, deliver };
}

function start() {
  const clock = new FakeClock(T0);
  const { log, messages } = recordingLog();
  const bus = fakeSubscriber();
  const facts: { fact: RiskFact; cause: string }[] = [];
  const mids: number[] = [];
  let halts = 0;
  const intake = startRiskIntake({
    subjects: subj,
    subscriber: bus.subscriber,
    clock,
    log,
    apply: (fact, cause) => facts.push({ fact, cause }),
    onMids: (at) => mids.push(at),
    onHalt: () => {
      halts += 1;
    },
  });
  return { intake, bus, facts, mids, messages, clock, halts: () => halts };
}

const envelope = { v: 1, net: 'sim', exchTsMs: T0, recvTsMs: T0 } as const;

describe('risk intake', () => {
  it('allMids become a midsObserved fact stamped with our clock, then the dead-man hears of them', async () => {
    const s = start();
    await s.clock.advance(500);
    s.bus.deliver(subj.mids(), { type: 'mids', id: 'm1', mids: { ETH: '3000' }, ...envelope });
    expect(s.facts).toEqual([
      { fact: { type: 'midsObserved', mids: { ETH: '3000' }, atMs: T0 + 500 }, cause: 'mids' },
    ]);
    expect(s.mids).toEqual([T0 + 500]);
  });

  it("a coin's BBO gives its mid", () => {
    const s = start();
    const bbo = {
      type: 'bbo',
      id: 'b1',
      coin: 'ETH',
      bid: { px: '2999', sz: '1', n: 1 },
      ask: { px: '3001', sz: '1', n: 1 },
      ...envelope,
    };
    s.bus.deliver(`${subj.prefix}.md.bbo.*`, bbo, subj.bbo('ETH'));
    expect(s.facts.map((f) => f.fact)).toEqual([{ type: 'midsObserved', mids: { ETH: '3000' }, atMs: T0 }]);
  });

  it('a halt on ctl.execution is applied, then fires the kill switch; a resume does not', () => {
    const s = start();
    const cmd = { v: 1, net: 'sim', by: 'ops', reason: 'test', atMs: T0 };
    s.bus.deliver(subj.control('execution'), { type: 'halt', id: 'c1', ...cmd });
    s.bus.deliver(subj.control('all'), { type: 'resume', id: 'c2', ...cmd });
    expect(s.facts.map((f) => f.cause)).toEqual(['ctl:c1', 'ctl:c2']);
    expect(s.halts()).toBe(1);
  });

  it('a message off the contract is logged and ignored; the next one is handled', () => {
    const s = start();
    s.bus.deliver(subj.mids(), { type: 'mids', mids: 'not a map' });
    s.bus.deliver(subj.mids(), { type: 'mids', id: 'm2', mids: { BTC: '60000' }, ...envelope });
    expect(s.messages()).toEqual(['ignored a message that is not on the contract']);
    expect(s.facts).toHaveLength(1);
  });

  it('stop unsubscribes everything', async () => {
    const s = start();
    expect(s.bus.handlers.size).toBe(5);
    await s.intake.stop();
    expect(s.bus.handlers.size).toBe(0);
  });
});
