// A 429 storm from the simulator while signals keep arriving: real nats-server, real simulator.
import type { OrderEvent } from '@hyperflow/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { cloidForSignal } from './order/cloid.js';
import { sha256Hex } from './test-support/fakes.js';
import { type Harness, harness, waitFor } from './test-support/harness.js';

const orderIdOf = (signalId: string) => cloidForSignal(signalId, sha256Hex);
const TERMINAL = new Set(['orderFilled', 'orderCanceled', 'orderRejected', 'orderExpired', 'riskRejected']);
const OUTCOMES = new Set([...TERMINAL, 'orderResting']);

interface LogLine {
  readonly msg: string;
  readonly orderId?: string;
  readonly priority?: string;
}

describe('429 storm: priority drain through the submission queue', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('signals keep arriving; none lost, none doubled; reduce-only drains before entries; a stale entry expires unsent', async () => {
    h = await harness('prio');
    const hh = h;
    // one send slot, so the order of sends is the queue's order
    const app = await hh.start({
      env: { IP_BUDGET_WINDOW_MS: '1000', RECOVERY_INTERVAL_MS: '100', EXEC_SUBMIT_CONCURRENCY: '1' },
    });
    await hh.publishMids();
    // a position the reduce-only signals can reduce
    const opening = hh.signal({ style: 'market', size: '0.05' });
    await hh.publishSignal(opening);
    await waitFor(async () => (await hh.orderEvents(orderIdOf(opening.id))).at(-1)?.type === 'orderFilled');
    const venueOrdersBefore = hh.ordersAtVenue().length;

    hh.sim.faults.rateLimit(5_000);
    const submitted = (s: { id: string }) =>
      waitFor(async () => (await hh.orderEvents(orderIdOf(s.id))).some((e) => e.type === 'orderSubmitted'));
    const entries = [1, 2, 3, 4, 5].map(() => hh.signal({ style: 'market', size: '0.01' }));
    for (const s of entries) await hh.publishSignal(s);
    // an entry whose deadline passes during the storm
    const stale = hh.signal({ style: 'market', size: '0.01', ttlMs: 1_200 });
    await hh.publishSignal(stale);
    const exits = [1, 2].map(() =>
      hh.signal({ style: 'market', side: 'sell', size: '0.01', reduceOnly: true }),
    );
    for (const s of exits) await hh.publishSignal(s);
    // the consumer kept pulling during the storm: every signal is recorded (signed, submitted)
    // while the venue refuses everything
    for (const s of [...entries, stale, ...exits]) await submitted(s);
    expect(Date.now()).toBeLessThan(hh.sim.venue.faults.rateLimitedUntil);
    // the consumer acked them all: nothing waits in the stream
    expect(app.stats()).toMatchObject({ consumer: { received: 9, acked: 9 } });
    const queuedWhenExitsArrived = JSON.parse(JSON.stringify(app.stats())).submissions.queued as number;
    expect(queuedWhenExitsArrived).toBeGreaterThan(2);

    const all = [opening, ...entries, stale, ...exits];
    const histories = new Map<string, OrderEvent[]>();
    await waitFor(async () => {
      for (const s of all) histories.set(s.id, await hh.orderEvents(orderIdOf(s.id)));
      return [...histories.values()].every((ev) => TERMINAL.has(ev.at(-1)?.type ?? ''));
    }, 30_000);

    // no signal lost: each ended as exactly one order with one recorded outcome, signed once
    for (const s of all) {
      const events = histories.get(s.id) ?? [];
      expect(
        events.filter((e) => OUTCOMES.has(e.type)),
        s.id,
      ).toHaveLength(1);
      expect(
        events.filter((e) => e.type === 'orderSigned'),
        s.id,
      ).toHaveLength(1);
    }
    // the stale entry waited up to its deadline, then expired with an event: never at the venue
    const staleEvents = histories.get(stale.id) ?? [];
    expect(staleEvents.at(-1)).toMatchObject({ type: 'orderExpired' });
    for (const s of [...entries, ...exits])
      expect(histories.get(s.id)?.at(-1)?.type, s.id).toBe('orderFilled');

    // no duplicate at the venue: one accepted order per cloid (each order's oid exactly once)
    const venue = hh.ordersAtVenue().flatMap((o) => (o.kind === 'order' ? [o] : []));
    expect(venue.length - venueOrdersBefore).toBe(entries.length + exits.length);
    const oidOf = (s: { id: string }) => {
      const filled = histories.get(s.id)?.find((e) => e.type === 'orderFilled');
      if (filled?.type !== 'orderFilled') throw new Error(`${s.id}: not filled`);
      return filled.oid;
    };
    for (const s of [...entries, ...exits]) {
      expect(
        venue.filter((o) => o.oid === oidOf(s)),
        s.id,
      ).toHaveLength(1);
    }

    // priority: the queue sent both exits before every entry still waiting when they arrived
    const lines = hh.logs.map((l) => JSON.parse(l) as LogLine);
    const dispatched = lines.filter((l) => l.msg === 'submission dispatched').map((l) => l.orderId);
    const exitIds = exits.map((s) => orderIdOf(s.id));
    const lastExitQueued = lines.findLastIndex(
      (l) => l.msg === 'signal queued for sending' && exitIds.includes(l.orderId ?? ''),
    );
    const dispatchedBefore = new Set(
      lines
        .slice(0, lastExitQueued)
        .filter((l) => l.msg === 'submission dispatched')
        .map((l) => l.orderId),
    );
    const waiting = entries.map((s) => orderIdOf(s.id)).filter((id) => !dispatchedBefore.has(id));
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const firstDispatch = (id: string) => dispatched.indexOf(id);
    for (const id of waiting) {
      for (const x of exitIds) expect(firstDispatch(id)).toBeGreaterThan(firstDispatch(x));
    }
    // and at the venue: the entries that waited are accepted after both exits, except at most
    // the one holding the single send slot when the storm ended
    const venueIndex = (s: { id: string }) => venue.findIndex((o) => o.oid === oidOf(s));
    const lastExitAtVenue = Math.max(...exits.map(venueIndex));
    const waitingEntries = entries.filter((s) => waiting.includes(orderIdOf(s.id)));
    expect(waitingEntries.filter((s) => venueIndex(s) < lastExitAtVenue).length).toBeLessThanOrEqual(1);
    // the venue saw the storm: sends were refused and resent (identical bytes, never re-signed)
    expect([...histories.values()].some((ev) => ev.some((e) => e.type === 'orderOutcomeUnknown'))).toBe(true);
  }, 60_000);

  it('a halt during the storm: the backlog it finds is held, never sent, and expires at its deadline', async () => {
    h = await harness('stormhalt');
    const hh = h;
    const app = await hh.start({
      env: { IP_BUDGET_WINDOW_MS: '1000', RECOVERY_INTERVAL_MS: '100', EXEC_SUBMIT_CONCURRENCY: '1' },
    });
    await hh.publishMids();
    hh.sim.faults.rateLimit(2_000);
    const entries = [1, 2, 3, 4].map(() => hh.signal({ style: 'market', size: '0.01', ttlMs: 4_000 }));
    for (const s of entries) await hh.publishSignal(s);
    for (const s of entries) {
      await waitFor(async () =>
        (await hh.orderEvents(orderIdOf(s.id))).some((e) => e.type === 'orderSubmitted'),
      );
    }
    hh.nc.publish(
      hh.subj.control('execution'),
      JSON.stringify({
        type: 'halt',
        v: 1,
        net: 'sim',
        id: 'h1',
        by: 'ops',
        reason: 'test',
        atMs: Date.now(),
      }),
    );
    await waitFor(() => app.risk.state.mode === 'HALTED');
    // past the storm and every deadline: nothing the halt found was sent, each expired with an event
    for (const s of entries) {
      await waitFor(async () => {
        const t = (await hh.orderEvents(orderIdOf(s.id))).at(-1)?.type;
        return t === 'orderExpired' || t === 'orderFilled';
      }, 15_000);
    }
    const lasts = await Promise.all(
      entries.map(async (s) => (await hh.orderEvents(orderIdOf(s.id))).at(-1)?.type),
    );
    // at most the one holding the send slot when the halt came could still have gone out
    expect(lasts.filter((t) => t === 'orderExpired').length).toBeGreaterThanOrEqual(entries.length - 1);
    expect(hh.ordersAtVenue().length).toBe(lasts.filter((t) => t === 'orderFilled').length);
    expect(hh.logs.some((l) => l.includes('submission expired in the queue'))).toBe(true);
  }, 60_000);
});
