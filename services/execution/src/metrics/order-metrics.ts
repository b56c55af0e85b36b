// Order bookkeeping for metrics: how long a signal took to its first send and a send to the
// venue's answer, and each order's outcome. Fed with every appended batch of order events.
import type { OrderEvent } from '@hyperflow/contracts';
import type { Clock } from '../ports.js';
import type { ExecutionMetrics } from './metrics.js';

/** events counted as an order outcome (a filled order counts once, when complete) */
const OUTCOME_BY_EVENT: Partial<Record<OrderEvent['type'], string>> = {
  riskRejected: 'riskRejected',
  orderResting: 'resting',
  orderCanceled: 'canceled',
  orderRejected: 'rejected',
  orderExpired: 'expired',
  orderOutcomeUnknown: 'unknown',
};

export class OrderMetrics {
  readonly #metrics: ExecutionMetrics;
  readonly #clock: Clock;
  readonly #signalCreated = new Map<string, number>();
  readonly #submittedAt = new Map<string, number>();

  constructor(metrics: ExecutionMetrics, clock: Clock) {
    this.#metrics = metrics;
    this.#clock = clock;
  }

  /** a signal's order is being handled (its creation time starts the signal→submit latency) */
  signalStarted(orderId: string, createdAtMs: number): void {
    this.#signalCreated.set(orderId, createdAtMs);
  }

  signalDone(orderId: string): void {
    this.#signalCreated.delete(orderId);
  }

  /** orders sent and waiting for the venue's answer */
  get awaitingAnswer(): number {
    return this.#submittedAt.size;
  }

  record(events: readonly OrderEvent[]): void {
    const now = this.#clock.now();
    for (const e of events) {
      if (e.type === 'orderSubmitted') {
        const created = this.#signalCreated.get(e.orderId);
        if (created !== undefined && e.attempt === 1)
          this.#metrics.signalToSubmit(Math.max(0, now - created) / 1000);
        if (e.via === 'dryRun') this.#metrics.orderOutcome('dryRun');
        else this.#submittedAt.set(e.orderId, now);
      }
      if (e.type === 'orderResting' || e.type === 'orderFilled' || e.type === 'orderRejected') {
        const sent = this.#submittedAt.get(e.orderId);
        if (sent !== undefined) this.#metrics.submitToAck(Math.max(0, now - sent) / 1000);
        this.#submittedAt.delete(e.orderId);
      }
      if (e.type === 'orderFilled' && e.complete) this.#metrics.orderOutcome('filled');
      const outcome = OUTCOME_BY_EVENT[e.type];
      if (outcome !== undefined) this.#metrics.orderOutcome(outcome);
    }
  }
}
