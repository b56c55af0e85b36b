import {
  type ConsumerRunner,
  createInbound,
  createPublisher,
  type Logger,
  runConsumer,
  silentLogger,
} from '@hyperflow/bus';
import {
  AccountEvent,
  ControlCommand,
  HealthEvent,
  MarketEvent,
  type Net,
  SignalEmitted,
  streams,
  subjects,
} from '@hyperflow/contracts';
import { assertNever, sha256Hex } from '@hyperflow/core';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import { StrategyError } from '../errors.js';
import type { HostState, StrategyHost } from '../host/host.js';
import type { StrategyEvent } from '../strategies/strategy.js';
import { readRange } from './replay.js';
import type { SnapshotStore, StrategySnapshot } from './snapshot.js';

/** Everything on the MARKET stream: market data and feed health (gap markers among it). */
export const MarketStreamEvent = z.union([MarketEvent, HealthEvent]);
export type MarketStreamEvent = z.infer<typeof MarketStreamEvent>;

/**
 * Feed status (health changes, WS/REST drift) is for operators and risk, not for strategies: only
 * market data and gap markers reach a strategy.
 */
export function isFeedStatus<E extends { type: string }>(
  e: E,
): e is Extract<E, { type: 'feedHealth' | 'drift' }> {
  return e.type === 'feedHealth' || e.type === 'drift';
}

export interface EngineOptions {
  readonly nc: NatsConnection;
  readonly net: Net;
  /** subject root (`hl`; tests use their own) */
  readonly root?: string;
  readonly streamPrefix?: string;
  /** this instance's id: its durable consumers are named after it */
  readonly instance: string;
  readonly host: StrategyHost;
  /** how far back the MARKET stream is replayed on start to rebuild indicators, ms */
  readonly lookbackMs: number;
  /** withhold a signal whose triggering tick is older than this when decided live, ms; 0 = off */
  readonly maxSignalLagMs?: number;
  /** consume our account's fills and positions (EXECUTION stream) */
  readonly account?: boolean;
  readonly log?: Logger;
  readonly now?: () => number;
  /** state snapshots: restore on start (then replay only the tail), save every `everyEvents` live events and on stop */
  readonly snapshots?: { readonly store: SnapshotStore; readonly everyEvents: number };
  /** called for every published signal with its tick-to-signal lag (ms) */
  readonly onSignal?: (signal: SignalEmitted, lagMs: number) => void;
  /**
   * called for every message refused and dead-lettered (bad JSON, schema, another network, a
   * handler failure), from the durable consumers and the control subscriptions alike
   */
  readonly onRejected?: (reason: string, subject: string) => void;
}

export interface EngineStats {
  /** events applied while rebuilding state on start */
  readonly rebuilt: number;
  /** events decided live */
  readonly live: number;
  readonly published: number;
  /** withheld by control (disabled strategy, halt, reduce-only) */
  readonly suppressed: number;
  /** withheld because the triggering tick was too old */
  readonly stale: number;
  readonly controls: number;
  /** the stream sequences of the snapshot the state was restored from, if any */
  readonly restoredFrom: { readonly md: number; readonly acct: number } | null;
  readonly snapshotsSaved: number;
}

export interface Engine {
  stats(): EngineStats;
  state(): HostState;
  stop(): Promise<void>;
}

type Source = 'md' | 'acct';

/**
 * The live edge around the pure host. On start it rebuilds state by replaying the MARKET stream
 * from `now − lookbackMs` (and our account events) up to what this instance's durable consumers
 * have acknowledged, discarding the signals (they were published before). Then the durables
 * continue from there: each event is decided, its signals published with msgID = signal id, and
 * only then acknowledged. A redelivered event is never decided twice: its unpublished signals are
 * re-sent (the SIGNALS stream drops duplicates by id). So a restart neither loses nor repeats a
 * signal. Control commands (ctl.all, ctl.strategy) are replayed from the CONTROL stream, then
 * followed live.
 */
export async function startEngine(o: EngineOptions): Promise<Engine> {
  const log = o.log ?? silentLogger;
  const now = o.now ?? (() => performance.timeOrigin + performance.now());
  const root = o.root ?? 'hl';
  const subj = subjects(o.net, root);
  const st = streams(root, o.streamPrefix ?? '');
  const js = jetstream(o.nc);
  const jsm = await jetstreamManager(o.nc);
  const publisher = createPublisher(o.nc);
  const host = o.host;
  const account = o.account ?? true;
  const durable = (what: string) => `strategy_${o.instance}_${what}`;

  let state = host.init();
  const counters = {
    rebuilt: 0,
    live: 0,
    published: 0,
    suppressed: 0,
    stale: 0,
    controls: 0,
    snapshotsSaved: 0,
  };
  let restoredFrom: { md: number; acct: number } | null = null;
  const configHash = sha256Hex(JSON.stringify(state.strategies));

  // control: subscribe first, then replay history, so no command falls between the two
  const controlSubjects = [subj.control('all'), subj.control('strategy')];
  const queuedControls: ControlCommand[] = [];
  let controlReplayed = false;
  const applyControl = (c: ControlCommand) => {
    state = host.control(state, c);
    counters.controls += 1;
    log.info(
      { type: c.type, by: c.by, reason: c.reason, mode: state.mode, disabled: state.disabled },
      'control',
    );
  };
  // every message this engine reads must be of its network: subject and envelope
  const network = { net: o.net, root };
  const dlqSubject = subj.dlq('strategy');
  const inbound = createInbound({
    nc: o.nc,
    service: 'strategy',
    network,
    dlqSubject,
    log,
    ...(o.onRejected ? { onRejected: o.onRejected } : {}),
  });
  const subs: Subscription[] = controlSubjects.map((s) =>
    inbound.subscribe(s, ControlCommand, (c) => {
      if (controlReplayed) applyControl(c);
      else queuedControls.push(c);
    }),
  );
  const controlLast = await lastSeq(jsm, st.CONTROL.name);
  const history = await readRange(
    js,
    { stream: st.CONTROL.name, filterSubject: subj.all.control, throughSeq: controlLast, network },
    ControlCommand,
  );
  for (const c of history.events) if (controlSubjects.includes(c.subject)) applyControl(c.event);
  controlReplayed = true;
  for (const c of queuedControls) applyControl(c);

  // Rebuild: replay from the lookback to the streams' current ends. Events the durables have
  // acknowledged only rebuild state (their signals went out before); later ones were delivered
  // but never acknowledged (a crash): their signals are published now, the stream de-duplicates
  // those that did go out. The live consumers then skip everything up to those ends, including
  // redeliveries of what the dead instance had pulled, so every event is decided once, in order.
  const fromMs = now() - o.lookbackMs;
  const mdSeqs = await streamSeqs(jsm, st.MARKET.name);
  const acctSeqs = account ? await streamSeqs(jsm, st.EXECUTION.name) : { first: 0, last: 0 };
  const through: Record<Source, number> = { md: mdSeqs.last, acct: acctSeqs.last };
  const lastApplied: Record<Source, number> = { md: 0, acct: 0 };

  // a snapshot of this config whose tail is still in the streams replaces the lookback replay
  const snap =
    o.snapshots === undefined
      ? undefined
      : await o.snapshots.store.load().catch((err: unknown) => {
          log.warn({ err }, 'snapshot unreadable; rebuilding from the lookback');
          return undefined;
        });
  const usable =
    snap !== undefined &&
    snap.configHash === configHash &&
    snap.md <= through.md &&
    snap.acct <= through.acct &&
    snap.md + 1 >= mdSeqs.first &&
    (!account || snap.acct + 1 >= acctSeqs.first);
  if (snap !== undefined && !usable)
    log.info({ md: snap.md, acct: snap.acct }, 'snapshot not usable (config changed or tail gone)');
  if (usable) {
    state = { ...state, strategies: snap.strategies };
    lastApplied.md = snap.md;
    lastApplied.acct = snap.acct;
    restoredFrom = { md: snap.md, acct: snap.acct };
  }
  const from = (source: Source) => (usable ? { fromSeq: lastApplied[source] + 1 } : { fromMs });
  const floor: Record<Source, number> = {
    md: (await ackFloor(jsm, st.MARKET.name, durable('md'))) ?? through.md,
    acct: account ? ((await ackFloor(jsm, st.EXECUTION.name, durable('acct'))) ?? through.acct) : 0,
  };
  const md = await readRange(
    js,
    {
      stream: st.MARKET.name,
      filterSubject: subj.all.market,
      ...from('md'),
      throughSeq: through.md,
      network,
    },
    MarketStreamEvent,
  );
  const acct = account
    ? await readRange(
        js,
        {
          stream: st.EXECUTION.name,
          filterSubject: subj.all.acct,
          ...from('acct'),
          throughSeq: through.acct,
          network,
        },
        AccountEvent,
      )
    : { events: [], skipped: 0 };

  const pending = new Map<string, SignalEmitted[]>();
  let sinceSnapshot = 0;
  let saving: Promise<void> = Promise.resolve();
  /** Saves the state if every decided signal is out (else a restore could skip an unpublished one). */
  const snapshot = (): void => {
    const store = o.snapshots?.store;
    if (store === undefined || pending.size > 0) return;
    sinceSnapshot = 0;
    const record: StrategySnapshot = {
      v: 1,
      configHash,
      md: lastApplied.md,
      acct: lastApplied.acct,
      atMs: now(),
      strategies: { ...state.strategies },
    };
    saving = saving
      .then(() => store.save(record))
      .then(
        () => {
          counters.snapshotsSaved += 1;
        },
        (err: unknown) => log.warn({ err }, 'snapshot save failed'),
      );
  };
  /** Decides one event once (a redelivery only re-sends its unpublished signals), publishes, then returns. */
  const apply = async (
    source: Source,
    seq: number,
    event: StrategyEvent,
    replaying: boolean,
  ): Promise<void> => {
    const key = `${source}:${seq}`;
    let out = pending.get(key);
    if (seq > lastApplied[source]) {
      lastApplied[source] = seq;
      if (replaying && seq <= floor[source]) {
        state = host.decide(state, event, timeOf(event)).state;
        counters.rebuilt += 1;
        return;
      }
      const t = now();
      const r = host.decide(state, event, t);
      state = r.state;
      counters.live += 1;
      counters.suppressed += r.suppressed.length;
      out = r.signals.filter((s) => {
        const lag = t - (s.causes[0]?.recvTsMs ?? t);
        const stale = (o.maxSignalLagMs ?? 0) > 0 && lag > (o.maxSignalLagMs ?? 0);
        if (stale) {
          counters.stale += 1;
          log.warn({ id: s.id, lagMs: lag }, 'signal withheld: its tick is too old');
        }
        return !stale;
      });
      if (out.length > 0) pending.set(key, out);
    }
    if (out === undefined) return;
    for (const s of out) {
      // throws → nak → redelivery re-sends (never re-decides); the stream drops duplicates by id
      await publisher.publish(subj.signal(s.strategy, s.coin), SignalEmitted, s, { msgId: s.id });
      counters.published += 1;
      o.onSignal?.(s, now() - (s.causes[0]?.recvTsMs ?? now()));
      log.info({ id: s.id, strategy: s.strategy, coin: s.coin, side: s.side, reason: s.reason }, 'signal');
    }
    pending.delete(key);
  };
  const afterLive = () => {
    sinceSnapshot += 1;
    if (o.snapshots !== undefined && sinceSnapshot >= o.snapshots.everyEvents) snapshot();
  };

  for (const r of mergeByTime(
    md.events.map((x) => ({ ...x, source: 'md' as const })),
    acct.events.map((x) => ({ ...x, source: 'acct' as const })),
  )) {
    if (isFeedStatus(r.event)) continue;
    await apply(r.source, r.seq, r.event, true);
  }
  lastApplied.md = Math.max(lastApplied.md, through.md);
  lastApplied.acct = Math.max(lastApplied.acct, through.acct);
  log.info(
    {
      rebuilt: counters.rebuilt,
      resumed: counters.live,
      through,
      floor,
      skipped: md.skipped + acct.skipped,
      fromMs,
    },
    'state rebuilt',
  );

  const runners: ConsumerRunner[] = [];
  runners.push(
    await runConsumer({
      nc: o.nc,
      stream: st.MARKET.name,
      durable: durable('md'),
      filterSubject: subj.all.market,
      schema: MarketStreamEvent,
      dlqSubject,
      network,
      service: 'strategy',
      log,
      ...(o.onRejected ? { onDeadLetter: o.onRejected } : {}),
      handle: async (event, ctx) => {
        // state already holds everything up to the rebuild point
        if (ctx.streamSeq <= through.md || isFeedStatus(event)) return;
        await apply('md', ctx.streamSeq, event, false);
        afterLive();
      },
    }),
  );
  if (account) {
    runners.push(
      await runConsumer({
        nc: o.nc,
        stream: st.EXECUTION.name,
        durable: durable('acct'),
        filterSubject: subj.all.acct,
        schema: AccountEvent,
        dlqSubject,
        network,
        service: 'strategy',
        log,
        ...(o.onRejected ? { onDeadLetter: o.onRejected } : {}),
        handle: async (event, ctx) => {
          if (ctx.streamSeq <= through.acct) return;
          await apply('acct', ctx.streamSeq, event, false);
          afterLive();
        },
      }),
    );
  }

  return {
    stats: () => ({ ...counters, restoredFrom }),
    state: () => state,
    async stop() {
      for (const s of subs) s.unsubscribe();
      await Promise.all(runners.map((r) => r.stop()));
      await inbound.flush();
      snapshot();
      await saving;
    },
  };
}

async function lastSeq(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await streamSeqs(jsm, stream)).last;
}

async function streamSeqs(jsm: JetStreamManager, stream: string): Promise<{ first: number; last: number }> {
  try {
    const { state } = await jsm.streams.info(stream);
    return { first: state.first_seq, last: state.last_seq };
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
      throw new StrategyError(`stream ${stream} does not exist (provision the streams first)`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** What this durable has acknowledged; undefined when it does not exist yet. */
async function ackFloor(jsm: JetStreamManager, stream: string, durable: string): Promise<number | undefined> {
  try {
    return (await jsm.consumers.info(stream, durable)).ack_floor.stream_seq;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw err;
  }
}

/** The time an event happened, for ordering a rebuild across streams (and as its `now`). */
export function timeOf(e: MarketStreamEvent | AccountEvent): number {
  switch (e.type) {
    case 'trade':
    case 'book':
    case 'bbo':
    case 'candle':
    case 'ctx':
    case 'mids':
      return e.recvTsMs;
    case 'gap':
      return e.toMs;
    case 'feedHealth':
    case 'drift':
    case 'position':
    case 'balance':
      return e.atMs;
    case 'fill':
      return e.exchTsMs;
    default:
      return assertNever(e, 'event');
  }
}

/** Merges two streams, each already in order, by event time (ties: market first). */
export function mergeByTime<
  A extends { readonly event: MarketStreamEvent },
  B extends { readonly event: AccountEvent },
>(a: readonly A[], b: readonly B[]): (A | B)[] {
  const out: (A | B)[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && timeOf(x.event) <= timeOf(y.event))) {
      out.push(x as A);
      i += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  return out;
}
