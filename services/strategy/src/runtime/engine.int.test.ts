import { createFastPublisher } from '@hyperflow/bus';
import { buckets, type ControlCommand, DeadLetter, parseJson, SignalEmitted } from '@hyperflow/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { backtest } from '../backtest/backtest.js';
import { loadStrategies } from '../host/catalog.js';
import { createHost } from '../host/host.js';
import { StrategyEvent } from '../strategies/strategy.js';
import { type TestBus, testBus, waitFor } from '../test-support/bus.js';
import { position, trade } from '../test-support/events.js';
import { syntheticMarket } from '../test-support/market.js';
import { exampleHost } from '../test-support/strategies.js';
import { type Engine, startEngine } from './engine.js';
import { readRange } from './replay.js';
import { kvSnapshotStore } from './snapshot.js';

function subjectOf(bus: TestBus, e: StrategyEvent): string {
  switch (e.type) {
    case 'trade':
      return bus.subj.trade(e.coin);
    case 'bbo':
      return bus.subj.bbo(e.coin);
    case 'gap':
      return bus.subj.gap(e.instance);
    case 'position':
      return bus.subj.position(e.coin);
    default:
      throw new Error(`no subject for ${e.type} in this test`);
  }
}

async function publishAll(bus: TestBus, events: readonly StrategyEvent[]): Promise<void> {
  const pub = createFastPublisher(bus.nc);
  for (const e of events) await pub.publish(subjectOf(bus, e), StrategyEvent, e, { msgId: e.id });
  const s = await pub.flush();
  expect(s.failed).toBe(0);
}

async function signalsInStream(bus: TestBus): Promise<SignalEmitted[]> {
  const jsm = await jetstreamManager(bus.nc);
  const last = (await jsm.streams.info(bus.streams.SIGNALS.name)).state.last_seq;
  const r = await readRange(
    jetstream(bus.nc),
    { stream: bus.streams.SIGNALS.name, filterSubject: bus.subj.all.signals, throughSeq: last },
    SignalEmitted,
  );
  return r.events.map((x) => x.event);
}

async function caughtUp(bus: TestBus, instance: string): Promise<boolean> {
  const jsm = await jetstreamManager(bus.nc);
  const last = (await jsm.streams.info(bus.streams.MARKET.name)).state.last_seq;
  const c = await jsm.consumers.info(bus.streams.MARKET.name, `strategy_${instance}_md`);
  return c.ack_floor.stream_seq >= last && c.num_ack_pending === 0;
}

const withoutTime = (s: readonly SignalEmitted[]) => s.map(({ createdAtMs: _t, ...rest }) => rest);

describe('strategy engine on NATS', () => {
  let bus: TestBus | undefined;
  const engines: Engine[] = [];
  const conns: NatsConnection[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    for (const c of conns.splice(0)) if (!c.isClosed()) await c.close();
    await bus?.cleanup();
    bus = undefined;
  });

  async function engine(
    b: TestBus,
    instance: string,
    host = exampleHost(),
    snapshotEvery?: number,
  ): Promise<Engine> {
    const nc = await b.connect(`strategy-${instance}`);
    conns.push(nc);
    const store =
      snapshotEvery === undefined
        ? undefined
        : await kvSnapshotStore(nc, buckets(b.prefix).snapshots, `strategy_${instance}`);
    const e = await startEngine({
      nc,
      net: 'sim',
      root: b.root,
      streamPrefix: b.prefix,
      instance,
      host,
      lookbackMs: 3_600_000,
      ...(store === undefined || snapshotEvery === undefined
        ? {}
        : { snapshots: { store, everyEvents: snapshotEvery } }),
    });
    engines.push(e);
    return e;
  }

  it('given events published to NATS, publishes the signals a replay of the same events gives (ids included)', async () => {
    bus = await testBus('live');
    const events = syntheticMarket({ minutes: 150, gapAtMinute: 70 });
    const expected = backtest(exampleHost(), events, { simulateFills: false }).signals;
    expect(expected.length).toBeGreaterThan(2);
    const e = await engine(bus, 'live');
    await publishAll(bus, events);
    const b = bus;
    await waitFor(() => caughtUp(b, 'live'), 20_000);
    const live = await signalsInStream(bus);
    expect(withoutTime(live)).toEqual(withoutTime(expected));
    expect(live.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    expect(e.stats()).toMatchObject({ published: expected.length, live: events.length, rebuilt: 0 });
  });

  it('given a kill mid-stream and a restart, the signals equal an uninterrupted run: nothing lost, nothing repeated', async () => {
    bus = await testBus('restart');
    const events = syntheticMarket({ minutes: 150, gapAtMinute: 40 });
    const expected = backtest(exampleHost(), events, { simulateFills: false }).signals;
    const cut = Math.floor(events.length * 0.6);
    const first = await engine(bus, 'r');
    await publishAll(bus, events.slice(0, cut));
    await waitFor(() => first.stats().live >= events.length * 0.3, 20_000);
    // the kill: the connection drops with messages pulled, in flight and maybe unacknowledged
    await conns[0]?.close();
    await first.stop();
    engines.splice(0);
    expect(first.stats().live).toBeLessThan(events.length);
    // the market goes on while the instance is down
    await publishAll(bus, events.slice(cut));

    const second = await engine(bus, 'r');
    const b = bus;
    await waitFor(async () => (await signalsInStream(b)).length >= expected.length, 20_000);
    expect(second.stats().rebuilt).toBeGreaterThan(0);
    expect(first.stats().live + second.stats().rebuilt + second.stats().live).toBeGreaterThanOrEqual(
      events.length,
    );
    const live = await signalsInStream(bus);
    expect(live.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    expect(withoutTime(live)).toEqual(withoutTime(expected));
  });

  it('given a KV snapshot, restarts from it and replays only the tail, with the same signals', async () => {
    bus = await testBus('snap');
    const events = syntheticMarket({ minutes: 150, gapAtMinute: 60 });
    const expected = backtest(exampleHost(), events, { simulateFills: false }).signals;
    const cut = Math.floor(events.length / 2);
    const first = await engine(bus, 's', exampleHost(), 250);
    await publishAll(bus, events.slice(0, cut));
    const b = bus;
    await waitFor(() => caughtUp(b, 's'), 20_000);
    await first.stop();
    engines.splice(0);
    expect(first.stats().snapshotsSaved).toBeGreaterThan(1);
    await publishAll(bus, events.slice(cut));

    const second = await engine(bus, 's', exampleHost(), 250);
    await waitFor(() => caughtUp(b, 's'), 20_000);
    expect(second.stats().restoredFrom).not.toBeNull();
    expect(second.stats().rebuilt).toBe(0);
    expect(second.stats().live).toBe(events.length - cut);
    const live = await signalsInStream(bus);
    expect(live.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    await second.stop();
    engines.splice(0);

    // another config: the snapshot is not its state, so the lookback replay is used
    const other = createHost(
      loadStrategies({ strategies: [{ kind: 'exits', config: { coins: { BTC: { stopLoss: '0.5' } } } }] }),
    );
    const third = await engine(bus, 's', other, 250);
    expect(third.stats().restoredFrom).toBeNull();
    expect(third.stats().rebuilt).toBe(events.length);
  });

  it('follows account events and control: an exit fires on a known position, none while halted', async () => {
    bus = await testBus('ctl');
    const host = createHost(
      loadStrategies({ strategies: [{ kind: 'exits', config: { coins: { ETH: { stopLoss: '0.02' } } } }] }),
    );
    const e = await engine(bus, 'ctl', host);
    const now = Date.now();
    const js = jetstream(bus.nc);
    await js.publish(bus.subj.position('ETH'), JSON.stringify(position('ETH', now, '1', '100')), {
      msgID: 'p1',
    });
    await waitFor(() => e.stats().live >= 1);
    const halt: ControlCommand = {
      type: 'halt',
      v: 1,
      net: 'sim',
      id: 'h1',
      by: 'test',
      reason: 'drill',
      atMs: now,
    };
    await js.publish(bus.subj.control('all'), JSON.stringify(halt), { msgID: 'h1' });
    await waitFor(() => e.stats().controls >= 1);
    await publishAll(bus, [trade('ETH', now + 1, '97', { recvTsMs: now + 1 })]);
    await waitFor(() => e.stats().live >= 2);
    expect(e.stats().suppressed).toBe(1);
    expect(await signalsInStream(bus)).toEqual([]);

    // a restart replays the control history: still halted
    await e.stop();
    engines.splice(0);
    const again = await engine(bus, 'ctl', host);
    expect(again.state().mode).toBe('halted');

    const resume: ControlCommand = { ...halt, type: 'resume', id: 'r1' };
    await js.publish(bus.subj.control('all'), JSON.stringify(resume), { msgID: 'r1' });
    await waitFor(() => again.stats().controls >= 2);
    // the withheld exit's TTL (10 s of exchange time) has passed and the position is still open
    await publishAll(bus, [trade('ETH', now + 20_000, '90', { recvTsMs: now + 20_000 })]);
    const b = bus;
    await waitFor(async () => (await signalsInStream(b)).length === 1);
    expect((await signalsInStream(bus))[0]).toMatchObject({
      strategy: 'exits',
      side: 'sell',
      size: '1',
      reduceOnly: true,
    });
  });

  it('refuses, dead-letters and counts a message of another network and a bad control command', async () => {
    bus = await testBus('net');
    const b = bus;
    const rejected: string[] = [];
    const nc = await b.connect('strategy-net');
    conns.push(nc);
    const e = await startEngine({
      nc,
      net: 'sim',
      root: b.root,
      streamPrefix: b.prefix,
      instance: 'net',
      host: exampleHost(),
      lookbackMs: 3_600_000,
      onRejected: (reason) => rejected.push(reason),
    });
    engines.push(e);
    const js = jetstream(b.nc);
    const now = Date.now();
    // a mainnet tick on a sim subject, and mainnet / malformed halts on the sim control subject
    await js.publish(b.subj.trade('BTC'), JSON.stringify({ ...trade('BTC', now, '100'), net: 'mainnet' }), {
      msgID: 'main-tick',
    });
    const halt: ControlCommand = {
      type: 'halt',
      v: 1,
      net: 'mainnet',
      id: 'h',
      by: 'x',
      reason: 'y',
      atMs: now,
    };
    await js.publish(b.subj.control('all'), JSON.stringify(halt), { msgID: 'main-halt' });
    await js.publish(b.subj.control('all'), JSON.stringify({ ...halt, net: 'sim', by: '' }), {
      msgID: 'bad-halt',
    });
    await waitFor(() => rejected.length === 3);
    expect([...rejected].sort()).toEqual(['network', 'network', 'schema']);
    expect(e.stats()).toMatchObject({ live: 0, controls: 0 });
    expect(e.state().mode).not.toBe('halted');

    const jsm = await jetstreamManager(b.nc);
    await waitFor(async () => (await jsm.streams.info(b.streams.DLQ.name)).state.messages === 3);
    const letters: DeadLetter[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      const m = await jsm.streams.getMessage(b.streams.DLQ.name, { seq });
      if (m) letters.push(parseJson(DeadLetter, m.data));
    }
    expect(letters.map((l) => [l.service, l.reason, l.source]).sort()).toEqual(
      [
        ['strategy', 'network', b.subj.control('all')],
        ['strategy', 'network', b.subj.trade('BTC')],
        ['strategy', 'schema', b.subj.control('all')],
      ].sort(),
    );

    // a restart replays the control history: the mainnet halt is skipped there too
    await e.stop();
    engines.splice(0);
    const again = await engine(b, 'net');
    expect(again.state().mode).not.toBe('halted');
    expect(again.stats().controls).toBe(0);
  });
});
