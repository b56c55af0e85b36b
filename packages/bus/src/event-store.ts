import { parseJson } from '@hyperflow/contracts';
import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { BusError, ConcurrencyError } from './errors.js';
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
  /** idempotency keys, one per event, so a retried append de-duplicates */
  readonly msgIds?: readonly string[];
  /**
   * The server answers a msgId it already stored as a duplicate before it checks the expected
   * sequence, so a stale expectation whose events were already written "succeeds". With this set,
   * a duplicate ack is a ConcurrencyError instead (`appended`: what this call wrote before it), for
   * a caller that decided on a state it did not read (an optimistic append to an empty subject).
   */
  readonly rejectDuplicates?: boolean;
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
}

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
  return {
    append: (subject, events, a) => append(js, schema, subject, events, a),
    read: (subject, r) => read(js, jsm, stream, schema, subject, r?.fromSeq ?? 1),
  };
}

async function append<S extends z.ZodType>(
  js: JetStreamClient,
  schema: S,
  subject: string,
  events: readonly z.input<S>[],
  opts: AppendOptions,
): Promise<AppendResult> {
  if (opts.msgIds !== undefined && opts.msgIds.length !== events.length) {
    throw new BusError(`append to ${subject}: ${opts.msgIds.length} msgIds for ${events.length} events`);
  }
  // validate all first: an invalid batch writes nothing
  const payloads = events.map((e, i) => encodeEvent(schema, e, `event ${i} for ${subject}`));
  const seqs: number[] = [];
  let expected = opts.expectedLastSubjectSeq;
  // each event expects the previous one: a concurrent writer can only win before our first
  // event (then nothing is written) or between two of ours (then the rest is refused)
  for (const [i, data] of payloads.entries()) {
    const msgID = opts.msgIds?.[i];
    try {
      const ack = await js.publish(subject, data, {
        expect: { lastSubjectSequence: expected },
        ...(msgID !== undefined ? { msgID } : {}),
      });
      if (ack.duplicate && opts.rejectDuplicates === true) {
        throw new ConcurrencyError(subject, expected, undefined, [...seqs]);
      }
      seqs.push(ack.seq);
      expected = ack.seq;
    } catch (err) {
      if (err instanceof ConcurrencyError) throw err;
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
        const actual = /(\d+)\s*$/.exec(err.message)?.[1];
        const actualSeq = actual === undefined ? undefined : Number(actual);
        throw new ConcurrencyError(subject, expected, actualSeq, [...seqs], { cause: err });
      }
      throw new BusError(`append to ${subject} failed after ${seqs.length} of ${events.length} events`, {
        cause: err,
      });
    }
  }
  return { seqs, lastSeq: expected };
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
