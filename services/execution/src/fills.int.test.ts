// Fills made at the venue while execution is down: recovered by userFillsByTime on restart.
import type { OrderEvent } from '@hyperflow/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { cloidForSignal } from './order/cloid.js';
import { sha256Hex } from './test-support/fakes.js';
import { type Harness, harness, waitFor } from './test-support/harness.js';

const orderIdOf = (signalId: string) => cloidForSignal(signalId, sha256Hex);

/** "3012.5" → 301250000000n: the simulator's 8-decimal scaled units (no floats) */
function units(decimal: string): bigint {
  const [whole = '0', frac = ''] = decimal.split('.');
  return BigInt(whole) * 100_000_000n + BigInt(frac.padEnd(8, '0').slice(0, 8) || '0');
}

/** a price `bps` under the mid, to one decimal (ETH's tick on the simulator), by integer math */
function under(mid: string, bps: bigint): string {
  const tenths = (units(mid) * (10_000n - bps)) / 10_000n / 10_000_000n;
  return `${tenths / 10n}.${tenths % 10n}`;
}

describe('fill recovery by userFillsByTime', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('fills made while execution is down are recorded exactly once after it restarts, each with its price', async () => {
    h = await harness('fillsaway');
    const hh = h;
    const first = await hh.start({ env: { CONSUMER_NAME: 'exec-a' } });
    const mids = await hh.publishMids();
    const mid = mids.ETH ?? '';
    // two resting bids at different prices, inside the 1% band
    const signals = [under(mid, 30n), under(mid, 60n)].map((limitPx) =>
      hh.signal({ style: 'limit', limitPx, size: '0.01' }),
    );
    for (const s of signals) await hh.publishSignal(s);
    for (const s of signals) {
      await waitFor(async () => (await hh.orderEvents(orderIdOf(s.id))).at(-1)?.type === 'orderResting');
    }
    await first.stop();

    // while nobody listens: the market maker steps away and a seller takes both bids
    const engine = hh.sim.venue.engine;
    const now = Date.now();
    engine.requote('ETH', [], now);
    engine.take('ETH', 'A', units(signals[1]?.limitPx ?? ''), units('0.02'), now);
    const venueFills = engine.userFills(hh.address);
    expect(venueFills).toHaveLength(2);

    // back without the account socket: only userFillsByTime can know
    const second = await hh.start({ env: { CONSUMER_NAME: 'exec-b', FOLLOW_ACCOUNT: 'false' } });
    const fillsOf = (events: readonly OrderEvent[]) => events.filter((e) => e.type === 'orderFilled');
    for (const s of signals) {
      const events = await hh.orderEvents(orderIdOf(s.id));
      const filled = fillsOf(events);
      expect(filled, s.id).toHaveLength(1);
      const venueFill = venueFills.find((f) => f.tid === filled[0]?.tid);
      expect(venueFill, s.id).toBeDefined();
      // the fill's own price (the bid's limit, as the maker), not an average
      expect(filled[0]).toMatchObject({
        fillPx: venueFill?.px,
        fillSz: '0.01',
        complete: true,
      });
      expect(venueFill?.px).toBe(s.limitPx);
      // settled by the fill itself: no reconciliation by orderStatus was needed
      expect(
        events.some((e) => e.type === 'orderReconciled'),
        s.id,
      ).toBe(false);
    }
    // published on acct.fill once each
    const published = async () =>
      (await hh.executionPayloads())
        .map((p) => JSON.parse(p) as { type: string; tid?: number })
        .filter((e) => e.type === 'fill');
    expect((await published()).map((f) => f.tid).sort()).toEqual(venueFills.map((f) => f.tid).sort());

    // another restart, with the socket snapshot too: still exactly once
    await second.stop();
    const mark = hh.logs.length;
    await hh.start({ env: { CONSUMER_NAME: 'exec-c' } });
    const since = () => hh.logs.slice(mark).map((l) => JSON.parse(l) as { msg: string; fetched?: number });
    // the third start asked again from the last fill on the stream (both fills share its
    // millisecond, so both come back): neither is recorded or published twice (below)
    expect(since().find((l) => l.fetched !== undefined)).toMatchObject({ fetched: 2 });
    await waitFor(() => since().some((l) => l.msg === 'following the account fills and order updates'));
    for (const s of signals) {
      expect(fillsOf(await hh.orderEvents(orderIdOf(s.id))), s.id).toHaveLength(1);
    }
    expect(await published()).toHaveLength(2);
    expect(hh.logs.some((l) => l.includes('fills recovered from userFillsByTime'))).toBe(true);
  }, 30_000);
});
