import { checkInbound, type NetworkCheck } from '@hyperflow/bus';
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { z } from 'zod';

export interface ReplayRange {
  readonly stream: string;
  readonly filterSubject: string;
  /** first message at or after this time (ms); omit for the stream start */
  readonly fromMs?: number;
  /** first stream sequence to read (wins over fromMs) */
  readonly fromSeq?: number;
  /** last stream sequence to read (inclusive) */
  readonly throughSeq: number;
  /** skip messages of another network (subject or envelope), as the live path refuses them */
  readonly network?: NetworkCheck;
}

export interface Replayed<T> {
  readonly seq: number;
  readonly subject: string;
  readonly event: T;
}

/**
 * Reads a stream range in order with an ordered (ephemeral) consumer: every message of the filter
 * from `fromMs` through `throughSeq`. Messages that break the contract (or, with `network`, belong
 * to another network) are skipped and counted (the live consumer already dead-lettered them); the
 * returned list is what the live path saw.
 */
export async function readRange<S extends z.ZodType>(
  js: JetStreamClient,
  range: ReplayRange,
  schema: S,
): Promise<{ events: Replayed<z.output<S>>[]; skipped: number }> {
  const events: Replayed<z.output<S>>[] = [];
  let skipped = 0;
  if (range.throughSeq < 1 || (range.fromSeq ?? 0) > range.throughSeq) return { events, skipped };
  const consumer = await js.consumers.get(range.stream, {
    filter_subjects: range.filterSubject,
    ...(range.fromSeq !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, range.fromSeq) }
      : range.fromMs === undefined
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(range.fromMs).toISOString() }),
  });
  let done = false;
  while (!done) {
    // a fetch that finds nothing ends at `expires`: the range had no (more) messages
    const batch = await consumer.fetch({ max_messages: 512, expires: 1_000 });
    let n = 0;
    for await (const m of batch) {
      n += 1;
      if (m.seq > range.throughSeq) {
        done = true;
        break;
      }
      const checked = checkInbound(schema, m.subject, m.data, range.network);
      if (checked.ok) events.push({ seq: m.seq, subject: m.subject, event: checked.value });
      else skipped += 1;
      if (m.seq >= range.throughSeq || m.info.pending === 0) {
        done = true;
        break;
      }
    }
    if (n === 0) done = true;
  }
  return { events, skipped };
}
