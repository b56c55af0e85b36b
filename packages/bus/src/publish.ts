import { parse } from '@hyperflow/contracts';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { BusError } from './errors.js';
import { type Logger, silentLogger } from './log.js';

const encoder = new TextEncoder();

/**
 * Validates `event` against its contract and encodes the validated value as JSON bytes, once.
 * Throws the contracts' ContractError for an invalid event, so it never reaches the wire. Pure.
 */
export function encodeEvent<S extends z.ZodType>(schema: S, event: z.input<S>, what = 'event'): Uint8Array {
  return encoder.encode(JSON.stringify(parse(schema, event, what)));
}

export interface PublishOptions {
  /** idempotency key: a second publish with the same id inside the stream's window is dropped */
  readonly msgId: string;
  readonly headers?: MsgHdrs;
  readonly timeoutMs?: number;
}

export interface PublishAck {
  readonly stream: string;
  /** stream sequence; for a duplicate, the sequence of the original */
  readonly seq: number;
  readonly duplicate: boolean;
}

/** The typed publisher port (services depend on this shape, not on NATS). */
export interface Publisher {
  publish<S extends z.ZodType>(
    subject: string,
    schema: S,
    event: z.input<S>,
    opts: PublishOptions,
  ): Promise<PublishAck>;
}

export interface PublisherOptions {
  readonly timeoutMs?: number;
}

/** JetStream publisher that validates before sending and awaits each ack (for low-volume, must-land events). */
export function createPublisher(nc: NatsConnection, opts: PublisherOptions = {}): Publisher {
  const js = jetstream(nc);
  return {
    async publish(subject, schema, event, p) {
      const data = encodeEvent(schema, event, `event for ${subject}`);
      return publishBytes(js, subject, data, p.msgId, p.headers, p.timeoutMs ?? opts.timeoutMs);
    },
  };
}

async function publishBytes(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  msgId: string,
  headers: MsgHdrs | undefined,
  timeoutMs: number | undefined,
): Promise<PublishAck> {
  if (msgId.length === 0) throw new BusError(`publish to ${subject}: empty msgId`);
  try {
    const ack = await js.publish(subject, data, {
      msgID: msgId,
      ...(headers !== undefined ? { headers } : {}),
      ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
    });
    return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
  } catch (err) {
    throw new BusError(`publish to ${subject} (msgId ${msgId}) failed`, { cause: err });
  }
}

export interface FastPublisherStats {
  /** handed to the connection */
  readonly sent: number;
  /** acknowledged by the stream (duplicates included) */
  readonly acked: number;
  readonly duplicates: number;
  /** no ack (timeout, no stream, rejected); reported through `onError` */
  readonly failed: number;
  readonly inFlight: number;
}

export interface FastPublisherOptions {
  /** acks awaited at once before `publish` starts waiting for room (backpressure) */
  readonly maxInFlight?: number;
  readonly timeoutMs?: number;
  /** called once per message that did not land; the publisher keeps going */
  readonly onError?: (err: BusError, msg: { readonly subject: string; readonly msgId: string }) => void;
  readonly log?: Logger;
}

export interface FastPublisher {
  /**
   * Validates, encodes and sends without waiting for the ack; resolves as soon as the message is
   * in flight (immediately unless `maxInFlight` acks are outstanding). An invalid event rejects.
   */
  publish<S extends z.ZodType>(
    subject: string,
    schema: S,
    event: z.input<S>,
    opts: PublishOptions,
  ): Promise<void>;
  /** Resolves when every message published so far has been acked or has failed. */
  flush(): Promise<FastPublisherStats>;
  stats(): FastPublisherStats;
}

/**
 * The market-data path: pipelined JetStream publishes with a bounded in-flight window, so the
 * throughput is the pipelined rate (~16k/s here), not one round trip per message.
 */
export function createFastPublisher(nc: NatsConnection, opts: FastPublisherOptions = {}): FastPublisher {
  const js = jetstream(nc);
  const log = opts.log ?? silentLogger;
  const maxInFlight = opts.maxInFlight ?? 512;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new BusError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  let sent = 0;
  let acked = 0;
  let duplicates = 0;
  let failed = 0;
  let inFlight = 0;
  const roomWaiters: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  const stats = (): FastPublisherStats => ({ sent, acked, duplicates, failed, inFlight });

  const settle = () => {
    inFlight -= 1;
    roomWaiters.shift()?.();
    if (inFlight === 0 && roomWaiters.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  return {
    async publish(subject, schema, event, p) {
      const data = encodeEvent(schema, event, `event for ${subject}`);
      while (inFlight >= maxInFlight) {
        await new Promise<void>((resolve) => roomWaiters.push(resolve));
      }
      inFlight += 1;
      sent += 1;
      publishBytes(js, subject, data, p.msgId, p.headers, p.timeoutMs ?? opts.timeoutMs).then(
        (ack) => {
          acked += 1;
          if (ack.duplicate) duplicates += 1;
          settle();
        },
        (err: BusError) => {
          failed += 1;
          try {
            if (opts.onError) opts.onError(err, { subject, msgId: p.msgId });
            else log.warn({ err, subject, msgId: p.msgId }, 'fast publish failed');
          } finally {
            settle();
          }
        },
      );
    },
    flush() {
      if (inFlight === 0 && roomWaiters.length === 0) return Promise.resolve(stats());
      return new Promise<FastPublisherStats>((resolve) => idleWaiters.push(() => resolve(stats())));
    },
    stats,
  };
}
