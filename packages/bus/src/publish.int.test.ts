import { ContractError, TradeEvent } from '@hyperflow/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { BusError } from './errors.js';
import { createFastPublisher, createPublisher } from './publish.js';
import { type TestBus, testBus } from './test-support/bus.js';
import { trade } from './test-support/events.js';

async function countOn(bus: TestBus, subject: string): Promise<number> {
  const jsm = await jetstreamManager(bus.nc);
  const info = await jsm.streams.info(bus.streams.MARKET.name, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe('publisher', () => {
  it('publishes a contract event and de-duplicates a second publish with the same msgId', async () => {
    const bus = await testBus('pub');
    const pub = createPublisher(bus.nc);
    const subject = bus.subj.trade('BTC');
    const event = trade('trade-1');

    const first = await pub.publish(subject, TradeEvent, event, { msgId: event.id });
    expect(first).toEqual({ stream: bus.streams.MARKET.name, seq: 1, duplicate: false });
    const again = await pub.publish(subject, TradeEvent, event, { msgId: event.id });
    expect(again).toEqual({ stream: bus.streams.MARKET.name, seq: 1, duplicate: true });
    expect(await countOn(bus, subject)).toBe(1);
  });

  it('refuses an invalid event before sending anything', async () => {
    const bus = await testBus('pubbad');
    const pub = createPublisher(bus.nc);
    const subject = bus.subj.trade('BTC');
    const bad = { ...trade('trade-bad'), px: 69997.5 } as unknown as TradeEvent; // a float price

    const err = await pub.publish(subject, TradeEvent, bad, { msgId: 'trade-bad' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).problems.join()).toContain('px');
    expect(await countOn(bus, subject)).toBe(0);
  });

  it('fast path: pipelines N publishes within the in-flight bound and flush() confirms all landed', async () => {
    const bus = await testBus('fast');
    const fast = createFastPublisher(bus.nc, { maxInFlight: 64 });
    const subject = bus.subj.trade('ETH');
    const n = 2000;
    let maxSeen = 0;
    for (let i = 0; i < n; i++) {
      await fast.publish(subject, TradeEvent, trade(`fast-${i}`, { coin: 'ETH', tid: i }), {
        msgId: `fast-${i}`,
      });
      maxSeen = Math.max(maxSeen, fast.stats().inFlight);
    }
    // re-sending a few ids proves de-dup on this path too
    for (let i = 0; i < 10; i++) {
      await fast.publish(subject, TradeEvent, trade(`fast-${i}`, { coin: 'ETH', tid: i }), {
        msgId: `fast-${i}`,
      });
    }
    const stats = await fast.flush();

    expect(stats).toEqual({ sent: n + 10, acked: n + 10, duplicates: 10, failed: 0, inFlight: 0 });
    expect(maxSeen).toBeGreaterThan(1); // acks were not awaited one by one
    expect(maxSeen).toBeLessThanOrEqual(64);
    expect(await countOn(bus, subject)).toBe(n);
  });

  it('fast path: a message no stream accepts is reported, counted, and the rest still land', async () => {
    const bus = await testBus('fastfail');
    const failures: { err: BusError; subject: string }[] = [];
    const fast = createFastPublisher(bus.nc, {
      maxInFlight: 8,
      timeoutMs: 2000,
      onError: (err, msg) => failures.push({ err, subject: msg.subject }),
    });
    const good = bus.subj.trade('SOL');
    const orphan = `${bus.root}x.sim.md.trade.SOL`; // captured by no stream

    await fast.publish(good, TradeEvent, trade('a', { coin: 'SOL' }), { msgId: 'a' });
    await fast.publish(orphan, TradeEvent, trade('b', { coin: 'SOL' }), { msgId: 'b' });
    await fast.publish(good, TradeEvent, trade('c', { coin: 'SOL' }), { msgId: 'c' });
    const stats = await fast.flush();

    expect(stats).toMatchObject({ sent: 3, acked: 2, failed: 1, inFlight: 0 });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.subject).toBe(orphan);
    expect(failures[0]?.err).toBeInstanceOf(BusError);
    expect(await countOn(bus, good)).toBe(2);
  });

  it('fast path: a message nobody acks fails at its timeout, counted, and flush() still returns', async () => {
    const bus = await testBus('fasttimeout');
    const failures: string[] = [];
    const fast = createFastPublisher(bus.nc, { timeoutMs: 50, onError: (err) => failures.push(err.message) });
    const silent = `${bus.root}x.silent`;
    // a plain subscriber: the server has a responder, so no 503, but no stream ever acks
    const sub = bus.nc.subscribe(silent);
    await fast.publish(silent, TradeEvent, trade('s'), { msgId: 's' });
    const stats = await fast.flush();
    sub.unsubscribe();
    expect(stats).toMatchObject({ sent: 1, acked: 0, failed: 1, inFlight: 0 });
    expect(failures[0]).toMatch(/no ack within the timeout/);
  });

  it('fast path: an empty msgId is refused and counted, never sent without de-duplication', async () => {
    const bus = await testBus('fastnoid');
    const failures: BusError[] = [];
    const fast = createFastPublisher(bus.nc, { onError: (err) => failures.push(err) });
    const subject = bus.subj.trade('BTC');
    await fast.publish(subject, TradeEvent, trade('n'), { msgId: '' });
    expect(await fast.flush()).toMatchObject({ sent: 1, acked: 0, failed: 1, inFlight: 0 });
    expect(failures[0]?.message).toMatch(/empty msgId/);
    expect(await countOn(bus, subject)).toBe(0);
  });
});
