// The venue's dead-man's switch against the simulator: armed while leading, fires after a crash,
// cleared by a graceful stop.
import { afterEach, describe, expect, it } from 'vitest';
import { cloidForSignal } from './order/cloid.js';
import { sha256Hex } from './test-support/fakes.js';
import { type Harness, harness, waitFor } from './test-support/harness.js';

const orderIdOf = (signalId: string) => cloidForSignal(signalId, sha256Hex);

describe('venue scheduleCancel', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('armed while leading; after a crash the venue cancels the open orders, and the restart records it', async () => {
    // the simulator's volume gate off (the venue wants $1M traded first)
    h = await harness('schedcancel', { sim: { scheduleCancelMinVolume: 0 } });
    const hh = h;
    const env = { EXEC_SCHEDULE_CANCEL_MS: '6000' };
    const first = await hh.start({ env: { ...env, CONSUMER_NAME: 'exec-a' } });
    const armed = hh.sim.venue.state.scheduledCancels.get(hh.address);
    expect(armed).toBeGreaterThan(Date.now());
    const mids = await hh.publishMids();
    const s = hh.signal({ style: 'limit', limitPx: (Number(mids.ETH) * 0.995).toFixed(1) });
    await hh.publishSignal(s);
    const orderId = orderIdOf(s.id);
    await waitFor(async () => (await hh.orderEvents(orderId)).at(-1)?.type === 'orderResting');

    await first.abandon(); // crash: nobody refreshes or clears it
    await waitFor(() => {
      hh.sim.tick();
      return hh.sim.venue.engine.openOrders(hh.address).length === 0;
    }, 15_000);

    const second = await hh.start({ env: { ...env, CONSUMER_NAME: 'exec-b' } });
    expect((await hh.orderEvents(orderId)).at(-1)).toMatchObject({
      type: 'orderCanceled',
      reason: 'scheduledCancel',
    });
    expect(hh.sim.venue.state.scheduledCancels.has(hh.address)).toBe(true);
    // a graceful stop clears it: the standby takes the orders over
    await second.stop();
    expect(hh.sim.venue.state.scheduledCancels.has(hh.address)).toBe(false);
  }, 40_000);
});
