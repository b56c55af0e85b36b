import { parse } from '@hyperflow/contracts';
import { type Logger, silentLogger } from '@hyperflow/core';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { BusError, PayloadTooLargeError } from './errors.js';

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
      checkSize(nc, subject, data, p.msgId, p.headers);
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
  /**
   * While other publishes are in flight, send at the end of the event-loop turn, so that messages
   * published from many callbacks of one poll phase (one WS frame each) leave in one socket write
   * (default true; a message published with nothing in flight goes at once). false: always at once.
   */
  readonly coalesce?: boolean;
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

/** an in-flight fast publish, waiting for its ack on the publisher's reply subscription */
interface Pending {
  readonly subject: string;
  readonly msgId: string;
  readonly deadline: number;
}

const decoder = new TextDecoder();
/** at most this many fast publishes wait for the end of the loop turn before they are sent */
const OUTBOX_MAX = 256;

/**
 * The market-data path: pipelined JetStream publishes with a bounded in-flight window. Each message
 * is a core publish carrying its msgID header and a reply subject under one inbox this publisher
 * subscribes to once; the stream's ack (or error, or the server's no-responders status) arrives
 * there, and one sweep timer fails what was not acked in time. That is what JetStream's publish does
 * per message (request: its own reply, timer and promise), minus the per-message machinery.
 */
export function createFastPublisher(nc: NatsConnection, opts: FastPublisherOptions = {}): FastPublisher {
  const log = opts.log ?? silentLogger;
  const maxInFlight = opts.maxInFlight ?? 512;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new BusError(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const defaultTimeoutMs = opts.timeoutMs ?? 5_000;
  const outboxMax = opts.coalesce === false ? 1 : OUTBOX_MAX;
  let sent = 0;
  let acked = 0;
  let duplicates = 0;
  let failed = 0;
  const pending = new Map<string, Pending>();
  const roomWaiters: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let inbox: string | undefined;
  let token = 0;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  /** handed to `publish` in this turn of the event loop, sent together at its end */
  let outbox: { key: string; subject: string; msgId: string; data: Uint8Array; h: MsgHdrs }[] = [];
  let sendScheduled = false;

  const stats = (): FastPublisherStats => ({ sent, acked, duplicates, failed, inFlight: pending.size });

  const settled = () => {
    roomWaiters.shift()?.();
    if (pending.size === 0) {
      if (sweeper !== undefined) clearInterval(sweeper);
      sweeper = undefined;
      if (roomWaiters.length === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  };

  const fail = (msg: { readonly subject: string; readonly msgId: string }, err: BusError) => {
    failed += 1;
    try {
      if (opts.onError) opts.onError(err, msg);
      else log.warn({ err, subject: msg.subject, msgId: msg.msgId }, 'fast publish failed');
    } catch (e) {
      log.warn({ err: e }, 'fast publish onError threw');
    }
  };

  const onAck = (key: string, m: Msg) => {
    const p = pending.get(key);
    // late (already timed out) or foreign: the message may still have landed; a retry de-duplicates
    if (p === undefined) return;
    pending.delete(key);
    const ack = readAck(m);
    if (ack.ok) {
      acked += 1;
      if (ack.duplicate) duplicates += 1;
    } else {
      fail(p, new BusError(`publish to ${p.subject} (msgId ${p.msgId}) failed: ${ack.why}`));
    }
    settled();
  };

  const sweep = () => {
    const now = Date.now();
    for (const [key, p] of pending) {
      if (p.deadline > now) continue;
      pending.delete(key);
      fail(p, new BusError(`publish to ${p.subject} (msgId ${p.msgId}) failed: no ack within the timeout`));
      settled();
    }
  };

  // The connection writes to its socket once per microtask checkpoint, and market data arrives one
  // frame per callback: sending at the end of the loop turn (setImmediate) makes the frames read in
  // one poll phase one socket write instead of one write (a syscall) each.
  const sendOutbox = () => {
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    for (const o of batch) {
      try {
        nc.publish(o.subject, o.data, { headers: o.h, reply: `${inbox}.${o.key}` });
      } catch (err) {
        if (!pending.delete(o.key)) continue;
        fail(o, new BusError(`publish to ${o.subject} (msgId ${o.msgId}) failed`, { cause: err }));
        settled();
      }
    }
  };

  const ensureInbox = (): string => {
    if (inbox !== undefined) return inbox;
    // under the connection's inbox prefix: the identity may subscribe to its own inboxes only
    const prefix = createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    const cut = prefix.length + 1;
    nc.subscribe(`${prefix}.*`, {
      callback: (err, m) => {
        if (err) return; // the subscription ended (connection closed): the sweep fails what is left
        onAck(m.subject.slice(cut), m);
      },
    });
    // a closed connection acks nothing more: fail what is still waiting now, not at its deadline
    void nc.closed().then(() => {
      for (const [key, p] of pending) {
        pending.delete(key);
        fail(p, new BusError(`publish to ${p.subject} (msgId ${p.msgId}) failed: connection closed`));
        settled();
      }
    });
    inbox = prefix;
    return prefix;
  };

  return {
    async publish(subject, schema, event, p) {
      const data = encodeEvent(schema, event, `event for ${subject}`);
      checkSize(nc, subject, data, p.msgId, p.headers);
      while (pending.size >= maxInFlight) {
        // the window is full: what waits for the end of the turn would only delay the acks
        if (outbox.length > 0) sendOutbox();
        await new Promise<void>((resolve) => roomWaiters.push(resolve));
      }
      sent += 1;
      const msg = { subject, msgId: p.msgId };
      if (p.msgId.length === 0) {
        fail(msg, new BusError(`publish to ${subject}: empty msgId`));
        return;
      }
      ensureInbox();
      token += 1;
      const key = token.toString(36);
      const h = p.headers ?? headers();
      h.set('Nats-Msg-Id', p.msgId);
      // nothing else in flight: a lone message (a quiet feed, a closed loop) goes at once
      const alone = pending.size === 0;
      pending.set(key, { subject, msgId: p.msgId, deadline: Date.now() + (p.timeoutMs ?? defaultTimeoutMs) });
      outbox.push({ key, subject, msgId: p.msgId, data, h });
      if (alone || outbox.length >= outboxMax) sendOutbox();
      else if (!sendScheduled) {
        sendScheduled = true;
        setImmediate(() => {
          sendScheduled = false;
          sendOutbox();
        });
      }
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, Math.max(10, Math.min(250, Math.floor(defaultTimeoutMs / 4))));
        sweeper.unref?.();
      }
    },
    flush() {
      if (pending.size === 0 && roomWaiters.length === 0) return Promise.resolve(stats());
      return new Promise<FastPublisherStats>((resolve) => idleWaiters.push(() => resolve(stats())));
    },
    stats,
  };
}

/** the headers the publishers add (`Nats-Msg-Id`) and the protocol's header framing, at most */
const HEADER_SLACK = 4096;

/**
 * Refuses an event the server would refuse (max_payload counts headers too), before it is sent:
 * the connection would throw inside a later flush, where the caller has already been told "sent".
 */
function checkSize(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  msgId: string,
  extra: MsgHdrs | undefined,
): void {
  const max = nc.info?.max_payload;
  if (max === undefined || data.length + HEADER_SLACK <= max) return;
  // the wire form: `NATS/1.0\r\n`, one `key: value\r\n` per value, a blank line
  let text = `NATS/1.0\r\nNats-Msg-Id: ${msgId}\r\n\r\n`;
  for (const [k, vs] of extra ?? []) for (const v of vs) if (k !== 'Nats-Msg-Id') text += `${k}: ${v}\r\n`;
  const bytes = data.length + encoder.encode(text).length;
  if (bytes > max) throw new PayloadTooLargeError(subject, bytes, max);
}

type AckReading =
  | { readonly ok: true; readonly duplicate: boolean }
  | { readonly ok: false; readonly why: string };

/** A reply on the inbox: the stream's ack, its API error, or the server's status (503: no stream). */
function readAck(m: Msg): AckReading {
  const code = m.headers?.code ?? 0;
  if (code !== 0 && code !== 200) {
    const why =
      code === 503
        ? 'no stream captures the subject (no responders)'
        : `status ${code} ${m.headers?.description ?? ''}`;
    return { ok: false, why };
  }
  let ack: {
    stream?: unknown;
    seq?: unknown;
    duplicate?: unknown;
    error?: { err_code?: number; description?: string };
  };
  try {
    ack = JSON.parse(decoder.decode(m.data)) as typeof ack;
  } catch {
    return { ok: false, why: 'an unreadable ack' };
  }
  if (ack.error !== undefined) {
    return { ok: false, why: `${ack.error.description ?? 'stream error'} (${ack.error.err_code ?? '?'})` };
  }
  if (typeof ack.stream !== 'string' || ack.stream === '' || typeof ack.seq !== 'number') {
    return { ok: false, why: 'an invalid ack' };
  }
  return { ok: true, duplicate: ack.duplicate === true };
}
