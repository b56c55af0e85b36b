import { jetstream, jetstreamManager, type MsgRequest } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AtomicBatchError, BusError, ConcurrencyError, FencedError } from './errors.js';
import { type AppendStrategy, createEventStore } from './event-store.js';
import { TEST_LIMITS, type TestBus, testBus } from './test-support/bus.js';

// ADR-50 atomic batches, a single server, R1 file storage: the same answers on 2.12.15, 2.14.4 and 2.15.1
// (bash scripts/test-min-server.sh <bin>; CI runs the newest)
const OrderEv = z.object({
  type: z.enum(['requested', 'submitted', 'filled']),
  n: z.number().int(),
  note: z.string().optional(),
});
type OrderEv = z.infer<typeof OrderEv>;
const ev = (type: OrderEv['type'], n: number): OrderEv => ({ type, n });
const two = [ev('requested', 1), ev('submitted', 2)];

describe('event store, atomic appends (nats-server 2.12.15, 2.14.4 and 2.15.1)', () => {
  const store = (b: TestBus, strategy: AppendStrategy = 'atomic') =>
    createEventStore({ nc: b.nc, stream: b.streams.EXECUTION.name, schema: OrderEv, strategy });

  async function stored(b: TestBus, seq: number) {
    const jsm = await jetstreamManager(b.nc);
    const m = await jsm.streams.getMessage(b.streams.EXECUTION.name, { seq } as MsgRequest);
    if (m === null) throw new Error(`no message ${seq}`);
    return m.header;
  }

  it('writes a step as one batch: contiguous sequences, the last one committing it', async () => {
    const bus = await testBus('esat');
    const es = await store(bus);
    const a = bus.subj.order('A');
    await es.append(bus.subj.order('B'), [ev('requested', 9)], { expectedLastSubjectSeq: 0 });
    const first = await es.append(a, [...two, ev('filled', 3), ev('filled', 4)], {
      expectedLastSubjectSeq: 0,
      msgIds: ['A-1', 'A-2', 'A-3', 'A-4'],
    });
    expect(first).toEqual({ seqs: [2, 3, 4, 5], lastSeq: 5 });
    const next = await es.append(a, two, { expectedLastSubjectSeq: 5 });
    expect(next).toEqual({ seqs: [6, 7], lastSeq: 7 });
    expect((await es.read(a)).events.map((e) => [e.seq, e.event.n])).toEqual([
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 1],
      [7, 2],
    ]);
    // the server stored them as one batch (ADR-50 headers), with our ids
    const h2 = await stored(bus, 2);
    const h5 = await stored(bus, 5);
    expect(h2.get('Nats-Batch-Id')).not.toBe('');
    expect(h5.get('Nats-Batch-Id')).toBe(h2.get('Nats-Batch-Id'));
    expect(h5.get('Nats-Batch-Commit')).toBe('1');
    expect([h2.get('Nats-Msg-Id'), h5.get('Nats-Msg-Id')]).toEqual(['A-1', 'A-4']);
  });

  it('a stale expectation (10071) is a ConcurrencyError and writes none of the batch', async () => {
    const bus = await testBus('esatstale');
    const es = await store(bus);
    const a = bus.subj.order('A');
    await es.append(a, two, { expectedLastSubjectSeq: 0 });
    for (const stale of [0, 1]) {
      const err = await es
        .append(a, [ev('filled', 3), ev('filled', 4)], {
          expectedLastSubjectSeq: stale,
          msgIds: ['X-1', 'X-2'],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect(err).toMatchObject({ expectedLastSubjectSeq: stale, actualLastSubjectSeq: 2, appended: [] });
    }
    expect((await es.read(a)).events.map((e) => e.event.n)).toEqual([1, 2]);
  });

  it('a whole batch re-sent (10201) returns what the first append returned, even after later writes', async () => {
    const bus = await testBus('esatretry');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const opts = { expectedLastSubjectSeq: 0, msgIds: ['A-1', 'A-2'] };
    const first = await es.append(a, two, opts);
    expect(await es.append(a, two, opts)).toEqual(first);
    await es.append(a, two, { expectedLastSubjectSeq: first.lastSeq, msgIds: ['A-3', 'A-4'] });
    expect(await es.append(a, two, opts)).toEqual(first);
    expect((await es.read(a)).events).toHaveLength(4);

    // rejectDuplicates: the step is someone else's, and this call wrote nothing
    const err = await es.append(a, two, { ...opts, rejectDuplicates: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect(err).toMatchObject({ expectedLastSubjectSeq: 0, appended: [] });
    expect((await es.read(a)).events).toHaveLength(4);
  });

  it('completes a prefix an earlier sequential attempt left, as one batch; a foreign event is a conflict', async () => {
    const bus = await testBus('esatprefix');
    const seq = await store(bus, 'sequential');
    const es = await store(bus);
    const a = bus.subj.order('A');
    await seq.append(a, [ev('requested', 1)], { expectedLastSubjectSeq: 0, msgIds: ['A-1'] });
    const done = await es.append(a, [...two, ev('filled', 3)], {
      expectedLastSubjectSeq: 0,
      msgIds: ['A-1', 'A-2', 'A-3'],
    });
    expect(done).toEqual({ seqs: [1, 2, 3], lastSeq: 3 });

    const b = bus.subj.order('B');
    await seq.append(b, [ev('requested', 1)], { expectedLastSubjectSeq: 0, msgIds: ['B-1'] });
    await seq.append(b, [ev('filled', 9)], { expectedLastSubjectSeq: 4, msgIds: ['C-1'] });
    const err = await es
      .append(b, two, { expectedLastSubjectSeq: 0, msgIds: ['B-1', 'B-2'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect(err).toMatchObject({ expectedLastSubjectSeq: 4, appended: [4] });
    expect((await es.read(b)).events.map((e) => e.event.n)).toEqual([1, 9]);
  });

  it('a stream without allow_atomic (10174): AtomicBatchError notEnabled, nothing written', async () => {
    const bus = await testBus('esatoff', {
      streams: {
        ...TEST_LIMITS.streams,
        EXECUTION: { ...TEST_LIMITS.streams?.EXECUTION, allowAtomicPublish: false },
      },
    });
    const es = await store(bus);
    const a = bus.subj.order('A');
    const err = await es.append(a, two, { expectedLastSubjectSeq: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicBatchError);
    expect(err).toMatchObject({ reason: 'notEnabled', errCode: 10174, transient: false });
    // a single event needs no batch
    expect(await es.append(a, [ev('requested', 1)], { expectedLastSubjectSeq: 0 })).toEqual({
      seqs: [1],
      lastSeq: 1,
    });
    expect((await es.read(a)).events).toHaveLength(1);
  });

  it('more events than the server allows in one batch (10199): AtomicBatchError tooLarge, nothing written', async () => {
    const bus = await testBus('esatbig');
    const es = await store(bus);
    const a = bus.subj.order('A');
    const many = Array.from({ length: 1001 }, (_, n) => ev('filled', n));
    const err = await es.append(a, many, { expectedLastSubjectSeq: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicBatchError);
    expect(err).toMatchObject({ reason: 'tooLarge', errCode: 10199 });
    expect(await es.read(a)).toEqual({ events: [], lastSeq: 0 });
  });

  it('a batch message the server refused before the commit (10176): AtomicBatchError incomplete, nothing written', async () => {
    const bus = await testBus('esatgap');
    const jsm = await jetstreamManager(bus.nc);
    const name = bus.streams.EXECUTION.name;
    // the first event is over the stream's message size limit: refused without an answer (it
    // had no reply subject), so the commit finds its batch incomplete
    await jsm.streams.update(name, { max_msg_size: 256 });
    const es = await store(bus);
    const a = bus.subj.order('A');
    const big = { ...ev('requested', 1), note: 'x'.repeat(400) };
    const err = await es
      .append(a, [big, ev('submitted', 2)], { expectedLastSubjectSeq: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtomicBatchError);
    expect(err).toMatchObject({ reason: 'incomplete', errCode: 10176, transient: true });
    expect(await es.read(a)).toEqual({ events: [], lastSeq: 0 });
  });

  it('nats-server 2.11+ fencing: after a successor claims the fence, the stale writer appends nothing', async () => {
    const bus = await testBus('esatfence');
    const es = await store(bus);
    const js = jetstream(bus.nc);
    // the single signer's claim subject, in the same stream as the orders
    const fenceSubject = `${bus.root}.sim.exec.signer`;
    const claimA = (await js.publish(fenceSubject, 'A', { expect: { lastSubjectSequence: 0 } })).seq;
    const a = bus.subj.order('A');
    const mine = await es.append(a, two, {
      expectedLastSubjectSeq: 0,
      msgIds: ['A-1', 'A-2'],
      fence: { subject: fenceSubject, lastSeq: claimA },
    });
    expect(mine).toEqual({ seqs: [2, 3], lastSeq: 3 });

    // B takes over (its lease, then its claim on top of A's)
    const claimB = (await js.publish(fenceSubject, 'B', { expect: { lastSubjectSequence: claimA } })).seq;
    const b = bus.subj.order('B');
    // A, stale, on a fresh order (no aggregate conflict to catch it) and on its own order
    for (const [subject, expectedLastSubjectSeq] of [
      [b, 0],
      [a, 3],
    ] as const) {
      const err = await es
        .append(subject, two, { expectedLastSubjectSeq, fence: { subject: fenceSubject, lastSeq: claimA } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FencedError);
      expect(err).toBeInstanceOf(ConcurrencyError); // callers that know only conflicts stay right
      expect(err).toMatchObject({ fenceSubject, fenceSeq: claimA, actualFenceSeq: claimB, appended: [] });
    }
    expect(await es.read(b)).toEqual({ events: [], lastSeq: 0 });
    expect((await es.read(a)).lastSeq).toBe(3);
    // A's retry of what it wrote while it held the fence still returns that
    expect(
      await es.append(a, two, {
        expectedLastSubjectSeq: 0,
        msgIds: ['A-1', 'A-2'],
        fence: { subject: fenceSubject, lastSeq: claimA },
      }),
    ).toEqual(mine);
    // B, current, writes
    expect(
      await es.append(b, two, {
        expectedLastSubjectSeq: 0,
        fence: { subject: fenceSubject, lastSeq: claimB },
      }),
    ).toEqual({ seqs: [5, 6], lastSeq: 6 });
    // an aggregate conflict under a valid fence is a plain ConcurrencyError
    const stale = await es
      .append(b, two, { expectedLastSubjectSeq: 0, fence: { subject: fenceSubject, lastSeq: claimB } })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect(stale).not.toBeInstanceOf(FencedError);
    expect(stale).toMatchObject({ actualLastSubjectSeq: 6, appended: [] });
  });

  it('refuses a fence it cannot carry: one event, or the sequential strategy', async () => {
    const bus = await testBus('esatfence1');
    const fence = { subject: `${bus.root}.sim.exec.signer`, lastSeq: 0 };
    const a = bus.subj.order('A');
    const one = await (await store(bus))
      .append(a, [ev('requested', 1)], { expectedLastSubjectSeq: 0, fence })
      .catch((e: unknown) => e);
    expect(one).toBeInstanceOf(BusError);
    expect((one as Error).message).toMatch(/a fence needs the atomic strategy and at least two events/);
    const seq = await (await store(bus, 'sequential'))
      .append(a, two, { expectedLastSubjectSeq: 0, fence })
      .catch((e: unknown) => e);
    expect((seq as Error).message).toMatch(/got sequential with 2/);
    expect(await (await store(bus)).read(a)).toEqual({ events: [], lastSeq: 0 });
  });
});
