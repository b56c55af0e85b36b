/**
 * Per-IP request weights (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits): the REST budget is 1200 weight per minute per IP. Callers
 * debit `infoWeight(type)` before sending and `infoExtraWeight(type, items)` once the answer's
 * length is known.
 */
import { HyperliquidError } from '../errors.js';

// venue: aggregated REST weight per IP per minute
export const IP_WEIGHT_PER_MINUTE = 1200;

// venue: info types of weight 2; userRole 60; every other documented info type 20
const WEIGHT_2: ReadonlySet<string> = new Set([
  'l2Book',
  'allMids',
  'clearinghouseState',
  'orderStatus',
  'spotClearinghouseState',
  'exchangeStatus',
]);
const WEIGHT_60: ReadonlySet<string> = new Set(['userRole']);
export const DEFAULT_INFO_WEIGHT = 20;

// venue: extra weight per 20 items returned
const PER_20_ITEMS: ReadonlySet<string> = new Set([
  'recentTrades',
  'historicalOrders',
  'userFills',
  'userFillsByTime',
  'fundingHistory',
  'userFunding',
  'nonUserFundingUpdates',
  'twapHistory',
  'userTwapSliceFills',
  'userTwapSliceFillsByTime',
  'delegatorHistory',
  'delegatorRewards',
  'validatorStats',
]);
// venue: extra weight per 60 items returned
const PER_60_ITEMS: ReadonlySet<string> = new Set(['candleSnapshot']);

/** Base weight of one `/info` request of this `type` (known before sending). */
export function infoWeight(type: string): number {
  if (WEIGHT_2.has(type)) return 2;
  if (WEIGHT_60.has(type)) return 60;
  return DEFAULT_INFO_WEIGHT;
}

/**
 * Extra weight for `items` returned. The rounding is undocumented (unconfirmed in the venue docs): budget conservatively
 * with ceil, so 1 item costs 1 extra and 2000 fills cost 100.
 */
export function infoExtraWeight(type: string, items: number): number {
  if (items <= 0) return 0;
  if (PER_20_ITEMS.has(type)) return Math.ceil(items / 20);
  if (PER_60_ITEMS.has(type)) return Math.ceil(items / 60);
  return 0;
}

/** Largest weight an info request can cost given the venue's max answer size (for pre-debiting). */
export function infoWeightUpperBound(type: string, maxItems: number): number {
  return infoWeight(type) + infoExtraWeight(type, maxItems);
}

/** venue: `/exchange` weight = 1 + floor(batch length / 40), batch length = orders/cancels/modifies count */
export function exchangeWeight(batchLength: number): number {
  if (!Number.isInteger(batchLength) || batchLength < 0) {
    throw new HyperliquidError(`batch length must be a non-negative integer, got ${batchLength}`);
  }
  return 1 + Math.floor(batchLength / 40);
}
