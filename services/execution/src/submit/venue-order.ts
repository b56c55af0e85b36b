// An order intent → the venue order that will be signed: asset id, lot-rounded size, tick-rounded
// price, time in force. Pure (the rounding rules are the venue package's pure functions).
import type { TimeInForce } from '@hyperflow/contracts';
import { type AssetInfo, AssetRuleError, roundPrice, roundSize } from '@hyperflow/hyperliquid';
import { bps, fx, str } from '../decimal/fixed.js';
import type { Refusal } from '../order/decider.js';
import type { OrderIntent } from '../order/intent.js';

export interface VenueOrder {
  readonly asset: number;
  readonly isBuy: boolean;
  /** wire format, tick-rounded */
  readonly px: string;
  /** wire format, lot-rounded (down) */
  readonly sz: string;
  readonly tif: TimeInForce;
  readonly reduceOnly: boolean;
  readonly cloid: string;
}

export interface BuildInput {
  readonly intent: OrderIntent;
  readonly cloid: string;
  /** undefined: the coin is not in the asset registry */
  readonly asset: AssetInfo | undefined;
  /** current mid (decimal string); required for market orders */
  readonly mid: string | undefined;
  /** how far past the mid a market order's IOC limit goes, in bps (must stay inside the risk band) */
  readonly marketSlippageBps: number;
}

export type BuildResult =
  | { readonly ok: true; readonly order: VenueOrder }
  | { readonly ok: false; readonly refusal: Refusal };

const TIF: Record<OrderIntent['style'], TimeInForce> = { market: 'Ioc', limit: 'Gtc', postOnly: 'Alo' };

export function buildVenueOrder(input: BuildInput): BuildResult {
  const { intent, asset } = input;
  const refuse = (rule: string, reason: string): BuildResult => ({ ok: false, refusal: { rule, reason } });
  if (asset === undefined) return refuse('unknownAsset', `${intent.coin} is not a listed asset`);
  if (asset.isDelisted === true) return refuse('unknownAsset', `${intent.coin} is delisted`);
  if (fx(intent.sz) <= 0n) return refuse('lotSize', 'nothing to trade: the size is 0');
  const isBuy = intent.side === 'buy';
  try {
    // venue: sizes are truncated to szDecimals, never rounded up (doc 5)
    const sz = roundSize(intent.sz, asset.szDecimals, 'down');
    let rawPx: string;
    if (intent.style === 'market') {
      if (input.mid === undefined)
        return refuse('priceBand', `no mid for ${intent.coin} to price a market order`);
      // venue: a market order is an aggressive IOC limit (doc 3.2)
      const mid = fx(input.mid);
      const slip = bps(mid, input.marketSlippageBps);
      rawPx = str(isBuy ? mid + slip : mid - slip);
    } else {
      if (intent.limitPx === undefined)
        return refuse('limitPx', `${intent.style} order without a limit price`);
      rawPx = intent.limitPx;
    }
    // round toward the passive side: a buy never pays more, a sell never takes less, than asked
    const px = roundPrice(rawPx, asset.szDecimals, asset.priceMarket, isBuy ? 'down' : 'up');
    return {
      ok: true,
      order: {
        asset: asset.assetId,
        isBuy,
        px,
        sz,
        tif: TIF[intent.style],
        reduceOnly: intent.reduceOnly,
        cloid: input.cloid,
      },
    };
  } catch (err) {
    if (err instanceof AssetRuleError) {
      return refuse(/size/i.test(err.message) ? 'lotSize' : 'tickSize', err.message);
    }
    throw err;
  }
}
