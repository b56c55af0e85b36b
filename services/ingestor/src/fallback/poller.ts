import { type CandleInterval, candleOpenTime, type MarketEvent, type Net } from '@hyperflow/contracts';
import { parseBbo, parseBook, parseCandles, parseMidsRecord, parseTrades } from '@hyperflow/hyperliquid';
import type { RestSource } from '../backfill/rest.js';
import type { PlannedSubscription } from '../config/plan.js';
import type { Clock, Logger, TimerHandle, Timers } from '../ports.js';

/** venue: levels per side of an l2Book subscription with `fast: true` (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions) */
const FAST_LEVELS = 5;

/** One REST request of a polling round and the subscriptions it stands in for. */
export type PollRequest =
  | { readonly kind: 'trades'; readonly coin: string }
  | {
      readonly kind: 'book';
      readonly coin: string;
      readonly nSigFigs?: 2 | 3 | 4 | 5;
      readonly mantissa?: 1 | 2 | 5;
      readonly fast?: boolean;
      /** publish the book (l2Book subscribed) and/or the bbo derived from its top level */
      readonly book: boolean;
      readonly bbo: boolean;
    }
  | {
      readonly kind: 'candle';
      readonly coin: string;
      readonly interval: CandleInterval;
    }
  | { readonly kind: 'mids' };

/**
 * The requests that stand in for the WS subscriptions while the socket is down: one l2Book per coin
 * serves both book and bbo. activeAssetCtx is not polled (metaAndAssetCtxs costs 20 for every coin
 * at once; the context is slow-moving). Pure.
 */
export function pollRequests(subs: readonly PlannedSubscription[]): PollRequest[] {
  const out: PollRequest[] = [];
  const books = new Map<
    string,
    { nSigFigs?: 2 | 3 | 4 | 5; mantissa?: 1 | 2 | 5; fast?: boolean; book: boolean; bbo: boolean }
  >();
  for (const s of subs) {
    switch (s.channel) {
      case 'trades':
        if (s.coin !== undefined) out.push({ kind: 'trades', coin: s.coin });
        break;
      case 'candle':
        if (s.coin !== undefined && s.interval !== undefined) {
          out.push({ kind: 'candle', coin: s.coin, interval: s.interval });
        }
        break;
      case 'l2Book':
      case 'bbo': {
        if (s.coin === undefined) break;
        const b = books.get(s.coin) ?? { book: false, bbo: false };
        if (s.channel === 'l2Book') {
          b.book = true;
          const { nSigFigs, mantissa, fast } = s.venue as {
            nSigFigs?: 2 | 3 | 4 | 5;
            mantissa?: 1 | 2 | 5;
            fast?: boolean;
          };
          if (nSigFigs !== undefined) b.nSigFigs = nSigFigs;
          if (mantissa !== undefined) b.mantissa = mantissa;
          if (fast !== undefined) b.fast = fast;
        } else b.bbo = true;
        books.set(s.coin, b);
        break;
      }
      case 'allMids':
        out.push({ kind: 'mids' });
        break;
      case 'activeAssetCtx':
        break;
      default: {
        const never: never = s.channel;
        throw new TypeError(`unknown channel ${String(never)}`);
      }
    }
  }
  for (const [coin, b] of books) {
    // a bbo alone must come from a full-precision book, or its top level would be aggregated
    const precise = b.book ? b : {};
    out.push({ kind: 'book', coin, ...precise, book: b.book, bbo: b.bbo });
  }
  return out;
}

/** Runs one request and normalizes its answer. */
export async function pollOnce(
  rest: RestSource,
  req: PollRequest,
  net: Net,
  recvTsMs: () => number,
): Promise<MarketEvent[]> {
  switch (req.kind) {
    case 'trades': {
      const answer = await rest.recentTrades(req.coin);
      return parseTrades(answer, { net, recvTsMs: recvTsMs() });
    }
    case 'candle': {
      // the open candle and the one before it: the previous one may have closed since the last round
      const now = Math.floor(recvTsMs());
      const startTime = candleOpenTime(req.interval, candleOpenTime(req.interval, now) - 1);
      const answer = await rest.candleSnapshot({
        coin: req.coin,
        interval: req.interval,
        startTime,
        endTime: now,
      });
      return parseCandles(answer, { net, recvTsMs: recvTsMs() });
    }
    case 'book': {
      const answer = await rest.l2Book({
        coin: req.coin,
        ...(req.nSigFigs === undefined ? {} : { nSigFigs: req.nSigFigs }),
        ...(req.mantissa === undefined ? {} : { mantissa: req.mantissa }),
      });
      // venue: l2Book answers null for an unknown coin (the nktkas SDK's schema,
      // https://github.com/nktkas/hyperliquid/blob/main/src/api/info/_methods/l2Book.ts)
      if (answer === null) return [];
      const ctx = { net, recvTsMs: recvTsMs() };
      const agg = { nSigFigs: req.nSigFigs ?? null, mantissa: req.mantissa ?? null, fast: req.fast === true };
      const parsed = parseBook(answer, ctx, agg);
      // venue: a `fast` subscription sends 5 levels per side, REST always up to 20
      const book = agg.fast
        ? { ...parsed, bids: parsed.bids.slice(0, FAST_LEVELS), asks: parsed.asks.slice(0, FAST_LEVELS) }
        : parsed;
      const out: MarketEvent[] = [];
      if (req.book) out.push(book);
      if (req.bbo) {
        // the bbo the WS channel would have sent for this block: the top level of each side
        const bbo = [book.bids[0] ?? null, book.asks[0] ?? null];
        out.push(parseBbo({ coin: book.coin, time: book.exchTsMs, bbo }, ctx));
      }
      return out;
    }
    case 'mids':
      // venue: the REST answer is the bare coin → mid map; the WS data wraps it in `mids`
      return [parseMidsRecord(await rest.allMids(), { net, recvTsMs: recvTsMs() })];
    default: {
      const never: never = req;
      throw new TypeError(`unknown poll request ${JSON.stringify(never)}`);
    }
  }
}

export interface FallbackPollerOptions {
  readonly rest: RestSource;
  readonly subs: readonly PlannedSubscription[];
  readonly net: Net;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: Logger;
  /** publishes a round's events (the ingestor's de-duplicating path) */
  readonly publish: (events: readonly MarketEvent[]) => Promise<void>;
  /** one failed request (budget refused, HTTP error, bad answer); the round goes on */
  readonly onRequestFailed?: (req: PollRequest, err: Error) => void;
}

/**
 * The old polling way, kept as the safety net: while the socket is down, poll REST every
 * `intervalMs` within the budget the REST adapter enforces, until `stop()` (the socket is back).
 */
export class FallbackPoller {
  private timer: TimerHandle | undefined;
  private running = false;
  private rounds = 0;
  private readonly requests: PollRequest[];

  constructor(private readonly o: FallbackPollerOptions) {
    this.requests = pollRequests(o.subs);
  }

  get active(): boolean {
    return this.running;
  }

  get roundCount(): number {
    return this.rounds;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.log.warn(
      { requests: this.requests.length, intervalMs: this.o.intervalMs },
      'REST fallback polling on',
    );
    void this.round();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.o.log.info({ rounds: this.rounds }, 'REST fallback polling off');
  }

  private async round(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    this.rounds += 1;
    for (const req of this.requests) {
      if (!this.running) return;
      try {
        const events = await pollOnce(this.o.rest, req, this.o.net, () => this.o.clock.now());
        if (!this.running) return;
        await this.o.publish(events);
      } catch (err) {
        this.o.onRequestFailed?.(req, err as Error);
      }
    }
    if (this.running) this.timer = this.o.timers.setTimeout(() => void this.round(), this.o.intervalMs);
  }
}
