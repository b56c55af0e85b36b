import type { OrderEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { type ExecutionMetrics, noMetrics } from './metrics.js';
import { OrderMetrics } from './order-metrics.js';

const base = { v: 1 as const, net: 'sim' as const, id: 'e', orderId: 'o1', atMs: T0 };
const ev = (e: Partial<OrderEvent> & { type: OrderEvent['type'] }) => ({ ...base, ...e }) as OrderEvent;

function recording() {
  const seen: string[] = [];
  const metrics: ExecutionMetrics = {
    ...noMetrics,
    signalToSubmit: (s) => seen.push(`signalToSubmit ${s}`),
    submitToAck: (s) => seen.push(`submitToAck ${s}`),
    orderOutcome: (o) => seen.push(`outcome ${o}`),
  };
  return { metrics, seen };
}

describe('order metrics', () => {
  it('signal→submit on the first send, submit→ack on the answer, the outcome once', async () => {
    const clock = new FakeClock(T0);
    const { metrics, seen } = recording();
    const m = new OrderMetrics(metrics, clock);
    m.signalStarted('o1', T0 - 100);
    m.record([ev({ type: 'orderSubmitted', via: 'rest', attempt: 1 })]);
    m.signalDone('o1');
    await clock.advance(40);
    m.record([ev({ type: 'orderResting', oid: 1 })]);
    expect(seen).toEqual(['signalToSubmit 0.1', 'submitToAck 0.04', 'outcome resting']);
    expect(m.awaitingAnswer).toBe(0);
  });

  it('a resend (attempt 2) is not a signal→submit sample; a partial fill is no outcome', () => {
    const { metrics, seen } = recording();
    const m = new OrderMetrics(metrics, new FakeClock(T0));
    m.signalStarted('o1', T0);
    m.record([ev({ type: 'orderSubmitted', via: 'rest', attempt: 2 })]);
    m.record([
      ev({
        type: 'orderFilled',
        complete: false,
        oid: 1,
        tid: 1,
        fillSz: '1',
        fillPx: '1',
        filledSz: '1',
        remainingSz: '1',
      }),
    ]);
    expect(seen).toEqual(['submitToAck 0']);
  });

  it('dry-run counts as its own outcome and waits for no answer', () => {
    const { metrics, seen } = recording();
    const m = new OrderMetrics(metrics, new FakeClock(T0));
    m.record([ev({ type: 'orderSubmitted', via: 'dryRun', attempt: 1 })]);
    expect(seen).toEqual(['outcome dryRun']);
    expect(m.awaitingAnswer).toBe(0);
  });
});
