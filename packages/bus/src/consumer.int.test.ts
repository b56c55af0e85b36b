import { DeadLetter, parseJson, TradeEvent } from '@hyperflow/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConsumerRunner,
  type MessageContext,
  type RunConsumerOptions,
  runConsumer,
} from './consumer.js';
import { PoisonMessageError } from './errors.js';
import { createPublisher } from './publish.js';
import { type TestBus, testBus, waitFor } from './test-support/bus.js';
import { trade } from './test-support/events.js';

/** Every DLQ record on the test's DLQ subject, validated against the contract. */
async function deadLetters(bus: TestBus): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(bus.nc);
  const info = await jsm.streams.info(bus.streams.DLQ.name);
  const out: DeadLetter[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(bus.streams.DLQ.name, { seq });
    if (m) out.push(parseJson(DeadLetter, m.data));
  }
  return out;
}

async function ackPending(bus: TestBus, durable: string): Promise<number> {
  const jsm = await jetstreamManager(bus.nc);
  const info = await jsm.consumers.info(bus.streams.MARKET.name, durable);
  return info.num_ack_pending + info.num_pending;
}

describe('runConsumer', () => {
  let runner: ConsumerRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  function start(
    b: TestBus,
    handle: (e: TradeEvent, ctx: MessageContext) => void | Promise<void>,
    over: Partial<
      Pick<
        RunConsumerOptions<typeof TradeEvent>,
        'maxDeliver' | 'backoff' | 'ackWaitMs' | 'network' | 'onDeadLetter'
      >
    > = {},
  ) {
    return runConsumer({
      nc: b.nc,
      stream: b.streams.MARKET.name,
      durable: 'strategy',
      filterSubject: b.subj.all.market,
      schema: TradeEvent,
      handle,
      dlqSubject: b.subj.dlq('strategy'),
      service: 'strategy',
      backoff: [50],
      ...over,
    });
  }

  it('consumes a published contract event and acks it', async () => {
    const bus = await testBus('cons');
    const b = bus;
    const seen: { id: string; ctx: MessageContext }[] = [];
    runner = await start(b, (e, ctx) => {
      seen.push({ id: e.id, ctx });
    });
    await createPublisher(b.nc).publish(b.subj.trade('BTC'), TradeEvent, trade('t-1'), { msgId: 't-1' });

    await waitFor(() => runner?.stats().acked === 1);
    expect(seen.map((s) => s.id)).toEqual(['t-1']);
    expect(seen[0]?.ctx).toMatchObject({
      subject: b.subj.trade('BTC'),
      streamSeq: 1,
      deliveryCount: 1,
      msgId: 't-1',
    });
    await waitFor(async () => (await ackPending(b, 'strategy')) === 0);
    expect(runner.stats()).toEqual({
      received: 1,
      processed: 1,
      acked: 1,
      naked: 0,
      deadLettered: 0,
      dlqFailures: 0,
    });
    const jsm = await jetstreamManager(b.nc);
    const info = await jsm.consumers.info(b.streams.MARKET.name, 'strategy');
    expect(info.config).toMatchObject({
      durable_name: 'strategy',
      ack_policy: 'explicit',
      filter_subject: b.subj.all.market,
    });
  });

  it('updates the durable when its settings change', async () => {
    const bus = await testBus('consupd');
    const b = bus;
    const jsm = await jetstreamManager(b.nc);
    const first = await start(b, () => {}, { ackWaitMs: 30_000 });
    await first.stop();
    expect((await jsm.consumers.info(b.streams.MARKET.name, 'strategy')).config.ack_wait).toBe(30_000 * 1e6);
    runner = await start(b, () => {}, { ackWaitMs: 10_000 });
    expect((await jsm.consumers.info(b.streams.MARKET.name, 'strategy')).config.ack_wait).toBe(10_000 * 1e6);
  });

  it('dead-letters bad JSON and a schema-invalid message, terms them, and keeps consuming', async () => {
    const bus = await testBus('consdlq');
    const b = bus;
    const js = jetstream(b.nc);
    const subject = b.subj.trade('BTC');
    const handled: string[] = [];
    runner = await start(b, (e) => {
      handled.push(e.id);
    });

    await js.publish(subject, '{"type":"trade",'); // truncated JSON
    await js.publish(subject, JSON.stringify({ ...trade('bad-px'), px: -1 })); // breaks the contract
    await createPublisher(b.nc).publish(subject, TradeEvent, trade('good'), { msgId: 'good' });

    await waitFor(() => runner?.stats().processed === 3);
    expect(handled).toEqual(['good']);
    expect(runner.stats()).toMatchObject({ acked: 1, deadLettered: 2, naked: 0 });
    await waitFor(async () => (await ackPending(b, 'strategy')) === 0); // termed, not pending

    const dlq = await deadLetters(b);
    expect(dlq.map((d) => d.reason)).toEqual(['invalidJson', 'schema']);
    expect(dlq[0]).toMatchObject({
      service: 'strategy',
      source: subject,
      streamSeq: 1,
      deliveryCount: 1,
      payload: '{"type":"trade",',
      consumer: 'strategy',
    });
    expect(dlq[1]?.streamSeq).toBe(2);
    expect(dlq[1]?.problems.join()).toContain('px');
    expect(JSON.parse(dlq[1]?.payload ?? '')).toMatchObject({ id: 'bad-px', px: -1 });
  });

  it('dead-letters a message of another network and one nested too deep, counting each reason', async () => {
    const bus = await testBus('consnet');
    const b = bus;
    const js = jetstream(b.nc);
    const subject = b.subj.trade('BTC');
    const handled: string[] = [];
    const counted: string[] = [];
    runner = await start(
      b,
      (e) => {
        handled.push(e.id);
      },
      { network: { net: 'sim', root: b.root }, onDeadLetter: (reason) => counted.push(reason) },
    );
    const pub = createPublisher(b.nc);
    // a mainnet event on a sim subject: the schema passes, the network does not
    await pub.publish(subject, TradeEvent, trade('main', { net: 'mainnet' }), { msgId: 'main' });
    await js.publish(subject, `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    await pub.publish(subject, TradeEvent, trade('good'), { msgId: 'good' });

    await waitFor(() => runner?.stats().processed === 3);
    expect(handled).toEqual(['good']);
    expect(counted).toEqual(['network', 'outOfBounds']);
    const dlq = await deadLetters(b);
    expect(dlq.map((d) => d.reason)).toEqual(['network', 'outOfBounds']);
    expect(dlq[0]?.problems).toEqual([`net: "mainnet" on ${subject}, but this service runs on sim`]);
    expect(dlq[1]?.payloadBytes).toBe(20_000);
  });

  it('naks a transient handler error with a delay and handles the redelivery', async () => {
    const bus = await testBus('consnak');
    const b = bus;
    const attempts: { count: number; at: number }[] = [];
    runner = await start(
      b,
      (_e, ctx) => {
        attempts.push({ count: ctx.deliveryCount, at: Date.now() });
        if (ctx.deliveryCount === 1) throw new Error('venue timeout');
      },
      { backoff: [300] },
    );
    await createPublisher(b.nc).publish(b.subj.trade('BTC'), TradeEvent, trade('t-1'), { msgId: 't-1' });

    await waitFor(() => runner?.stats().acked === 1);
    expect(attempts.map((a) => a.count)).toEqual([1, 2]);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(250); // the nak delay held
    expect(runner.stats()).toMatchObject({ naked: 1, acked: 1, deadLettered: 0 });
  });

  it('dead-letters a PoisonMessageError at once and a persistent failure after maxDeliver', async () => {
    const bus = await testBus('conspoison');
    const b = bus;
    let failing = 0;
    runner = await start(
      b,
      (e) => {
        if (e.id === 'poison') throw new PoisonMessageError('unknown coin', ['coin: not listed']);
        failing += 1;
        throw new Error('still down');
      },
      { maxDeliver: 3, backoff: [20] },
    );
    const pub = createPublisher(b.nc);
    await pub.publish(b.subj.trade('BTC'), TradeEvent, trade('poison'), { msgId: 'poison' });
    await pub.publish(b.subj.trade('BTC'), TradeEvent, trade('flaky'), { msgId: 'flaky' });

    await waitFor(() => runner?.stats().deadLettered === 2);
    expect(failing).toBe(3);
    const dlq = await deadLetters(b);
    expect(dlq.map((d) => [d.reason, d.streamSeq, d.deliveryCount])).toEqual([
      ['poison', 1, 1],
      ['maxDeliveries', 2, 3],
    ]);
    expect(dlq[0]?.problems).toEqual(['unknown coin', 'coin: not listed']);
    expect(runner.stats()).toMatchObject({ naked: 2, acked: 0, deadLettered: 2 });
  });

  it('stop() waits for the in-flight handler, hands back what it pulled, and a new runner resumes', async () => {
    const bus = await testBus('consstop');
    const b = bus;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handled: string[] = [];
    const pub = createPublisher(b.nc);
    for (const id of ['one', 'two', 'three']) {
      await pub.publish(b.subj.trade('BTC'), TradeEvent, trade(id), { msgId: id });
    }
    const first = await start(b, async (e) => {
      await gate;
      handled.push(e.id);
    });
    await waitFor(() => first.stats().received === 1);

    let stopped = false;
    const stopping = first.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false); // still waiting for the handler
    release();
    await stopping;
    expect(handled).toEqual(['one']);
    expect(first.stats()).toMatchObject({ received: 1, acked: 1 });

    const started = Date.now();
    runner = await start(b, (e) => {
      handled.push(e.id);
    });
    await waitFor(() => runner?.stats().acked === 2);
    // 'one' was acked before stop (not redelivered); the rest came back at once, not after ack_wait
    // (30 s), each once; JetStream promises no order among redeliveries (2.15.1 often sends 'three' first)
    expect(handled[0]).toBe('one');
    expect(handled.slice(1).sort()).toEqual(['three', 'two']);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
