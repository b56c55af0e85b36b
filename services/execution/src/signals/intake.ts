// Signal intake: the durable consumer on SIGNALS. A signal is acked once its order is recorded and
// waits in the submission queue, so the consumer keeps pulling while the venue budget is
// exhausted; the outcome is tracked when the order is sent.
import type { SignalEmitted } from '@hyperflow/contracts';
import type { HandleResult } from '../execute/executor.js';
import type { OrderMetrics } from '../metrics/order-metrics.js';
import type { Logger, Module } from '../ports.js';
import { trackResult } from '../recovery/resume.js';

/** What the consumer runner hands each valid signal. */
export type SignalHandler = (signal: SignalEmitted, ctx: { readonly deliveryCount: number }) => Promise<void>;

export interface SignalIntakePorts {
  readonly log: Logger;
  /** starts the durable consumer on `handle` (the bus's runConsumer fits) */
  consume(handle: SignalHandler): Promise<{ stop(): Promise<void>; stats(): unknown }>;
  orderIdFor(signal: SignalEmitted): string;
  handleSignal(signal: SignalEmitted, opts: { readonly firstDelivery: boolean }): Promise<HandleResult>;
  /** resolves once the order waits in the submission queue; undefined without a queue (dry-run) */
  readonly whenQueued?: (orderId: string) => { readonly promise: Promise<void>; cancel(): void };
  /** orders waiting for their outcome (shared with recovery) */
  readonly pending: Set<string>;
  readonly orderMetrics: OrderMetrics;
  /** a queued order's send: the venue connection awaits it on stop */
  track(work: Promise<unknown>): void;
}

export interface SignalIntake extends Module {
  stats(): unknown;
}

export async function startSignalIntake(p: SignalIntakePorts): Promise<SignalIntake> {
  const { log, pending } = p;
  const untilQueued = async (
    orderId: string,
    handle: () => Promise<HandleResult>,
  ): Promise<HandleResult | undefined> => {
    if (p.whenQueued === undefined) return handle();
    const queued = p.whenQueued(orderId);
    const handled = handle();
    try {
      const first = await Promise.race([handled, queued.promise.then(() => undefined)]);
      if (first !== undefined) return first;
    } finally {
      queued.cancel();
    }
    p.track(
      handled.then(
        (r) => {
          trackResult(pending, r);
          log.info({ orderId, status: r.status, outcome: r.outcome }, 'queued order sent');
        },
        (err: unknown) => {
          // recorded as submitted: recovery resends the identical request or asks orderStatus
          pending.add(orderId);
          log.warn({ err, orderId }, 'queued order not settled; recovery resumes it');
        },
      ),
    );
    return undefined;
  };

  const consumer = await p.consume(async (signal, ctx) => {
    const orderId = p.orderIdFor(signal);
    p.orderMetrics.signalStarted(orderId, signal.createdAtMs);
    try {
      // a first delivery skips the order-stream read (its subject is empty unless a replica or a
      // replay got there first, which the append detects); a redelivery reads first
      const r = await untilQueued(orderId, () =>
        p.handleSignal(signal, { firstDelivery: ctx.deliveryCount === 1 }),
      );
      if (r === undefined) {
        log.info({ signalId: signal.id, orderId, delivery: ctx.deliveryCount }, 'signal queued for sending');
        return;
      }
      trackResult(pending, r);
      log.info(
        { signalId: signal.id, orderId, status: r.status, outcome: r.outcome, delivery: ctx.deliveryCount },
        'signal handled',
      );
    } finally {
      p.orderMetrics.signalDone(orderId);
    }
  });
  return {
    stats: () => consumer.stats(),
    async stop() {
      await consumer.stop();
    },
    abandon() {
      // not awaited: a crashed process does not finish its in-flight work
      void consumer.stop();
    },
  };
}
