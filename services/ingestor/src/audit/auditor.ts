// The WS/REST cross-check (the original design note's mitigation against data drift): on a
// schedule within the REST budget, the venue's own `/info` snapshot of one subscription is compared
// with what this ingestor last streamed for it. A disagreement that outlives the push cadence is a
// drift: counted, logged and published as a health event, which execution's risk treats as a lost
// feed until a later check agrees again.
import {
  type CandleInterval,
  candleCloseTime,
  type FeedDriftChanged,
  type FeedSubscription,
  type MarketEvent,
  type MidsEvent,
  type Net,
} from '@hyperflow/contracts';
import { parseCandles } from '@hyperflow/hyperliquid';
import type { RestSource } from '../backfill/rest.js';
import type { PlannedSubscription } from '../config/plan.js';
import { type PollRequest, pollOnce } from '../fallback/poller.js';
import type { Clock, Logger, TimerHandle, Timers } from '../ports.js';
import { candleDrift, midDrift, type Top, topDrift, topOf } from './cross-check.js';

export type AuditCheck = FeedDriftChanged['check'];
export type AuditOutcome = 'agree' | 'disagree' | 'skipped' | 'failed';

export interface AuditMetrics {
  checked(check: AuditCheck, outcome: AuditOutcome): void;
  /** a drift was confirmed (detected) */
  drift(check: AuditCheck): void;
}

export interface AuditorOptions {
  readonly rest: RestSource;
  readonly plan: readonly PlannedSubscription[];
  /** this replica's coins: the mids compared */
  readonly coins: readonly string[];
  readonly net: Net;
  readonly instance: string;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: Logger;
  /** one REST check every this many ms, round-robin over the audited subscriptions */
  readonly intervalMs: number;
  /** a book or mid price further than this from the REST snapshot disagrees */
  readonly toleranceBps: number;
  /**
   * A book or mid disagreement is a drift once it has lasted this long over consecutive checks:
   * longer than the push cadence, so that a move the next push would show is not called drift.
   */
  readonly confirmAfterMs: number;
  /** a candle is compared once it closed this long ago (its last push has had time to arrive) */
  readonly candleGraceMs?: number;
  readonly publish: (event: FeedDriftChanged) => Promise<void>;
  readonly metrics?: AuditMetrics;
}

interface Target {
  readonly key: string;
  readonly check: AuditCheck;
  readonly sub: FeedSubscription;
}

interface TargetState {
  /** when the current run of disagreements began */
  disagreeSinceMs: number | undefined;
  detected: boolean;
  /** candles: the open time last found in agreement (not fetched again) */
  agreedOpenTsMs?: number;
}

/**
 * The audited subscriptions of a plan: each l2Book and bbo (against REST l2Book), allMids, each
 * candle. Trades have no snapshot to agree with; asset contexts cost 20 weight for every coin at
 * once. Pure.
 */
export function auditTargets(plan: readonly PlannedSubscription[]): Target[] {
  const out: Target[] = [];
  for (const p of plan) {
    const sub = p.feed;
    switch (p.channel) {
      case 'l2Book':
      case 'bbo':
        out.push({ key: `${p.channel}:${p.coin}`, check: 'book', sub });
        break;
      case 'allMids':
        out.push({ key: 'mids', check: 'mids', sub });
        break;
      case 'candle':
        out.push({ key: `candle:${p.coin}:${p.interval}`, check: 'candle', sub });
        break;
      default:
        break;
    }
  }
  return out;
}

export class Auditor {
  private readonly targets: Target[];
  private readonly state = new Map<string, TargetState>();
  /** what was last streamed: tops by `channel:coin`, the mids, candles by coin:interval and open time */
  private readonly tops = new Map<string, Top>();
  private mids: MidsEvent | undefined;
  private readonly candles = new Map<string, Map<number, Extract<MarketEvent, { type: 'candle' }>>>();
  private next = 0;
  private comparedCount = 0;
  private timer: TimerHandle | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly o: AuditorOptions) {
    this.targets = auditTargets(o.plan);
  }

  get targetCount(): number {
    return this.targets.length;
  }

  /** checks that compared a REST snapshot with the stream (agreeing or not) */
  get compared(): number {
    return this.comparedCount;
  }

  /** An event that reached the bus: the streamed side of the comparison. */
  observe(e: MarketEvent): void {
    switch (e.type) {
      case 'book':
        this.tops.set(`l2Book:${e.coin}`, topOf(e));
        break;
      case 'bbo':
        this.tops.set(`bbo:${e.coin}`, topOf(e));
        break;
      case 'mids':
        if (e.dex === undefined) this.mids = e;
        break;
      case 'candle': {
        const key = `${e.coin}:${e.interval}`;
        const byOpen = this.candles.get(key) ?? new Map();
        byOpen.set(e.openTsMs, e);
        // the open candle and the two before it are all a check can ask about
        for (const t of [...byOpen.keys()].sort((a, b) => a - b).slice(0, -3)) byOpen.delete(t);
        this.candles.set(key, byOpen);
        break;
      }
      default:
        break;
    }
  }

  start(): void {
    if (this.running || this.targets.length === 0 || this.o.intervalMs <= 0) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the schedule and waits for a check in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Checks the next target in turn (the schedule's step; tests call it directly). */
  checkNext(): Promise<void> {
    const target = this.targets[this.next % this.targets.length];
    this.next += 1;
    if (target === undefined) return Promise.resolve();
    this.inFlight = this.check(target);
    return this.inFlight;
  }

  private schedule(): void {
    this.timer = this.o.timers.setTimeout(() => {
      void this.checkNext().finally(() => {
        if (this.running) this.schedule();
      });
    }, this.o.intervalMs);
  }

  private async check(t: Target): Promise<void> {
    let outcome: AuditOutcome;
    try {
      const result = await this.compare(t);
      outcome = result === 'skipped' ? 'skipped' : result === undefined ? 'agree' : 'disagree';
      if (result !== 'skipped') {
        this.comparedCount += 1;
        await this.settle(t, result);
      }
    } catch (err) {
      // a refused budget, a venue error, a bad answer: this check is lost, the next one comes
      outcome = 'failed';
      this.o.log.debug({ err, check: t.key }, 'cross-check request failed');
    }
    this.o.metrics?.checked(t.check, outcome);
  }

  /** undefined = agrees; a string = how it disagrees; `skipped` = nothing streamed to compare yet. */
  private async compare(t: Target): Promise<string | undefined | 'skipped'> {
    const now = () => this.o.clock.now();
    switch (t.check) {
      case 'book': {
        const coin = t.sub.coin as string;
        if (!this.tops.has(t.key)) return 'skipped';
        // a bbo is the full-precision top; a book is compared in its subscription's aggregation
        const agg = t.sub.channel === 'l2Book' ? this.aggregation(coin) : {};
        const req: PollRequest = { kind: 'book', coin, ...agg, book: true, bbo: false };
        const [snapshot] = await pollOnce(this.o.rest, req, this.o.net, now);
        if (snapshot?.type !== 'book') return 'skipped';
        // what was streamed by the time the answer came
        const streamed = this.tops.get(t.key) as Top;
        return topDrift(streamed, topOf(snapshot), this.o.toleranceBps);
      }
      case 'mids': {
        if (this.mids === undefined) return 'skipped';
        const [snapshot] = await pollOnce(this.o.rest, { kind: 'mids' }, this.o.net, now);
        if (snapshot?.type !== 'mids') return 'skipped';
        const streamed = this.mids;
        const off = this.o.coins.flatMap((c) => {
          const why = midDrift(streamed, snapshot, c, this.o.toleranceBps);
          return why === undefined ? [] : [`${c}: ${why}`];
        });
        return off.length === 0 ? undefined : off.join('; ');
      }
      case 'candle':
        return this.compareCandle(t);
      default:
        return 'skipped';
    }
  }

  private async compareCandle(t: Target): Promise<string | undefined | 'skipped'> {
    const coin = t.sub.coin as string;
    const interval = t.sub.interval as CandleInterval;
    const grace = this.o.candleGraceMs ?? 2_000;
    const now = this.o.clock.now();
    const closed = [...(this.candles.get(`${coin}:${interval}`)?.values() ?? [])]
      .filter((c) => c.closeTsMs + grace < now)
      .sort((a, b) => b.openTsMs - a.openTsMs)[0];
    const st = this.stateOf(t.key);
    if (closed === undefined || st.agreedOpenTsMs === closed.openTsMs) return 'skipped';
    const answer = await this.o.rest.candleSnapshot({
      coin,
      interval,
      startTime: closed.openTsMs,
      endTime: candleCloseTime(interval, closed.openTsMs),
    });
    const snapshot = parseCandles(answer, { net: this.o.net, recvTsMs: now }).find(
      (c) => c.openTsMs === closed.openTsMs,
    );
    const why =
      snapshot === undefined
        ? `candle ${closed.openTsMs}: streamed, not in REST`
        : candleDrift(closed, snapshot);
    if (why === undefined) st.agreedOpenTsMs = closed.openTsMs;
    return why;
  }

  /** the l2Book subscription's aggregation, so that REST answers in the same precision */
  private aggregation(coin: string): Pick<Extract<PollRequest, { kind: 'book' }>, 'nSigFigs' | 'mantissa'> {
    const p = this.o.plan.find((s) => s.channel === 'l2Book' && s.coin === coin);
    const v = (p?.venue ?? {}) as { nSigFigs?: 2 | 3 | 4 | 5; mantissa?: 1 | 2 | 5 };
    return {
      ...(v.nSigFigs === undefined ? {} : { nSigFigs: v.nSigFigs }),
      ...(v.mantissa === undefined ? {} : { mantissa: v.mantissa }),
    };
  }

  private stateOf(key: string): TargetState {
    let st = this.state.get(key);
    if (st === undefined) {
      st = { disagreeSinceMs: undefined, detected: false };
      this.state.set(key, st);
    }
    return st;
  }

  /** A disagreement run long enough becomes a detected drift; an agreement resolves one. */
  private async settle(t: Target, why: string | undefined): Promise<void> {
    const st = this.stateOf(t.key);
    const now = this.o.clock.now();
    if (why === undefined) {
      st.disagreeSinceMs = undefined;
      if (st.detected) {
        st.detected = false;
        this.o.log.info({ check: t.key }, 'WS/REST drift resolved');
        await this.emit(t, 'resolved', 'streamed data agrees with REST again', now);
      }
      return;
    }
    st.disagreeSinceMs ??= now;
    // a closed candle is final: one disagreement is a drift; a price needs to outlive the cadence
    const confirmed = t.check === 'candle' || now - st.disagreeSinceMs >= this.o.confirmAfterMs;
    if (!confirmed || st.detected) return;
    st.detected = true;
    this.o.metrics?.drift(t.check);
    this.o.log.warn({ check: t.key, detail: why }, 'WS/REST drift detected');
    await this.emit(t, 'detected', why, now);
  }

  private emit(t: Target, status: FeedDriftChanged['status'], detail: string, now: number): Promise<void> {
    const atMs = Math.floor(now);
    return this.o.publish({
      type: 'drift',
      v: 1,
      net: this.o.net,
      id: `drift:${this.o.instance}:${t.key}:${status}:${atMs}`,
      instance: this.o.instance,
      status,
      subscription: t.sub,
      check: t.check,
      detail,
      atMs,
    });
  }
}
