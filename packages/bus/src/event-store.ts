import { parseJson } from '@hyperflow/contracts';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type MsgRequest,
} from '@nats-io/jetstream';
import { headers, type Msg, type NatsConnection, nuid } from '@nats-io/transport-node';
import type { z } from 'zod';
import {
  AtomicBatchError,
  type AtomicBatchRejection,
  BusError,
  ConcurrencyError,
  FencedError,
} from './errors.js';
import { encodeEvent } from './publish.js';

export interface StoredEvent<T> {
  /** stream sequence: the version to expect when appending after this event */
  readonly seq: number;
  readonly subject: string;
  readonly event: T;
}

export interface AppendOptions {
  /** the subject's last stream sequence the caller decided on; 0 = the subject must be empty */
  readonly expectedLastSubjectSeq: number;
  /**
   * Idempotency keys, one per event (stored as Nats-Msg-Id). A retried append of the same events
   * returns what the first one returned: events already stored under these ids, in this order,
   * right after `expectedLastSubjectSeq` are recognised as ours (whether the server answers them
   * as duplicates or, with the now-stale expectation, as "wrong last sequence"); the rest is
   * appended after them.
   */
  readonly msgIds?: readonly string[];
  /**
   * Treat any of our ids already stored as someone else's write: a recognised duplicate is a
   * ConcurrencyError (`appended`: what this call wrote), never a success. For callers whose ids
   * name a step, not an attempt: two writers that decided the same step (two replicas, or an
   * optimistic append to a subject assumed empty) must not both think they wrote it.
   */
  readonly rejectDuplicates?: boolean;
  /**
   * Refuse the append (FencedError, nothing written) unless `fence.subject`, a subject of the same
   * stream, still has `fence.lastSeq` as its last sequence (Nats-Expected-Last-Subject-Sequence-
   * Subject, nats-server 2.11+): a fencing token for a single writer, e.g. the sequence of the claim
   * a signer appended when it took its lease; a successor's claim makes every later append of the
   * stale writer fail. A message carries one subject expectation and the first event carries the
   * aggregate's, so the fence rides on the second: a fenced append needs the atomic strategy (all
   * or nothing) and at least two events.
   */
  readonly fence?: AppendFence;
}

export interface AppendFence {
  readonly subject: string;
  readonly lastSeq: number;
}

export interface AppendResult {
  /** stream sequences of the appended events, in order */
  readonly seqs: readonly number[];
  /** the subject's last sequence after the append: the next expectation */
  readonly lastSeq: number;
}

export interface ReadResult<T> {
  readonly events: readonly StoredEvent<T>[];
  /** the subject's last sequence (0 when empty), whether or not `fromSeq` skipped it */
  readonly lastSeq: number;
}

/** The event-store port: one subject per aggregate, its stream sequence as the version. */
export interface EventStore<T, I = T> {
  append(subject: string, events: readonly I[], opts: AppendOptions): Promise<AppendResult>;
  read(subject: string, opts?: { readonly fromSeq?: number }): Promise<ReadResult<T>>;
}

export interface EventStoreOptions<S extends z.ZodType> {
  readonly nc: NatsConnection;
  /** the stream holding the subjects (EXECUTION) */
  readonly stream: string;
  /** every event on the subjects read or written through this store */
  readonly schema: S;
  readonly timeoutMs?: number;
  /** how a multi-event append is written; default 'sequential' (see AppendStrategy) */
  readonly strategy?: AppendStrategy;
}

/**
 * - `sequential`: one acknowledged publish per event, each expecting the previous one. K round
 *   trips; a writer that dies mid-append leaves a prefix (a retry with the same msgIds completes
 *   it), and a concurrent writer can get in between two events (the rest is then refused).
 * - `atomic`: an ADR-50 atomic batch (nats-server 2.12+, the stream needs `allow_atomic`): the
 *   events before the last are sent without a reply, the last commits as a request. One round
 *   trip; the server stores all events or none, contiguously. A single event is a plain publish.
 *   On one server with file storage the server stages each batch on disk first, which costs more
 *   than it saves; measure (`npm run bench -w @hyperflow/bus`).
 */
export type AppendStrategy = 'sequential' | 'atomic';

/**
 * Optimistic-concurrency event store on a JetStream stream: appends carry the expected last
 * subject sequence (checked by the server), reads replay one subject with an ordered consumer.
 */
export async function createEventStore<S extends z.ZodType>(
  opts: EventStoreOptions<S>,
): Promise<EventStore<z.output<S>, z.input<S>>> {
  const js = jetstream(opts.nc, opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {});
  const jsm = await jetstreamManager(opts.nc);
  const { stream, schema } = opts;
  const ctx: StoreCtx = { nc: opts.nc, js, jsm, stream, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const atomic = opts.strategy === 'atomic';
  return {
    append: (subject, events, a) => append(ctx, atomic, schema, subject, events, a),
    read: (subject, r) => read(js, jsm, stream, schema, subject, r?.fromSeq ?? 1),
  };
}

/** the JetStream client's default request timeout */
const DEFAULT_TIMEOUT_MS = 5_000;

interface StoreCtx {
  readonly nc: NatsConnection;
  readonly timeoutMs: number;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
}

async function append<S extends z.ZodType>(
  ctx: StoreCtx,
  atomic: boolean,
  schema: S,
  subject: string,
  events: readonly z.input<S>[],
  opts: AppendOptions,
): Promise<AppendResult> {
  const ids = opts.msgIds;
  if (ids !== undefined && ids.length !== events.length) {
    throw new BusError(`append to ${subject}: ${ids.length} msgIds for ${events.length} events`);
  }
  // validate all first: an invalid batch writes nothing
  const payloads = events.map((e, i) => encodeEvent(schema, e, `event ${i} for ${subject}`));
  if (opts.fence !== undefined && !(atomic && payloads.length > 1)) {
    throw new BusError(
      `append to ${subject}: a fence needs the atomic strategy and at least two events ` +
        `(the first carries the aggregate's expectation), got ${atomic ? 'atomic' : 'sequential'} with ${payloads.length}`,
    );
  }
  return atomic && payloads.length > 1
    ? appendAtomic(ctx, subject, payloads, opts)
    : appendSequential(ctx, subject, payloads, opts);
}

async function appendSequential(
  ctx: StoreCtx,
  subject: string,
  payloads: readonly Uint8Array[],
  opts: AppendOptions,
): Promise<AppendResult> {
  const ids = opts.msgIds;
  const reject = opts.rejectDuplicates === true;
  const seqs: number[] = [];
  let expected = opts.expectedLastSubjectSeq;
  // each event expects the previous one: a concurrent writer can only win before our first
  // event (then nothing is written) or between two of ours (then the rest is refused)
  let i = 0;
  while (i < payloads.length) {
    const msgID = ids?.[i];
    let ack: { readonly seq: number; readonly duplicate: boolean };
    try {
      ack = await ctx.js.publish(subject, payloads[i] as Uint8Array, {
        expect: { lastSubjectSequence: expected },
        ...(msgID !== undefined ? { msgID } : {}),
      });
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence)) {
        throw new BusError(`append to ${subject} failed after ${seqs.length} of ${payloads.length} events`, {
          cause: err,
        });
      }
      // a single server checks the expectation before the duplicate window (measured on 2.12.15,
      // 2.14.4 and 2.15.1; 2.9 answered a duplicate ack): a retry whose events are stored answers
      // "wrong last sequence"
      if (ids !== undefined && !reject) {
        const ours = await storedAsOurs(ctx, subject, expected, ids.slice(i));
        seqs.push(...ours.seqs);
        expected = ours.seqs.at(-1) ?? expected;
        i += ours.seqs.length;
        // all of ours were there, or an earlier attempt wrote a prefix and nobody came after it
        if (ours.seqs.length > 0 && !ours.foreign) continue;
      }
      throw new ConcurrencyError(subject, expected, lastSeqIn(err), [...seqs], { cause: err });
    }
    // a duplicate ack: the id is stored and the expectation held, or was not checked (2.9, or an
    // R3 stream, which checks the duplicate window first: measured on 2.12.15, 2.14.4 and 2.15.1),
    // or the caller re-appends an event it had already read
    if (ack.duplicate && reject) throw new ConcurrencyError(subject, expected, undefined, [...seqs]);
    seqs.push(ack.seq);
    expected = Math.max(expected, ack.seq);
    i += 1;
  }
  return { seqs, lastSeq: expected };
}

/** The subject's last sequence a "wrong last sequence: N" answer names. */
function lastSeqIn(err: Error | string): number | undefined {
  const n = /(\d+)\s*$/.exec(typeof err === 'string' ? err : err.message)?.[1];
  return n === undefined ? undefined : Number(n);
}

// server answers (nats-server errors.json) and ADR-50 headers
const WRONG_LAST_SEQUENCE = 10071;
/** an expectation the server cannot check now: the subject has a write in flight (clustered) */
const WRONG_LAST_SEQUENCE_CONSTANT = 10164;
const BATCH_DUPLICATE_MSG_ID = 10201;
const BATCH_REJECTIONS: Readonly<Record<number, AtomicBatchRejection>> = {
  10174: 'notEnabled',
  10176: 'incomplete',
  10199: 'tooLarge',
  10210: 'tooManyInflight',
};
const H_MSG_ID = 'Nats-Msg-Id';
const H_EXPECTED_LAST_SUBJECT_SEQ = 'Nats-Expected-Last-Subject-Sequence';
const H_EXPECTED_LAST_SUBJECT_SEQ_SUBJECT = 'Nats-Expected-Last-Subject-Sequence-Subject';
const H_BATCH_ID = 'Nats-Batch-Id';
const H_BATCH_SEQ = 'Nats-Batch-Sequence';
const H_BATCH_COMMIT = 'Nats-Batch-Commit';

async function appendAtomic(
  ctx: StoreCtx,
  subject: string,
  payloads: readonly Uint8Array[],
  opts: AppendOptions,
): Promise<AppendResult> {
  const ids = opts.msgIds;
  const reject = opts.rejectDuplicates === true;
  const seqs: number[] = [];
  let expected = opts.expectedLastSubjectSeq;
  let i = 0;
  // a second pass only after an earlier attempt's prefix was recognised: the rest is one batch
  for (;;) {
    const rest = payloads.slice(i);
    const answer = await commitBatch(ctx, subject, rest, ids?.slice(i), expected, opts.fence);
    if (answer.ok) {
      const first = answer.seq - rest.length + 1;
      for (let k = 0; k < rest.length; k += 1) seqs.push(first + k);
      return { seqs, lastSeq: answer.seq };
    }
    const { errCode, description } = answer;
    const rejection = BATCH_REJECTIONS[errCode];
    if (rejection !== undefined) throw new AtomicBatchError(subject, rejection, errCode, description);
    if (errCode === WRONG_LAST_SEQUENCE_CONSTANT)
      throw new ConcurrencyError(subject, expected, undefined, seqs);
    if (errCode !== WRONG_LAST_SEQUENCE && errCode !== BATCH_DUPLICATE_MSG_ID) {
      throw new BusError(`atomic append to ${subject} refused: ${description} (${errCode}); nothing written`);
    }
    // a whole batch re-sent answers 10201 (its first id is checked before its expectation); an
    // id outside the duplicate window with a stale expectation, 10071
    const actual = errCode === WRONG_LAST_SEQUENCE ? lastSeqIn(description) : undefined;
    if (errCode === WRONG_LAST_SEQUENCE && opts.fence !== undefined) {
      // the aggregate's expectation or the fence's: ask the fence
      const fenceNow = await lastSeqOf(ctx, opts.fence.subject);
      if (fenceNow !== opts.fence.lastSeq) {
        throw new FencedError(subject, expected, opts.fence.subject, opts.fence.lastSeq, fenceNow);
      }
    }
    if (ids === undefined || reject) throw new ConcurrencyError(subject, expected, actual, seqs);
    const ours = await storedAsOurs(ctx, subject, expected, ids.slice(i));
    seqs.push(...ours.seqs);
    expected = ours.seqs.at(-1) ?? expected;
    i += ours.seqs.length;
    if (i === payloads.length) return { seqs, lastSeq: expected };
    if (ours.seqs.length > 0 && !ours.foreign) continue;
    if (errCode === BATCH_DUPLICATE_MSG_ID && !ours.foreign) {
      // nothing follows the expectation, yet an id of ours is stored: elsewhere, not as our events
      throw new BusError(
        `atomic append to ${subject}: a msgId of this append is already stored, but not after sequence ` +
          `${expected}; nothing written`,
      );
    }
    throw new ConcurrencyError(subject, expected, actual, seqs);
  }
}

type BatchAnswer =
  | { readonly ok: true; readonly seq: number }
  | { readonly ok: false; readonly errCode: number; readonly description: string };

/**
 * One ADR-50 atomic batch in one round trip: messages 1..n-1 go without a reply (the server
 * stages them; a refusal there surfaces at the commit as an incomplete batch), message n carries
 * the commit and is the one request. Only the first carries the subject expectation: the server
 * refuses one on a subject that earlier messages of the batch already write. The second carries
 * the fence (another subject), if any; the server checks all of them at the commit, under lock.
 */
async function commitBatch(
  ctx: StoreCtx,
  subject: string,
  payloads: readonly Uint8Array[],
  ids: readonly string[] | undefined,
  expected: number,
  fence: AppendFence | undefined,
): Promise<BatchAnswer> {
  const batchId = nuid.next();
  const last = payloads.length - 1;
  let reply: Msg | undefined;
  try {
    for (const [j, data] of payloads.entries()) {
      const h = headers();
      h.set(H_BATCH_ID, batchId);
      h.set(H_BATCH_SEQ, String(j + 1));
      const id = ids?.[j];
      if (id !== undefined) h.set(H_MSG_ID, id);
      if (j === 0) h.set(H_EXPECTED_LAST_SUBJECT_SEQ, String(expected));
      if (j === 1 && fence !== undefined) {
        h.set(H_EXPECTED_LAST_SUBJECT_SEQ, String(fence.lastSeq));
        h.set(H_EXPECTED_LAST_SUBJECT_SEQ_SUBJECT, fence.subject);
      }
      if (j < last) {
        ctx.nc.publish(subject, data, { headers: h });
      } else {
        h.set(H_BATCH_COMMIT, '1');
        reply = await ctx.nc.request(subject, data, { headers: h, timeout: ctx.timeoutMs });
      }
    }
  } catch (err) {
    // no answer: the batch may or may not have committed; a retry with the same msgIds tells
    throw new BusError(`atomic append to ${subject} of ${payloads.length} events: no answer`, { cause: err });
  }
  return readBatchAck(subject, payloads.length, reply);
}

function readBatchAck(subject: string, n: number, reply: Msg | undefined): BatchAnswer {
  let ack:
    | { seq?: unknown; count?: unknown; error?: { err_code?: unknown; description?: unknown } }
    | undefined;
  try {
    ack = reply === undefined ? undefined : (JSON.parse(decoder.decode(reply.data)) as typeof ack);
  } catch (err) {
    throw new BusError(`atomic append to ${subject}: unreadable answer`, { cause: err });
  }
  if (ack?.error !== undefined) {
    const { err_code: code, description } = ack.error;
    return { ok: false, errCode: typeof code === 'number' ? code : 0, description: String(description) };
  }
  if (typeof ack?.seq !== 'number' || ack.seq < n) {
    throw new BusError(`atomic append to ${subject}: the answer is not a publish ack`);
  }
  // the sequences are derived from the count: never from an ack of some other batch size
  if (ack.count !== n) {
    throw new BusError(`atomic append to ${subject}: committed ${String(ack.count)} messages, sent ${n}`);
  }
  return { ok: true, seq: ack.seq };
}

const decoder = new TextDecoder();

/** The subject's last sequence, 0 when it has none. */
async function lastSeqOf(ctx: StoreCtx, subject: string): Promise<number> {
  try {
    return (await ctx.jsm.streams.getMessage(ctx.stream, { last_by_subj: subject }))?.seq ?? 0;
  } catch (err) {
    throw new BusError(`cannot get the last sequence of ${subject}`, { cause: err });
  }
}

/**
 * Which of `ids` are stored, in order, as the subject's messages right after `after`: their
 * sequences, and whether a message that is not ours follows them (another writer got in).
 */
async function storedAsOurs(
  ctx: StoreCtx,
  subject: string,
  after: number,
  ids: readonly string[],
): Promise<{ readonly seqs: number[]; readonly foreign: boolean }> {
  const seqs: number[] = [];
  let cursor = after;
  for (const id of ids) {
    let m: Awaited<ReturnType<JetStreamManager['streams']['getMessage']>>;
    try {
      // STREAM.MSG.GET (the leader, never a lagging replica) takes `next_by_subj`; the client's
      // type names only seq and last_by_subj
      const query = { seq: cursor + 1, next_by_subj: subject } as unknown as MsgRequest;
      m = await ctx.jsm.streams.getMessage(ctx.stream, query);
    } catch (err) {
      throw new BusError(`append to ${subject}: cannot read back what follows sequence ${cursor}`, {
        cause: err,
      });
    }
    if (m === null) return { seqs, foreign: false };
    if (m.header.get('Nats-Msg-Id') !== id) return { seqs, foreign: true };
    seqs.push(m.seq);
    cursor = m.seq;
  }
  return { seqs, foreign: false };
}

async function read<S extends z.ZodType>(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  schema: S,
  subject: string,
  fromSeq: number,
): Promise<ReadResult<z.output<S>>> {
  let lastSeq: number;
  try {
    lastSeq = (await jsm.streams.getMessage(stream, { last_by_subj: subject }))?.seq ?? 0;
  } catch (err) {
    throw new BusError(`read ${subject}: cannot get its last sequence`, { cause: err });
  }
  if (lastSeq === 0 || fromSeq > lastSeq) return { events: [], lastSeq };
  const events: StoredEvent<z.output<S>>[] = [];
  // an ordered consumer bounded by the last sequence seen above: later appends are not our read
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
  });
  try {
    const messages = await consumer.consume();
    for await (const m of messages) {
      events.push({
        seq: m.seq,
        subject: m.subject,
        // a stored event that breaks its contract is corrupt history: fail loudly
        event: parseJson(schema, m.data, `stored event ${m.seq} on ${subject}`),
      });
      if (m.seq >= lastSeq) break;
    }
  } finally {
    await consumer.delete().catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    });
  }
  return { events, lastSeq };
}
