import { buildDeadLetter } from '@hyperflow/bus';
import type { DeadLetter, HealthEvent, MarketEvent } from '@hyperflow/contracts';
import type { RestSource } from '../backfill/rest.js';
import type { EventSink, FeedSource } from '../feed/ingestor.js';

/** Records everything the ingestor publishes; `failNext` makes the next market publish reject. */
export class RecordingSink implements EventSink {
  readonly market: EventSink['market'];
  readonly health: EventSink['health'];
  readonly deadLetter: EventSink['deadLetter'];
  readonly markets: { subject: string; event: MarketEvent }[] = [];
  readonly healths: { subject: string; event: HealthEvent }[] = [];
  readonly dead: { subject: string; event: DeadLetter; msgId: string }[] = [];
  marketError: Error | undefined;

  constructor() {
    this.market = async (subject, event) => {
      const err = this.marketError;
      if (err) {
        this.marketError = undefined;
        throw err;
      }
      this.markets.push({ subject, event });
    };
    this.health = async (subject, event) => {
      this.healths.push({ subject, event });
    };
    this.deadLetter = async (subject, draft, msgId) => {
      this.dead.push({ subject, event: buildDeadLetter(draft), msgId });
    };
  }

  statuses(): string[] {
    return this.healths.flatMap((h) => (h.event.type === 'feedHealth' ? [h.event.status] : []));
  }

  gaps() {
    return this.healths.flatMap((h) => (h.event.type === 'gap' ? [h.event] : []));
  }
}

/** A feed whose subscribe acks at once with the canonical key, or fails for listed types. */
export class FakeFeed implements FeedSource {
  readonly subscribed: Record<string, unknown>[] = [];
  failTypes = new Set<string>();

  async subscribe(venue: Readonly<{ type: string } & Record<string, unknown>>): Promise<string> {
    if (this.failTypes.has(venue.type)) throw new Error(`refused ${venue.type}`);
    this.subscribed.push({ ...venue });
    return FakeFeed.key(venue);
  }

  static key(venue: Readonly<Record<string, unknown>>): string {
    return JSON.stringify(Object.fromEntries(Object.entries(venue).sort(([a], [b]) => a.localeCompare(b))));
  }
}

/** A REST source answering from fixed data and counting calls. */
export class FakeRest implements RestSource {
  calls: string[] = [];
  trades: unknown[] = [];
  candles: unknown[] = [];
  book: unknown = null;
  mids: Record<string, string> = {};
  fail: Error | undefined;

  private answer<T>(what: string, value: T): Promise<T> {
    this.calls.push(what);
    return this.fail ? Promise.reject(this.fail) : Promise.resolve(value);
  }

  recentTrades(coin: string) {
    return this.answer(`recentTrades ${coin}`, this.trades);
  }
  candleSnapshot(r: { coin: string; interval: string; startTime: number; endTime: number }) {
    return this.answer(`candleSnapshot ${r.coin} ${r.interval} ${r.startTime}-${r.endTime}`, this.candles);
  }
  l2Book(a: { coin: string }) {
    return this.answer(`l2Book ${a.coin}`, this.book);
  }
  allMids() {
    return this.answer('allMids', this.mids);
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** Venue-shaped frames (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions). */
export const frames = {
  trade: (coin: string, tid: number, time: number, px = '100.5') => ({
    coin,
    side: 'B',
    px,
    sz: '0.1',
    hash: `0x${tid.toString(16).padStart(64, '0')}`,
    time,
    tid,
    users: ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000002'],
  }),
  book: (coin: string, time: number) => ({
    coin,
    time,
    levels: [[{ px: '100', sz: '1.5', n: 2 }], [{ px: '101', sz: '2', n: 1 }]],
  }),
  bbo: (coin: string, time: number) => ({
    coin,
    time,
    bbo: [{ px: '100', sz: '1.5', n: 2 }, null],
  }),
  candle: (coin: string, interval: string, t: number, n: number) => ({
    t,
    T: t + 59_999,
    s: coin,
    i: interval,
    o: '100',
    c: '101',
    h: '102',
    l: '99',
    v: '12.5',
    n,
  }),
  perpCtx: (coin: string) => ({
    coin,
    ctx: {
      funding: '0.0000125',
      openInterest: '1000.5',
      prevDayPx: '99',
      dayNtlVlm: '123456.7',
      premium: '-0.0001',
      oraclePx: '100.1',
      markPx: '100.2',
      midPx: '100.25',
      impactPxs: ['100.2', '100.3'],
      dayBaseVlm: '1234.5',
    },
  }),
  mids: () => ({ mids: { BTC: '100.5', ETH: '10.25', '@107': '30.1' } }),
};
