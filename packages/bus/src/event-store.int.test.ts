import { ContractError } from '@hyperflow/contracts';
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConcurrencyError } from './errors.js';
import { createEventStore } from './event-store.js';
import { type TestBus, testBus } from './test-support/bus.js';

const OrderEv = z.object({ type: z.enum(['requested', 'submitted', 'filled']), n: z.number().int() });
type OrderEv = z.infer<typeof OrderEv>;
const ev = (type: OrderEv['type'], n: number): OrderEv => ({ type, n });

describe('event store', () => {
  async function store(b: TestBus) {
    return createEventStore({ nc: b.nc, stream: b.streams.EXECUTION.name, schema: OrderEv });
  }

  it('appends with the right expected sequence and reads the events back in order', async () => {
    const bus = await testBus('es');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const other = bus.subj.order('B');

    const first = await es.append(a, [ev('requested', 1), ev('submitted', 2)], { expectedLastSubjectSeq: 0 });
    expect(first).toEqual({ seqs: [1, 2], lastSeq: 2 });
    // another aggregate in between: sequences are stream-wide, expectations per subject
    await es.append(other, [ev('requested', 9)], { expectedLastSubjectSeq: 0 });
    const second = await es.append(a, [ev('filled', 3)], { expectedLastSubjectSeq: first.lastSeq });
    expect(second).toEqual({ seqs: [4], lastSeq: 4 });

    const all = await es.read(a);
    expect(all.lastSeq).toBe(4);
    expect(all.events.map((e) => [e.seq, e.event.type, e.event.n])).toEqual([
      [1, 'requested', 1],
      [2, 'submitted', 2],
      [4, 'filled', 3],
    ]);
    const tail = await es.read(a, { fromSeq: 3 });
    expect(tail.events.map((e) => e.seq)).toEqual([4]);
    expect(tail.lastSeq).toBe(4);
    expect(await es.read(bus.subj.order('none'))).toEqual({ events: [], lastSeq: 0 });
    // reads clean up their ordered consumers
    const jsm = await jetstreamManager(bus.nc);
    expect(await jsm.consumers.list(bus.streams.EXECUTION.name).next()).toEqual([]);
  });

  it('refuses a stale expectation with ConcurrencyError and writes nothing', async () => {
    const bus = await testBus('esstale');
    const es = await store(bus);
    const a = bus.subj.order('A');
    await es.append(a, [ev('requested', 1), ev('submitted', 2)], { expectedLastSubjectSeq: 0 });

    // a writer that decided on version 1 (or on an empty subject) lost the race
    for (const stale of [1, 0]) {
      const err = await es
        .append(a, [ev('filled', 3), ev('filled', 4)], { expectedLastSubjectSeq: stale })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect(err).toMatchObject({
        subject: a,
        expectedLastSubjectSeq: stale,
        actualLastSubjectSeq: 2,
        appended: [],
      });
    }
    const after = await es.read(a);
    expect(after.lastSeq).toBe(2);
    expect(after.events.map((e) => e.event.n)).toEqual([1, 2]);
  });

  it('validates the whole batch first: one invalid event writes none', async () => {
    const bus = await testBus('esinvalid');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const bad = { type: 'exploded', n: 2 } as unknown as OrderEv;

    await expect(
      es.append(a, [ev('requested', 1), bad], { expectedLastSubjectSeq: 0 }),
    ).rejects.toBeInstanceOf(ContractError);
    expect(await es.read(a)).toEqual({ events: [], lastSeq: 0 });
  });

  it('nats-server 2.12.15, 2.14.4 and 2.15.1, R1: a re-sent msgId under a stale expectation answers 10071, not a duplicate', async () => {
    // what the retry rules below are built on: 2.9 and an R3 stream, which checks the duplicate window
    // first (cluster.int.test.ts), answer a duplicate ack; a single server checks the expectation first
    const bus = await testBus('esraw');
    const js = jetstream(bus.nc);
    const a = bus.subj.order('A');
    await js.publish(a, '1', { msgID: 'A-1', expect: { lastSubjectSequence: 0 } });
    await js.publish(a, '2', { msgID: 'A-2', expect: { lastSubjectSequence: 1 } });
    const err = await js
      .publish(a, '1', { msgID: 'A-1', expect: { lastSubjectSequence: 0 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect(err).toMatchObject({ code: 10071, message: 'wrong last sequence: 2' });
    // without an expectation the same re-send is a duplicate ack
    expect(await js.publish(a, '1', { msgID: 'A-1' })).toMatchObject({ seq: 1, duplicate: true });
  });

  it('nats-server 2.12.15, 2.14.4 and 2.15.1: a retried append with the same msgIds returns what the first one returned', async () => {
    const bus = await testBus('esretry');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const opts = { expectedLastSubjectSeq: 0, msgIds: ['A-1', 'A-2'] };
    const first = await es.append(a, [ev('requested', 1), ev('submitted', 2)], opts);
    // e.g. the ack of the first attempt was lost on a reconnect
    const retry = await es.append(a, [ev('requested', 1), ev('submitted', 2)], opts);
    expect(retry).toEqual(first);
    // still so after another writer appended on top of it
    await es.append(a, [ev('filled', 3)], { expectedLastSubjectSeq: first.lastSeq, msgIds: ['A-3'] });
    expect(await es.append(a, [ev('requested', 1), ev('submitted', 2)], opts)).toEqual(first);
    expect((await es.read(a)).events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a retry completes what an earlier attempt wrote only in part', async () => {
    const bus = await testBus('esprefix');
    const es = await store(bus);
    const a = bus.subj.order('A');
    // the first attempt died after its first event
    await es.append(a, [ev('requested', 1)], { expectedLastSubjectSeq: 0, msgIds: ['A-1'] });
    const retry = await es.append(a, [ev('requested', 1), ev('submitted', 2)], {
      expectedLastSubjectSeq: 0,
      msgIds: ['A-1', 'A-2'],
    });
    expect(retry).toEqual({ seqs: [1, 2], lastSeq: 2 });
    expect((await es.read(a)).events.map((e) => e.event.n)).toEqual([1, 2]);
  });

  it('a concurrent writer is still detected exactly, behind our own events too', async () => {
    const bus = await testBus('esrace');
    const es = await store(bus);
    const a = bus.subj.order('A');
    await es.append(a, [ev('requested', 1), ev('submitted', 2)], {
      expectedLastSubjectSeq: 0,
      msgIds: ['A-1', 'A-2'],
    });
    // another writer's events, decided on the same (empty) state
    const other = await es
      .append(a, [ev('requested', 7)], { expectedLastSubjectSeq: 0, msgIds: ['B-1'] })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConcurrencyError);
    expect(other).toMatchObject({ expectedLastSubjectSeq: 0, actualLastSubjectSeq: 2, appended: [] });

    // our first event is there, then someone else's: ours is reported, the rest is not written
    const b = bus.subj.order('B');
    await es.append(b, [ev('requested', 1)], { expectedLastSubjectSeq: 0, msgIds: ['C-1'] });
    await es.append(b, [ev('filled', 9)], { expectedLastSubjectSeq: 3, msgIds: ['D-1'] });
    const behind = await es
      .append(b, [ev('requested', 1), ev('submitted', 2)], {
        expectedLastSubjectSeq: 0,
        msgIds: ['C-1', 'C-2'],
      })
      .catch((e: unknown) => e);
    expect(behind).toBeInstanceOf(ConcurrencyError);
    expect(behind).toMatchObject({ expectedLastSubjectSeq: 3, actualLastSubjectSeq: 4, appended: [3] });
    expect((await es.read(b)).events.map((e) => e.event.n)).toEqual([1, 9]);
  });

  it('rejectDuplicates: an already-stored msgId under a stale expectation is a conflict, not a success', async () => {
    const bus = await testBus('esdup');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const msgIds = ['A-1', 'A-2'];
    await es.append(a, [ev('requested', 1), ev('submitted', 2)], { expectedLastSubjectSeq: 0, msgIds });
    // without the option, an append decided on an empty subject (0) whose events are already
    // there is recognised as a retry of ours and "succeeds"
    const stale = { expectedLastSubjectSeq: 0, msgIds };
    expect(await es.append(a, [ev('requested', 1), ev('submitted', 2)], stale)).toEqual({
      seqs: [1, 2],
      lastSeq: 2,
    });
    const err = await es
      .append(a, [ev('requested', 1), ev('submitted', 2)], { ...stale, rejectDuplicates: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect(err).toMatchObject({ subject: a, expectedLastSubjectSeq: 0, appended: [] });
    // with the expectation right, a stored id is a duplicate ack: a conflict too, carrying what
    // this call wrote before it
    const dupAck = await es
      .append(a, [ev('filled', 3), ev('requested', 1)], {
        expectedLastSubjectSeq: 2,
        msgIds: ['A-3', 'A-1'],
        rejectDuplicates: true,
      })
      .catch((e: unknown) => e);
    expect(dupAck).toBeInstanceOf(ConcurrencyError);
    expect(dupAck).toMatchObject({ expectedLastSubjectSeq: 3, appended: [3] });
    // a new event behind a duplicate is not written either
    const mixed = await es
      .append(a, [ev('requested', 1), ev('filled', 4)], {
        expectedLastSubjectSeq: 0,
        msgIds: ['A-1', 'A-4'],
        rejectDuplicates: true,
      })
      .catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(ConcurrencyError);
    expect((await es.read(a)).events.map((e) => e.event.n)).toEqual([1, 2, 3]);
  });
});
