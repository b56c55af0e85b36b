import type { SignalEmitted } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import type { HandleResult } from '../execute/executor.js';
import { type ExecutionMetrics, noMetrics } from '../metrics/metrics.js';
import { OrderMetrics } from '../metrics/order-metrics.js';
import { FakeClock, settle } from '../test-support/clock.js';
import { signal, T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { type SignalHandler, type SignalIntakePorts, startSignalIntake } from './intake.js';

function deferred<T>() {
  let resolve: (v: T) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function ports(over: Partial<SignalIntakePorts> = {}) {
  let handler: SignalHandler | undefined;
  const tracked: Promise<unknown>[] = [];
  let stopped = false;
  const p: SignalIntakePorts = {
    log: recordingLog().log,
    consume: async (h) => {
      handler = h;
      return {
        stop: async () => {
          stopped = true;
        },
        stats: () => ({ acked: 0 }),
      };
    },
    orderIdFor: (s) => `order-${s.id}`,
    handleSignal: async (s) => ({ orderId: `order-${s.id}`, status: 'resting', outcome: 'recorded' }),
    pending: new Set(),
    orderMetrics: new OrderMetrics(noMetrics, new FakeClock(T0)),
    track: (w) => tracked.push(w),
    ...over,
  };
  const deliver = (s: SignalEmitted, deliveryCount = 1) => (handler as SignalHandler)(s, { deliveryCount });
  return { p, deliver, tracked, stopped: () => stopped };
}

describe('signal intake', () => {
  it('dry-run (no queue): a signal is handled to its outcome before it is acked', async () => {
    const firsts: boolean[] = [];
    const s = ports({
      handleSignal: async (sig, o) => {
        firsts.push(o.firstDelivery);
        return { orderId: `order-${sig.id}`, status: 'submitted', outcome: 'recorded' };
      },
    });
    await startSignalIntake(s.p);
    await s.deliver(signal(), 1);
    await s.deliver(signal(), 2);
    expect(firsts).toEqual([true, false]);
    expect([...s.p.pending]).toEqual(['order-trend:ETH:1']);
  });

  it('with a queue: acked once the order waits in the queue; its send is tracked and settles pending later', async () => {
    const queued = deferred<void>();
    const handled = deferred<HandleResult>();
    const s = ports({
      whenQueued: () => ({ promise: queued.promise, cancel: () => {} }),
      handleSignal: () => handled.promise,
    });
    await startSignalIntake(s.p);
    let acked = false;
    const delivery = s.deliver(signal()).then(() => {
      acked = true;
    });
    await settle();
    expect(acked).toBe(false);
    queued.resolve();
    await delivery;
    expect(acked).toBe(true);
    expect(s.tracked).toHaveLength(1);
    handled.resolve({ orderId: 'order-trend:ETH:1', status: 'unknown', outcome: 'recorded' });
    await settle();
    expect([...s.p.pending]).toEqual(['order-trend:ETH:1']);
  });

  it('a queued order whose send fails stays pending: recovery resumes it', async () => {
    const handled = deferred<HandleResult>();
    const s = ports({
      whenQueued: () => ({ promise: Promise.resolve(), cancel: () => {} }),
      handleSignal: () => handled.promise,
    });
    await startSignalIntake(s.p);
    await s.deliver(signal());
    handled.reject(new Error('queue closed'));
    await settle();
    expect([...s.p.pending]).toEqual(['order-trend:ETH:1']);
  });

  it("the signal's creation time starts its signal→submit latency", async () => {
    const clock = new FakeClock(T0 + 250);
    const seen: number[] = [];
    const metrics: ExecutionMetrics = { ...noMetrics, signalToSubmit: (s) => seen.push(s) };
    const orderMetrics = new OrderMetrics(metrics, clock);
    const s = ports({
      orderMetrics,
      handleSignal: async (sig) => {
        orderMetrics.record([
          {
            type: 'orderSubmitted',
            v: 1,
            net: 'sim',
            id: 'e',
            orderId: `order-${sig.id}`,
            atMs: T0,
            via: 'rest',
            attempt: 1,
          },
        ]);
        return { orderId: `order-${sig.id}`, status: 'submitted', outcome: 'recorded' };
      },
    });
    await startSignalIntake(s.p);
    await s.deliver(signal({ createdAtMs: T0 }));
    expect(seen).toEqual([0.25]);
  });

  it('stop stops the consumer', async () => {
    const s = ports();
    const i = await startSignalIntake(s.p);
    await i.stop();
    expect(s.stopped()).toBe(true);
  });
});
