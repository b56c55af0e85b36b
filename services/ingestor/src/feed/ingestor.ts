import {
  ContractError,
  type FeedGapDetected,
  type FeedHealthChanged,
  type FeedSubscription,
  type HealthEvent,
  type MarketEvent,
  type Net,
  networkProblems,
  type Subjects,
} from '@hyperflow/contracts';
import { type BackfillResult, backfill, backfillable, type GapWindow } from '../backfill/backfill.js';
import type { RestSource } from '../backfill/rest.js';
import type { PlannedSubscription } from '../config/plan.js';
import { EventTooLargeError } from '../errors.js';
import type { Clock, Logger, TimerHandle, Timers } from '../ports.js';
import { LogLimiter } from '../publish/log-limiter.js';
import { RecentIds } from '../publish/recent-ids.js';
import { normalizeFrame, subjectOf } from './normalize.js';
import { type SubscribedCoins, sanityProblem, subscribedCoins } from './sanity.js';

/** The venue connection as the ingestor needs it (the venue package's WsClient, adapted). */
export interface FeedSource {
  /** Subscribes and resolves with the subscription's key once acked; rejects when refused or down. */
  subscribe(venue: PlannedSubscription['venue'], opts: { staleAfterMs?: number }): Promise<string>;
}

/**
 * A bad input as the core knows it; the sink makes the DeadLetter of it (payload cut to 64 KiB,
 * with the hash of the whole), which never throws.
 */
export interface DeadLetterDraft {
  readonly service: string;
  readonly reason: string;
  readonly problems: readonly string[];
  readonly source: string;
  /** the whole original text */
  readonly payload: string;
  /** the item's position in its frame, when only that item is refused */
  readonly index?: number;
  readonly atMs: number;
}

/** The bus as the ingestor needs it. */
export interface EventSink {
  /**
   * Market data, pipelined: resolves once in flight; rejects with ContractError for an invalid
   * event and EventTooLargeError for one over the bus's max payload (nothing sent in either case).
   */
  market(subject: string, event: MarketEvent): Promise<void>;
  /** Health events and gap markers: low volume, awaited. */
  health(subject: string, event: HealthEvent): Promise<void>;
  deadLetter(subject: string, draft: DeadLetterDraft, msgId: string): Promise<void>;
}

/** Optional raw-frame recording. */
export interface FrameRecorder {
  write(frame: { readonly recvTsMs: number; readonly channel: string; readonly data: unknown }): void;
}

export type EventSource = 'ws' | 'backfill' | 'poll';

/** What the ingestor counts; main.ts maps it to Prometheus. */
export interface IngestorMetrics {
  frame(channel: string): void;
  published(type: MarketEvent['type'], source: EventSource, latencyMs: number): void;
  duplicateSkipped(source: EventSource): void;
  publishFailed(kind: 'market' | 'health' | 'dlq'): void;
  /** market events dropped because the publish queue was full (a gap marker covers them) */
  publishDropped(source: EventSource, events: number): void;
  deadLetter(reason: string): void;
  reconnect(): void;
  gap(reason: FeedGapDetected['reason']): void;
  backfill(events: number, complete: boolean): void;
  fallback(active: boolean): void;
}

export const noopMetrics: IngestorMetrics = {
  frame() {},
  published() {},
  duplicateSkipped() {},
  publishFailed() {},
  publishDropped() {},
  deadLetter() {},
  reconnect() {},
  gap() {},
  backfill() {},
  fallback() {},
};

/** Switches REST polling on and off (the FallbackPoller, or a fake). */
export interface Fallback {
  start(): void;
  stop(): void;
  readonly active: boolean;
}

export interface IngestorOptions {
  readonly net: Net;
  readonly subjects: Subjects;
  readonly instance: string;
  readonly plan: readonly PlannedSubscription[];
  readonly feed: FeedSource;
  readonly sink: EventSink;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: Logger;
  readonly metrics?: IngestorMetrics;
  readonly rest?: RestSource;
  readonly fallback?: Fallback;
  /** start polling when the socket has been down this long */
  readonly fallbackAfterMs?: number;
  readonly backfillMaxMs?: number;
  readonly recorder?: FrameRecorder;
  /** called whenever readiness changes: ready iff at least one subscription is live */
  readonly onReadiness?: (ready: boolean, reason: string) => void;
  /** ids remembered to skip re-publishing (default 100 000) */
  readonly recentIdCapacity?: number;
  /**
   * Market batches (one per frame, backfill or poll) allowed to wait for the bus (default 50 000).
   * Past it, live and polled batches are dropped, counted (`publishDropped`), and covered by one
   * `overflow` gap marker (with a REST backfill where possible) once the queue is half empty again.
   */
  readonly maxPublishQueue?: number;
}

/** what was dropped while the publish queue was full, until its gap marker goes out */
interface Overflow {
  fromMs: number;
  toMs: number;
  readonly subs: Set<SubState>;
  /** a frame that could not be attributed to one subscription: the marker covers them all */
  all: boolean;
}

/** of a payload the dead letter's log line shows this much (the record keeps 64 KiB) */
const LOGGED_PAYLOAD = 500;

interface SubState {
  readonly plan: PlannedSubscription;
  key: string | undefined;
  /** acked on the current connection */
  live: boolean;
  /** a subscribe call is in flight */
  subscribing: boolean;
  lastDataAtMs: number;
  /** set by a stale report, cleared by the next data frame */
  staleSinceMs: number | undefined;
}

/** A subscription's readable name: `l2Book:BTC`, `candle:ETH:1m`, `allMids`. */
export function feedLabel(f: FeedSubscription): string {
  return [f.channel, f.coin, f.interval].filter((x) => x !== undefined).join(':');
}

/**
 * The pipeline core: venue events in (through the handlers main.ts wires to the WS client), bus
 * events out. Frame → validate/normalize → publish with the venue-derived id; health events, gap
 * markers, backfill after a gap, REST fallback while down, dead letters for bad frames. No I/O of
 * its own and no ambient time: everything comes through the ports.
 */
export class Ingestor {
  private readonly subs: SubState[];
  private readonly byKey = new Map<string, SubState>();
  private readonly recent: RecentIds;
  private readonly subscribed: SubscribedCoins;
  private readonly logLimiter = new LogLimiter(60_000);
  private readonly metrics: IngestorMetrics;
  private connected = false;
  private stopped = false;
  private everConnected = false;
  private ready = false;
  private fallbackTimer: TimerHandle | undefined;
  private seq = 0;
  private readonly startedAtMs: number;
  /** in-flight async work (backfills, health publishes), awaited by `drain` */
  private readonly inflight = new Set<Promise<unknown>>();
  /** market publishes run one batch after another, so the stream keeps the venue's order */
  private chain: Promise<void> = Promise.resolve();
  private queuedBatches = 0;
  private readonly maxPublishQueue: number;
  private overflow: Overflow | undefined;
  private dropped = 0;

  constructor(private readonly o: IngestorOptions) {
    this.metrics = o.metrics ?? noopMetrics;
    this.recent = new RecentIds(o.recentIdCapacity ?? 100_000);
    this.subscribed = subscribedCoins(o.plan);
    this.maxPublishQueue = o.maxPublishQueue ?? 50_000;
    if (!Number.isInteger(this.maxPublishQueue) || this.maxPublishQueue < 1) {
      throw new RangeError(`maxPublishQueue must be >= 1: ${this.maxPublishQueue}`);
    }
    this.startedAtMs = Math.floor(o.clock.now());
    this.subs = o.plan.map((plan) => ({
      plan,
      key: undefined,
      live: false,
      subscribing: false,
      lastDataAtMs: this.startedAtMs,
      staleSinceMs: undefined,
    }));
  }

  /** True while at least one subscription is acked on an open connection. */
  get isReady(): boolean {
    return this.ready;
  }

  get liveSubscriptions(): number {
    return this.subs.filter((s) => s.live).length;
  }

  /** ms since each subscription's last data frame (for the staleness gauge). */
  staleness(): { label: string; silentMs: number }[] {
    const now = this.o.clock.now();
    return this.subs.map((s) => ({
      label: feedLabel(s.plan.feed),
      silentMs: Math.max(0, now - s.lastDataAtMs),
    }));
  }

  /** Resolves when the async work started so far (backfills, health publishes) has finished. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops timers and polling (on shutdown). */
  stop(): void {
    this.stopped = true;
    this.clearFallbackTimer();
    this.o.fallback?.stop();
  }

  // --- connection lifecycle (wired to the WS client's events) ---

  /**
   * Subscribes every planned subscription. With the venue pool the first subscribe opens the
   * connection; whatever fails is retried on the next open.
   */
  start(): void {
    for (const s of this.subs) if (s.key === undefined) this.track(this.subscribe(s));
  }

  /** The socket opened: subscribe what is not yet subscribed (the client restores acked ones itself). */
  onOpen(): void {
    if (this.everConnected) this.metrics.reconnect();
    this.everConnected = true;
    this.connected = true;
    this.clearFallbackTimer();
    if (this.o.fallback?.active) {
      this.o.fallback.stop();
      this.metrics.fallback(false);
      this.health('recovered', undefined, 'socket back, REST fallback stopped');
    }
    this.health('connected');
    for (const s of this.subs) if (s.key === undefined) this.track(this.subscribe(s));
  }

  onClose(info: { code: number; reason: string; willReconnect: boolean }): void {
    const wasConnected = this.connected;
    this.connected = false;
    for (const s of this.subs) s.live = false;
    this.updateReadiness('socket closed');
    // every failed reconnect attempt closes too: report the transition, not each attempt
    if (wasConnected) {
      this.health('disconnected', undefined, `code ${info.code}${info.reason ? ` ${info.reason}` : ''}`);
    }
    if (
      !this.stopped &&
      info.willReconnect &&
      this.o.fallback &&
      this.fallbackTimer === undefined &&
      !this.o.fallback.active
    ) {
      this.fallbackTimer = this.o.timers.setTimeout(() => {
        this.fallbackTimer = undefined;
        if (this.connected || !this.o.fallback) return;
        this.o.fallback.start();
        this.metrics.fallback(true);
      }, this.o.fallbackAfterMs ?? 5_000);
    }
  }

  /** The client was disconnected during `window`: backfill trades and candles, then mark the gap. */
  onGap(window: GapWindow): void {
    this.track(this.gap(window, 'reconnect', this.subs));
  }

  onResubscribed(info: {
    reason: 'reconnect' | 'stale';
    keys: readonly string[];
    failed: readonly { key: string }[];
  }): void {
    const now = this.o.clock.now();
    const restored: SubState[] = [];
    for (const key of info.keys) {
      const s = this.byKey.get(key);
      if (!s) continue;
      s.live = true;
      restored.push(s);
    }
    for (const f of info.failed) {
      const s = this.byKey.get(f.key);
      if (!s) continue;
      // the client stops restoring a subscription the venue refused: subscribe it afresh once, and
      // leave it to the next open if that fails too
      s.live = false;
      s.key = undefined;
      this.byKey.delete(f.key);
      this.track(this.subscribe(s));
    }
    this.updateReadiness('no live subscription');
    if (info.reason === 'reconnect') {
      this.health('resubscribed', undefined, `${info.keys.length} restored, ${info.failed.length} failed`);
      return;
    }
    // a stale stream was revived with a fresh subscribe: say so, and mark what it may have missed
    for (const s of restored) {
      this.health('resubscribed', s.plan.feed, 'after stale');
      const fromMs = Math.floor(s.staleSinceMs ?? s.lastDataAtMs);
      this.track(this.gap({ fromMs, toMs: Math.floor(now) }, 'stale', [s]));
    }
  }

  /** A subscription was silent for its stale threshold (the client resubscribes it). */
  onStale(info: { key: string; silentMs: number }): void {
    const s = this.byKey.get(info.key);
    if (!s) return;
    s.staleSinceMs ??= s.lastDataAtMs;
    this.health('stale', s.plan.feed, `silent for ${Math.round(info.silentMs)} ms`);
  }

  /** A data frame from the venue. `key` is its subscription, when the client could tell. */
  onData(channel: string, data: unknown, key: string | undefined): void {
    const recvTsMs = this.o.clock.now();
    this.metrics.frame(channel);
    this.o.recorder?.write({ recvTsMs, channel, data });
    const s = key === undefined ? undefined : this.byKey.get(key);
    if (s) {
      s.lastDataAtMs = recvTsMs;
      if (s.staleSinceMs !== undefined) {
        s.staleSinceMs = undefined;
        this.health('recovered', s.plan.feed, 'data flowing again');
      }
    }
    const book =
      s?.plan.channel === 'l2Book'
        ? {
            nSigFigs: (s.plan.venue.nSigFigs as 2 | 3 | 4 | 5 | undefined) ?? null,
            mantissa: (s.plan.venue.mantissa as 1 | 2 | 5 | undefined) ?? null,
            fast: s.plan.venue.fast === true,
          }
        : undefined;
    const result = normalizeFrame(channel, data, { net: this.o.net, recvTsMs, ...(book ? { book } : {}) });
    if (!result.ok) {
      this.deadLetter(result.reason, result.problems, `ws:${channel}`, () =>
        JSON.stringify({ channel, data }),
      );
      return;
    }
    // the good items of a frame go out; each bad one is dead-lettered alone, with its index
    for (const r of result.rejected) {
      this.deadLetter(
        'schema',
        r.problems,
        `ws:${channel}`,
        () => JSON.stringify((data as readonly unknown[])[r.index]),
        r.index,
      );
    }
    if (result.events.length > 0) void this.publishEvents(result.events, 'ws', s);
  }

  /**
   * A frame the client could not even route: not JSON, no channel, a malformed control frame.
   * `payload` is what is known of the raw text.
   */
  onBadFrame(reason: string, problem: string, payload: string): void {
    this.deadLetter(reason, [problem], 'ws', () => payload);
  }

  // --- publishing ---

  /** Batches waiting for the bus (grows only while the bus is slower than the feed). */
  get publishQueue(): number {
    return this.queuedBatches;
  }

  /** Market events dropped so far because the publish queue was full. */
  get publishDropped(): number {
    return this.dropped;
  }

  /**
   * Publishes events not published recently, after every batch queued before them (live frames,
   * backfills and polls share one queue); resolves when this batch is handed to the bus, or at
   * once when the queue is full and the batch is dropped (counted, and covered by a gap marker).
   * A backfill is never dropped: it is what fills such gaps. `sub`: the subscription it came from.
   */
  publishEvents(events: readonly MarketEvent[], source: EventSource, sub?: SubState): Promise<void> {
    if (source !== 'backfill' && this.queuedBatches >= this.maxPublishQueue) {
      this.drop(events, source, sub);
      return Promise.resolve();
    }
    this.queuedBatches += 1;
    const p = this.chain.then(() => this.publishBatch(events, source));
    this.chain = p.finally(() => {
      this.queuedBatches -= 1;
      // half empty again (not merely one slot free, which would mark a gap per batch under load)
      if (this.overflow !== undefined && this.queuedBatches <= Math.floor(this.maxPublishQueue / 2)) {
        this.overflowEnded();
      }
    });
    this.track(this.chain);
    return p;
  }

  private drop(events: readonly MarketEvent[], source: EventSource, sub: SubState | undefined): void {
    this.dropped += events.length;
    this.metrics.publishDropped(source, events.length);
    const now = this.o.clock.now();
    let fromMs = now;
    for (const e of events) fromMs = Math.min(fromMs, e.recvTsMs);
    if (this.overflow === undefined) {
      this.overflow = { fromMs, toMs: now, subs: new Set(), all: false };
      this.o.log.warn({ queue: this.queuedBatches, source }, 'publish queue full: dropping market data');
    }
    const o = this.overflow;
    o.fromMs = Math.min(o.fromMs, fromMs);
    o.toMs = Math.max(o.toMs, now);
    if (sub === undefined) o.all = true;
    else o.subs.add(sub);
  }

  /** The queue has drained: one gap marker (and backfill) for everything dropped meanwhile. */
  private overflowEnded(): void {
    const o = this.overflow;
    if (o === undefined) return;
    this.overflow = undefined;
    const subs = o.all || o.subs.size === 0 ? this.subs : [...o.subs];
    this.track(this.gap({ fromMs: o.fromMs, toMs: o.toMs }, 'overflow', subs));
  }

  private async publishBatch(events: readonly MarketEvent[], source: EventSource): Promise<void> {
    for (const e of events) {
      // what the schema lets through but no market has: a zero size, 200 digits, a coin never asked for
      const insane = sanityProblem(e, this.subscribed);
      if (insane !== undefined) {
        this.deadLetter(insane.reason, insane.problems, `${source}:${e.type}`, () => JSON.stringify(e));
        continue;
      }
      if (!this.recent.add(e.id)) {
        this.metrics.duplicateSkipped(source);
        continue;
      }
      const subject = subjectOf(this.o.subjects, e);
      // never publish onto another network's subjects, nor another network's event onto ours
      const wrongNet = networkProblems(subject, e, this.o.net, this.o.subjects.root);
      if (wrongNet.length > 0) {
        this.recent.delete(e.id);
        this.o.log.error({ id: e.id, subject, problems: wrongNet }, 'event of another network refused');
        this.deadLetter('network', wrongNet, `${source}:${e.type}`, () => JSON.stringify(e));
        continue;
      }
      try {
        await this.o.sink.market(subject, e);
        this.metrics.published(e.type, source, this.o.clock.now() - e.recvTsMs);
      } catch (err) {
        this.recent.delete(e.id);
        if (err instanceof ContractError) {
          this.deadLetter('contract', [...err.problems], `${source}:${e.type}`, () => JSON.stringify(e));
        } else if (err instanceof EventTooLargeError) {
          this.deadLetter('oversize', [err.message], `${source}:${e.type}`, () => JSON.stringify(e));
        } else {
          this.metrics.publishFailed('market');
          this.logLimited('publish', { err, id: e.id }, 'market publish failed');
        }
      }
    }
  }

  private async gap(
    window: GapWindow,
    reason: FeedGapDetected['reason'],
    subs: readonly SubState[],
  ): Promise<void> {
    this.metrics.gap(reason);
    const toFill = subs.map((s) => s.plan).filter(backfillable);
    let result: BackfillResult | undefined;
    if (this.o.rest && toFill.length > 0) {
      result = await backfill(this.o.rest, toFill, window, {
        net: this.o.net,
        nowMs: () => this.o.clock.now(),
        maxWindowMs: this.o.backfillMaxMs ?? 3_600_000,
      });
      await this.publishEvents(result.events, 'backfill');
      this.metrics.backfill(result.events.length, result.complete);
      if (!result.complete) this.o.log.warn({ problems: result.problems, window }, 'backfill incomplete');
    }
    const fromMs = Math.floor(window.fromMs);
    const toMs = Math.max(fromMs, Math.floor(window.toMs));
    const event: FeedGapDetected = {
      type: 'gap',
      v: 1,
      net: this.o.net,
      // one window, one marker: a retried publish of the same gap is a duplicate
      id: `gap:${this.o.instance}:${reason}:${fromMs}:${toMs}:${subs.length === 1 ? feedLabel(subs[0]!.plan.feed) : '*'}`,
      instance: this.o.instance,
      subscriptions: subs.map((s) => s.plan.feed),
      fromMs,
      toMs,
      reason,
      backfilled: result?.complete === true,
    };
    this.o.log.warn(
      { fromMs, toMs, reason, backfilled: event.backfilled, events: result?.events.length ?? 0 },
      'feed gap',
    );
    await this.publishHealth(this.o.subjects.gap(this.o.instance), event);
  }

  private health(
    status: FeedHealthChanged['status'],
    subscription?: FeedSubscription,
    detail?: string,
  ): void {
    const atMs = Math.floor(this.o.clock.now());
    const event: FeedHealthChanged = {
      type: 'feedHealth',
      v: 1,
      net: this.o.net,
      id: `feedHealth:${this.o.instance}:${this.startedAtMs}:${++this.seq}`,
      instance: this.o.instance,
      status,
      ...(subscription ? { subscription } : {}),
      ...(detail === undefined ? {} : { detail }),
      atMs,
    };
    this.o.log.info({ status, subscription, detail }, 'feed health');
    this.track(this.publishHealth(this.o.subjects.feedHealth(this.o.instance), event));
  }

  private async publishHealth(subject: string, event: HealthEvent): Promise<void> {
    try {
      await this.o.sink.health(subject, event);
    } catch (err) {
      this.metrics.publishFailed('health');
      this.logLimited('health', { err, id: event.id }, 'health publish failed');
    }
  }

  /**
   * Counts, logs (rate-limited) and dead-letters one bad input. Never throws: `payload` may fail to
   * serialize (cycles, depth), and then the record says so instead.
   */
  private deadLetter(
    reason: string,
    problems: readonly string[],
    source: string,
    payload: () => string,
    index?: number,
  ): void {
    this.metrics.deadLetter(reason);
    let text: string;
    try {
      text = payload();
    } catch (err) {
      text = `<unserializable payload: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}>`;
    }
    this.logLimited(
      `dlq:${reason}`,
      { reason, source, index, problems: problems.slice(0, 5), payload: text.slice(0, LOGGED_PAYLOAD) },
      'bad frame sent to the DLQ',
    );
    const draft: DeadLetterDraft = {
      service: 'ingestor',
      reason,
      problems,
      source,
      payload: text,
      ...(index === undefined ? {} : { index }),
      atMs: Math.floor(this.o.clock.now()),
    };
    // unique per process run: every bad frame is its own dead letter, even when two are identical
    const msgId = `dlq:${this.o.instance}:${this.startedAtMs}:${++this.seq}`;
    let sent: Promise<void>;
    try {
      sent = this.o.sink.deadLetter(this.o.subjects.dlq('ingestor'), draft, msgId);
    } catch (err) {
      sent = Promise.reject(err);
    }
    this.track(
      sent.catch((err: unknown) => {
        this.metrics.publishFailed('dlq');
        this.logLimited('dlq-publish', { err }, 'dead letter publish failed');
      }),
    );
  }

  // --- subscriptions and readiness ---

  private async subscribe(s: SubState): Promise<void> {
    if (s.subscribing) return;
    s.subscribing = true;
    try {
      const key = await this.o.feed.subscribe(
        s.plan.venue,
        s.plan.staleAfterMs === undefined ? {} : { staleAfterMs: s.plan.staleAfterMs },
      );
      s.key = key;
      this.byKey.set(key, s);
      s.live = this.connected;
      s.lastDataAtMs = this.o.clock.now();
      this.updateReadiness('no live subscription');
    } catch (err) {
      // retried on the next open; a subscription the venue refuses stays out and is logged
      this.logLimited(
        `subscribe:${feedLabel(s.plan.feed)}`,
        { err, subscription: s.plan.feed },
        'subscribe failed',
      );
    } finally {
      s.subscribing = false;
    }
  }

  private updateReadiness(reason: string): void {
    const ready = this.connected && this.subs.some((s) => s.live);
    if (ready === this.ready) return;
    this.ready = ready;
    this.o.onReadiness?.(ready, ready ? 'live' : reason);
  }

  private clearFallbackTimer(): void {
    if (this.fallbackTimer !== undefined) this.o.timers.clearTimeout(this.fallbackTimer);
    this.fallbackTimer = undefined;
  }

  private logLimited(key: string, obj: object, msg: string): void {
    const { log, suppressed } = this.logLimiter.check(key, this.o.clock.now());
    if (log) this.o.log.warn({ ...obj, suppressed }, msg);
  }

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }
}
