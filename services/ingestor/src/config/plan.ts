import type { CandleInterval, FeedSubscription } from '@hyperflow/contracts';
import { IngestorError } from '../errors.js';
import { type Channel, VENUE_MAX_SUBSCRIPTIONS } from './config.js';

/** One venue subscription the ingestor holds, with what it needs to normalize its frames. */
export interface PlannedSubscription {
  readonly channel: Channel;
  /** the object sent in `{"method":"subscribe","subscription":…}` */
  readonly venue: Readonly<{ type: string } & Record<string, unknown>>;
  /** how health events and gap markers name it */
  readonly feed: FeedSubscription;
  readonly coin?: string;
  readonly interval?: CandleInterval;
  /** emit `stale` when no data arrived for this long; undefined for channels quiet by nature */
  readonly staleAfterMs?: number;
}

export interface BookOptions {
  readonly nSigFigs?: 2 | 3 | 4 | 5;
  readonly mantissa?: 1 | 2 | 5;
  readonly fast: boolean;
}

export interface PlanInput {
  /** this replica's coins, already sharded */
  readonly coins: readonly string[];
  readonly channels: readonly Channel[];
  readonly coinChannels?: Readonly<Record<string, readonly Channel[]>>;
  readonly candleIntervals: readonly CandleInterval[];
  readonly book: BookOptions;
  /** allMids is one subscription for every coin: only one replica (index 0) takes it */
  readonly ownsGlobal: boolean;
  readonly staleAfterMs: number;
}

/**
 * Expands coins × channels into venue subscriptions. venue: there is no batch subscribe, each
 * (type, coin[, interval]) is its own subscription (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions), at most 1000
 * per IP (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits).
 * Pure.
 */
export function planSubscriptions(input: PlanInput): PlannedSubscription[] {
  const out: PlannedSubscription[] = [];
  // l2Book and allMids tick continuously (l2Book on each block at least 0.5 s after the last push,
  // https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions);
  // trades, bbo, candle and ctx may be silent for minutes on a quiet coin, so no watchdog there.
  const stale = input.staleAfterMs > 0 ? input.staleAfterMs : undefined;
  const withStale = <T extends object>(p: T): T & { staleAfterMs?: number } =>
    stale === undefined ? p : { ...p, staleAfterMs: stale };
  const wantsMids =
    input.channels.includes('allMids') ||
    Object.values(input.coinChannels ?? {}).some((c) => c.includes('allMids'));
  for (const coin of input.coins) {
    const channels = new Set(input.coinChannels?.[coin] ?? input.channels);
    for (const channel of channels) {
      switch (channel) {
        case 'trades':
        case 'bbo':
        case 'activeAssetCtx':
          out.push({ channel, coin, venue: { type: channel, coin }, feed: { channel, coin } });
          break;
        case 'l2Book': {
          const { nSigFigs, mantissa, fast } = input.book;
          const venue = {
            type: 'l2Book',
            coin,
            ...(nSigFigs === undefined ? {} : { nSigFigs }),
            ...(mantissa === undefined ? {} : { mantissa }),
            ...(fast ? { fast } : {}),
          };
          out.push(withStale({ channel, coin, venue, feed: { channel, coin } }));
          break;
        }
        case 'candle':
          for (const interval of input.candleIntervals) {
            out.push({
              channel,
              coin,
              interval,
              venue: { type: 'candle', coin, interval },
              feed: { channel, coin, interval },
            });
          }
          break;
        case 'allMids':
          // not per coin: added once below
          break;
        default: {
          const never: never = channel;
          throw new IngestorError(`unknown channel ${String(never)}`);
        }
      }
    }
  }
  if (wantsMids && input.ownsGlobal) {
    out.push(
      withStale({ channel: 'allMids' as const, venue: { type: 'allMids' }, feed: { channel: 'allMids' } }),
    );
  }
  if (out.length > VENUE_MAX_SUBSCRIPTIONS) {
    throw new IngestorError(
      `${out.length} subscriptions exceed the venue's ${VENUE_MAX_SUBSCRIPTIONS} per IP: shard over more replicas or drop channels`,
    );
  }
  return out;
}
