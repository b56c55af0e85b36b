import { DeadLetter } from '@hyperflow/contracts';
import { type Logger, silentLogger } from '@hyperflow/core';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { buildDeadLetter } from './dead-letter.js';
import { BusError } from './errors.js';
import { checkInbound, type NetworkCheck } from './inbound.js';
import { DEFAULT_BACKOFF_MS, type DeadLetterReason, nakDelayMs, type Outcome, outcomeOf } from './outcome.js';
import { configDiff } from './provision.js';
import { encodeEvent } from './publish.js';

const MS = 1_000_000; // JetStream durations are nanoseconds

/** each pull request's lifetime: bounds how long intake stalls after a consumer leader change */
const PULL_EXPIRES_MS = 5000;

export interface MessageContext {
  readonly subject: string;
  readonly streamSeq: number;
  /** 1 on first delivery */
  readonly deliveryCount: number;
  /** the publisher's Nats-Msg-Id, if any */
  readonly msgId: string | undefined;
  readonly headers: MsgHdrs | undefined;
}

/** Return → ack; throw PoisonMessageError → term + DLQ; throw anything else → nak with backoff. */
export type Handler<T> = (event: T, ctx: MessageContext) => void | Promise<void>;

export interface RunConsumerOptions<S extends z.ZodType> {
  readonly nc: NatsConnection;
  readonly stream: string;
  readonly durable: string;
  /** one subject filter (multi-filter consumers, 2.10+, are not needed by any caller yet) */
  readonly filterSubject: string;
  readonly schema: S;
  readonly handle: Handler<z.output<S>>;
  /** where poison messages go, e.g. `subjects(net).dlq('execution')` */
  readonly dlqSubject: string;
  /** refuse (dead-letter as `network`) a message whose subject or envelope is of another network */
  readonly network?: NetworkCheck;
  /** called once per message dead-lettered, with its reason (a metrics counter) */
  readonly onDeadLetter?: (reason: DeadLetterReason, subject: string) => void;
  /** the service named in DLQ records; default the durable name */
  readonly service?: string;
  /** redelivery after this long without an ack; extended while the handler is still working */
  readonly ackWaitMs?: number;
  /** attempts before a transiently failing message is dead-lettered */
  readonly maxDeliver?: number;
  /** nak delays by attempt, ms */
  readonly backoff?: readonly number[];
  readonly maxAckPending?: number;
  /** messages pulled per request */
  readonly batch?: number;
  readonly log?: Logger;
  /** clock for DLQ timestamps */
  readonly now?: () => number;
}

export interface ConsumerStats {
  /** messages taken from the stream */
  readonly received: number;
  /** messages whose outcome was decided (acked + nak'd + dead-lettered) */
  readonly processed: number;
  readonly acked: number;
  readonly naked: number;
  readonly deadLettered: number;
  /** DLQ publishes that failed (the message was nak'd instead, never lost) */
  readonly dlqFailures: number;
}

export interface ConsumerRunner {
  readonly durable: string;
  stats(): ConsumerStats;
  /** Stops intake, lets the in-flight handler finish (and ack), nak's anything pulled but not started. */
  stop(): Promise<void>;
}

/** The durable pull consumer config the runner asks for. Pure. */
export function durableConfig(opts: {
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending: number;
}): Partial<ConsumerConfig> {
  return {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: opts.filterSubject,
    ack_wait: opts.ackWaitMs * MS,
    // delivery attempts are counted by the runner, which dead-letters instead of dropping
    max_deliver: -1,
    max_ack_pending: opts.maxAckPending,
  };
}

async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig>,
  log: Logger,
) {
  const durable = cfg.durable_name as string;
  let existing: Awaited<ReturnType<JetStreamManager['consumers']['info']>> | undefined;
  try {
    existing = await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  if (existing === undefined) {
    await jsm.consumers.add(stream, cfg);
    log.info({ stream, durable }, 'consumer created');
    return;
  }
  const changed = configDiff(cfg, existing.config as unknown as Record<string, unknown>);
  if (changed.length === 0) return;
  const { durable_name: _d, ...update } = cfg;
  await jsm.consumers.update(stream, durable, update);
  log.info({ stream, durable, changed }, 'consumer updated');
}

/**
 * Creates/updates a durable pull consumer and runs `handle` on every message, one at a time,
 * validating each against `schema` first. Outcomes map to ack / nak-with-delay / term + DLQ;
 * a bad message never stops the runner.
 */
export async function runConsumer<S extends z.ZodType>(opts: RunConsumerOptions<S>): Promise<ConsumerRunner> {
  const log = opts.log ?? silentLogger;
  const now = opts.now ?? Date.now;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const maxDeliver = opts.maxDeliver ?? 5;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF_MS;
  if (maxDeliver < 1) throw new BusError(`maxDeliver must be at least 1, got ${maxDeliver}`);
  const { nc, stream, durable } = opts;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  try {
    await ensureDurable(
      jsm,
      stream,
      durableConfig({
        durable,
        filterSubject: opts.filterSubject,
        ackWaitMs,
        maxAckPending: opts.maxAckPending ?? 1000,
      }),
      log,
    );
  } catch (err) {
    throw new BusError(`cannot create consumer ${durable} on ${stream}`, { cause: err });
  }

  const counters = { received: 0, processed: 0, acked: 0, naked: 0, deadLettered: 0, dlqFailures: 0 };
  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let wakeStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wakeStop = resolve;
  });

  const deadLetter = async (
    m: JsMsg,
    reason: DeadLetterReason,
    problems: readonly string[],
  ): Promise<void> => {
    const record = buildDeadLetter({
      service: opts.service ?? durable,
      reason,
      problems,
      source: m.subject,
      payload: m.data,
      streamSeq: m.info.streamSequence,
      deliveryCount: m.info.deliveryCount,
      consumer: durable,
      atMs: now(),
    });
    await dlqPublish(js, opts.dlqSubject, record);
  };

  const settle = async (m: JsMsg, outcome: Outcome): Promise<void> => {
    const ctx = { subject: m.subject, streamSeq: m.info.streamSequence, deliveryCount: m.info.deliveryCount };
    switch (outcome.kind) {
      case 'ack':
        m.ack();
        counters.acked += 1;
        return;
      case 'nak':
        nak(m, outcome.delayMs);
        counters.naked += 1;
        return;
      case 'dead':
        try {
          await deadLetter(m, outcome.reason, outcome.problems);
        } catch (err) {
          // keep the message rather than lose it: retry once the DLQ is reachable
          counters.dlqFailures += 1;
          counters.naked += 1;
          nak(m, nakDelayMs(backoff, m.info.deliveryCount));
          log.error({ ...ctx, err, reason: outcome.reason }, 'dead-letter publish failed; message nak’d');
          return;
        }
        m.term();
        counters.deadLettered += 1;
        if (outcome.reason === 'network') {
          log.error(
            { ...ctx, problems: outcome.problems },
            'message of another network refused and dead-lettered',
          );
        } else {
          log.warn({ ...ctx, reason: outcome.reason, problems: outcome.problems }, 'message dead-lettered');
        }
        try {
          opts.onDeadLetter?.(outcome.reason, m.subject);
        } catch (err) {
          log.warn({ err }, 'onDeadLetter threw');
        }
        return;
      default: {
        const never: never = outcome;
        throw new BusError(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  };

  const decide = async (m: JsMsg): Promise<Outcome> => {
    const { deliveryCount, streamSequence } = m.info;
    if (deliveryCount > maxDeliver) {
      // delivered again after an ack timeout on the last attempt (e.g. a crash mid-handler)
      return { kind: 'dead', reason: 'maxDeliveries', problems: [`delivered ${deliveryCount} times`] };
    }
    const checked = checkInbound(opts.schema, m.subject, m.data, opts.network);
    if (!checked.ok) return { kind: 'dead', reason: checked.reason, problems: checked.problems };
    const event: z.output<S> = checked.value;
    // keep the server from redelivering while a slow handler is still at it
    const working = setInterval(() => m.working(), Math.max(100, Math.floor(ackWaitMs / 2)));
    try {
      await opts.handle(event, {
        subject: m.subject,
        streamSeq: streamSequence,
        deliveryCount,
        msgId: m.headers?.get('Nats-Msg-Id') || undefined,
        headers: m.headers,
      });
      return outcomeOf({ ok: true }, deliveryCount, maxDeliver, backoff);
    } catch (error) {
      const outcome = outcomeOf({ ok: false, error }, deliveryCount, maxDeliver, backoff);
      if (outcome.kind === 'nak') {
        log.warn(
          {
            subject: m.subject,
            streamSeq: streamSequence,
            deliveryCount,
            err: error,
            retryInMs: outcome.delayMs,
          },
          'handler failed; will retry',
        );
      }
      return outcome;
    } finally {
      clearInterval(working);
    }
  };

  const processOne = async (m: JsMsg): Promise<void> => {
    counters.received += 1;
    try {
      await settle(m, await decide(m));
    } catch (err) {
      // a bug in the runner itself: never lose the message, never stop the loop
      counters.naked += 1;
      nak(m, nakDelayMs(backoff, m.info.deliveryCount));
      log.error({ subject: m.subject, streamSeq: m.info.streamSequence, err }, 'consumer runner error');
    }
    counters.processed += 1;
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      try {
        const consumer = await js.consumers.get(stream, durable);
        // a short pull expiry (idle heartbeats at half of it): when the consumer's leader changes on a
        // cluster, the next pull reaches the new leader within seconds instead of after 30 s
        messages = await consumer.consume({ max_messages: opts.batch ?? 64, expires: PULL_EXPIRES_MS });
        // stopped while we were connecting: the loop below drains what was pulled and ends
        if (stopping) void messages.close();
        for await (const m of messages) {
          failures = 0;
          if (stopping) {
            // pulled but not started: hand it back at once instead of waiting for ack_wait
            nak(m, 0);
            continue;
          }
          await processOne(m);
        }
        if (!stopping) log.warn({ stream, durable }, 'consumer intake ended; restarting');
      } catch (err) {
        if (stopping) break;
        failures += 1;
        log.error({ stream, durable, err }, 'consumer intake failed; restarting');
      }
      if (!stopping) {
        const delayMs = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          void stopped.then(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  };
  const done = loop();

  return {
    durable,
    stats: () => ({ ...counters }),
    async stop() {
      if (!stopping) {
        stopping = true;
        wakeStop();
        // not awaited: it settles only once the loop has drained the iterator
        void messages?.close();
      }
      await done;
    },
  };
}

/** A nak: plain (redelivered at once) for no delay, else delayed by the server. */
function nak(m: JsMsg, delayMs: number): void {
  if (delayMs > 0) m.nak(delayMs);
  else m.nak();
}

async function dlqPublish(js: JetStreamClient, subject: string, record: DeadLetter): Promise<void> {
  // one DLQ record per original message, however often it is redelivered
  const msgID = `dlq:${record.consumer}:${record.source}:${record.streamSeq}`;
  await js.publish(subject, encodeEvent(DeadLetter, record, 'dead letter'), { msgID });
}
