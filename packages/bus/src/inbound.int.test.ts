import { ControlCommand, DeadLetter, parseJson } from '@hyperflow/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { createInbound, type InboundRejection } from './inbound.js';
import { type TestBus, testBus, waitFor } from './test-support/bus.js';

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

const halt = (over: Record<string, unknown> = {}) => ({
  type: 'halt',
  v: 1,
  net: 'sim',
  id: 'ctl:1',
  by: 'operator',
  reason: 'test',
  atMs: 1_700_000_000_000,
  ...over,
});

describe('createInbound', () => {
  it('hands valid control commands on; invalid, other-network and failing ones are counted and dead-lettered', async () => {
    const bus = await testBus('inb');
    const b = bus;
    const rejected: InboundRejection[] = [];
    const inbound = createInbound({
      nc: b.nc,
      service: 'strategy',
      network: { net: 'sim', root: b.root },
      dlqSubject: b.subj.dlq('strategy'),
      onRejected: (reason) => rejected.push(reason),
    });
    const handled: string[] = [];
    const sub = inbound.subscribe(b.subj.control('all'), ControlCommand, (c) => {
      if (c.reason === 'explode') throw new Error('handler bug');
      handled.push(c.id);
    });
    const subject = b.subj.control('all');
    b.nc.publish(subject, JSON.stringify(halt({ id: 'ctl:ok' })));
    b.nc.publish(subject, '{"type":"halt"');
    b.nc.publish(subject, JSON.stringify(halt({ type: 'explode' })));
    b.nc.publish(subject, JSON.stringify(halt({ net: 'mainnet' })));
    b.nc.publish(subject, JSON.stringify(halt({ reason: 'explode' })));
    await b.nc.flush();
    await waitFor(() => inbound.stats().accepted + Object.keys(inbound.stats().rejected).length >= 5);
    await inbound.flush();
    sub.unsubscribe();

    expect(handled).toEqual(['ctl:ok']);
    expect(rejected).toEqual(['invalidJson', 'schema', 'network', 'handler']);
    const dlq = await deadLetters(b);
    expect(dlq.map((d) => [d.reason, d.source, d.service])).toEqual([
      ['invalidJson', subject, 'strategy'],
      ['schema', subject, 'strategy'],
      ['network', subject, 'strategy'],
      ['handler', subject, 'strategy'],
    ]);
    expect(dlq[3]?.problems).toEqual(['Error: handler bug']);
    expect(inbound.stats()).toMatchObject({ accepted: 2, deadLettered: 4, dlqFailures: 0 });
  });

  it('answers a refused request with its reason instead of leaving the caller to time out', async () => {
    const bus = await testBus('inbreq');
    const b = bus;
    const inbound = createInbound({
      nc: b.nc,
      service: 'strategy',
      network: { net: 'sim', root: b.root },
      dlqSubject: b.subj.dlq('strategy'),
    });
    // a micro-service request subject of this network (no stream captures it, so only we answer)
    const subject = `${b.root}.sim.req.control`;
    const sub = inbound.subscribe(subject, ControlCommand, (_c, m) => {
      m.respond('ok');
    });
    expect((await b.nc.request(subject, JSON.stringify(halt()), { timeout: 2000 })).string()).toBe('ok');
    const refused = await b.nc.request(subject, JSON.stringify(halt({ by: '' })), { timeout: 2000 });
    expect(refused.json()).toMatchObject({ error: 'schema', problems: [expect.stringMatching(/^by: /)] });
    await inbound.flush();
    sub.unsubscribe();
    expect((await deadLetters(b)).map((d) => d.reason)).toEqual(['schema']);
  });
});
