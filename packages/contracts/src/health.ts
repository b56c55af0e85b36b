import { z } from 'zod';
import { Coin, EpochMs, envelope } from './common.js';

/** What a feed subscription is: venue subscription type plus its coin/interval, as one readable key. */
export const FeedSubscription = z.object({
  /** venue subscription type: trades, l2Book, bbo, candle, activeAssetCtx, allMids, ... */
  channel: z.string().min(1),
  coin: Coin.optional(),
  interval: z.string().optional(),
});
export type FeedSubscription = z.infer<typeof FeedSubscription>;

/** A change in the health of an ingestor's venue feed. */
export const FeedHealthChanged = z.object({
  type: z.literal('feedHealth'),
  v: z.literal(1),
  ...envelope,
  /** the ingestor instance reporting */
  instance: z.string().min(1),
  status: z.enum(['connected', 'disconnected', 'stale', 'resubscribed', 'recovered']),
  /** absent when the status is about the whole connection */
  subscription: FeedSubscription.optional(),
  /** free text for humans: close code, error message, stale duration */
  detail: z.string().optional(),
  atMs: EpochMs,
});
export type FeedHealthChanged = z.infer<typeof FeedHealthChanged>;

/**
 * Data may be missing for `[fromMs, toMs]` on the listed subscriptions: a consumer must not
 * treat state built across this window as continuous (indicators go cold until re-warmed).
 */
export const FeedGapDetected = z.object({
  type: z.literal('gap'),
  v: z.literal(1),
  ...envelope,
  instance: z.string().min(1),
  subscriptions: z.array(FeedSubscription),
  fromMs: EpochMs,
  toMs: EpochMs,
  /** `overflow`: the ingestor's bounded publish queue was full and it dropped live data (counted) */
  reason: z.enum(['reconnect', 'stale', 'resubscribe', 'startup', 'overflow']),
  /** whether a REST backfill of trades/candles for the window was published */
  backfilled: z.boolean(),
});
export type FeedGapDetected = z.infer<typeof FeedGapDetected>;

/**
 * The streamed data of a subscription disagrees with the venue's REST snapshot of the same thing
 * (`detected`), or agrees again (`resolved`): the ingestor's WS/REST cross-check. A consumer must
 * not trust the subscription's stream while a drift is detected.
 */
export const FeedDriftChanged = z.object({
  type: z.literal('drift'),
  v: z.literal(1),
  ...envelope,
  instance: z.string().min(1),
  status: z.enum(['detected', 'resolved']),
  subscription: FeedSubscription,
  /** `book`: top of book; `mids`: a coin's mid; `candle`: a closed candle's OHLCV and trade count */
  check: z.enum(['book', 'mids', 'candle']),
  /** what was compared, for humans: `bid 100.5 ask 101 vs bid 97.5 ask 98` */
  detail: z.string(),
  atMs: EpochMs,
});
export type FeedDriftChanged = z.infer<typeof FeedDriftChanged>;

export const HealthEvent = z.discriminatedUnion('type', [
  FeedHealthChanged,
  FeedGapDetected,
  FeedDriftChanged,
]);
export type HealthEvent = z.infer<typeof HealthEvent>;
