import {
  ContractError,
  DeadLetter,
  jsonBoundsProblem,
  type Net,
  networkProblems,
  parse,
} from '@hyperflow/contracts';
import { type Logger, silentLogger } from '@hyperflow/core';
import { jetstream } from '@nats-io/jetstream';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import { buildDeadLetter } from './dead-letter.js';
import { encodeEvent } from './publish.js';

/** Why a message read from NATS was refused before any handler saw it. */
export type InboundReason = 'invalidJson' | 'outOfBounds' | 'schema' | 'network';

export type InboundResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: InboundReason; readonly problems: readonly string[] };

/** The network a service runs on: every message it reads must belong to it (subject and envelope). */
export interface NetworkCheck {
  readonly net: Net;
  /** subject root; default `hl` */
  readonly root?: string;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The one validation of a NATS message, for durable consumers, plain subscriptions and request
 * handlers alike: UTF-8, size and depth bounds before JSON.parse, then (when `network` is given)
 * the subject's and the envelope's network, then the schema. Pure; never throws on bad data.
 */
export function checkInbound<S extends z.ZodType>(
  schema: S,
  subject: string,
  data: Uint8Array,
  network?: NetworkCheck,
): InboundResult<z.output<S>> {
  let text: string;
  try {
    text = fatalUtf8.decode(data);
  } catch (err) {
    return { ok: false, reason: 'invalidJson', problems: [`not UTF-8: ${(err as Error).message}`] };
  }
  const bounds = jsonBoundsProblem(text);
  if (bounds !== undefined) return { ok: false, reason: 'outOfBounds', problems: [bounds] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'invalidJson', problems: [(err as Error).message] };
  }
  // another network's message is refused whatever its shape: that is the alarming part
  if (network !== undefined) {
    const problems = networkProblems(subject, value, network.net, network.root);
    if (problems.length > 0) return { ok: false, reason: 'network', problems };
  }
  try {
    return { ok: true, value: parse(schema, value, `message on ${subject}`) };
  } catch (err) {
    if (err instanceof ContractError) return { ok: false, reason: 'schema', problems: [...err.problems] };
    throw err;
  }
}

/** `handler`: the message was valid but the service's handler threw on it. */
export type InboundRejection = InboundReason | 'handler';

export interface InboundOptions {
  readonly nc: NatsConnection;
  /** named in the dead letters */
  readonly service: string;
  readonly network: NetworkCheck;
  /** e.g. `subjects(net).dlq('strategy')` */
  readonly dlqSubject: string;
  readonly log?: Logger;
  /** called once per refused message (a metrics counter; `network` deserves an alert) */
  readonly onRejected?: (reason: InboundRejection, subject: string) => void;
  readonly now?: () => number;
}

export interface InboundStats {
  readonly accepted: number;
  readonly rejected: Readonly<Partial<Record<InboundRejection, number>>>;
  readonly deadLettered: number;
  /** dead letters that could not be published (logged; a core message cannot be redelivered) */
  readonly dlqFailures: number;
}

export interface Inbound {
  /**
   * A plain (core NATS) subscription whose messages are checked by {@link checkInbound} before
   * `handle` sees them. A refused message, or one `handle` throws on, is counted, logged and
   * dead-lettered with its reason; a request (a message with a reply subject) is also answered
   * `{"error": reason, "problems": [...]}` so the caller is not left waiting.
   */
  subscribe<S extends z.ZodType>(
    subject: string,
    schema: S,
    handle: (value: z.output<S>, msg: Msg) => void | Promise<void>,
  ): Subscription;
  stats(): InboundStats;
  /** Resolves when every dead letter started so far has been published or has failed. */
  flush(): Promise<void>;
}

const encoder = new TextEncoder();

/** The inbound edge of a service for everything not read through the durable consumer runner. */
export function createInbound(o: InboundOptions): Inbound {
  const log = o.log ?? silentLogger;
  const now = o.now ?? Date.now;
  const js = jetstream(o.nc);
  const startedAt = now();
  let seq = 0;
  let accepted = 0;
  let deadLettered = 0;
  let dlqFailures = 0;
  const rejected: Partial<Record<InboundRejection, number>> = {};
  const inflight = new Set<Promise<void>>();

  const refuse = (m: Msg, reason: InboundRejection, problems: readonly string[]): void => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    try {
      o.onRejected?.(reason, m.subject);
    } catch (err) {
      log.warn({ err }, 'inbound onRejected threw');
    }
    const ctx = { subject: m.subject, reason, problems: problems.slice(0, 5) };
    if (reason === 'network') log.error(ctx, 'message of another network refused and dead-lettered');
    else log.warn(ctx, 'bad message dead-lettered');
    if (m.reply) {
      try {
        m.respond(encoder.encode(JSON.stringify({ error: reason, problems: problems.slice(0, 5) })));
      } catch (err) {
        log.warn({ err, subject: m.subject }, 'could not answer a refused request');
      }
    }
    const record = buildDeadLetter({
      service: o.service,
      reason,
      problems,
      source: m.subject,
      payload: m.data,
      atMs: now(),
    });
    const p = js
      .publish(o.dlqSubject, encodeEvent(DeadLetter, record, 'dead letter'), {
        // every refused core message is its own record: nothing redelivers it
        msgID: `dlq:${o.service}:${startedAt}:${++seq}`,
      })
      .then(
        () => {
          deadLettered += 1;
        },
        (err: unknown) => {
          dlqFailures += 1;
          log.error({ err, subject: m.subject, reason }, 'dead-letter publish failed');
        },
      );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  return {
    subscribe(subject, schema, handle) {
      return o.nc.subscribe(subject, {
        callback: (err, m) => {
          if (err) {
            log.error({ err, subject }, 'subscription failed');
            return;
          }
          const r = checkInbound(schema, m.subject, m.data, o.network);
          if (!r.ok) {
            refuse(m, r.reason, r.problems);
            return;
          }
          accepted += 1;
          const failed = (e: unknown) =>
            refuse(m, 'handler', [e instanceof Error ? `${e.name}: ${e.message}` : String(e)]);
          try {
            const out = handle(r.value, m);
            if (out instanceof Promise) out.catch(failed);
          } catch (e) {
            failed(e);
          }
        },
      });
    },
    stats: () => ({ accepted, rejected: { ...rejected }, deadLettered, dlqFailures }),
    async flush() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
}
