// Venue frame data → contract market events, through the venue package's pure parsers, which
// derive every id from venue data alone: the WS path, the REST backfill and the REST fallback all
// come here, so the same venue fact gets the same id whichever way it arrived, and JetStream's
// msgID de-duplication drops the second copy (a resubscribe snapshot, a backfill, a second replica).
import type { MarketEvent, Net, Subjects } from '@hyperflow/contracts';
import {
  type BookAggregation,
  parseActiveAssetCtx,
  parseActiveSpotAssetCtx,
  parseBbo,
  parseBook,
  parseCandleItems,
  parseMids,
  parseTradeItems,
  type RejectedItem,
  WireError,
} from '@hyperflow/hyperliquid';

export interface NormalizeContext {
  readonly net: Net;
  /** when the frame was received, ms (sub-ms precision) */
  readonly recvTsMs: number;
  /** the l2Book subscription's aggregation, which the frame does not repeat */
  readonly book?: BookAggregation;
}

export type NormalizeResult =
  | {
      readonly ok: true;
      readonly events: readonly MarketEvent[];
      /** items of an array frame that failed validation: only these are lost, by index */
      readonly rejected: readonly RejectedItem[];
    }
  | {
      readonly ok: false;
      /** `schema`: a known channel whose data failed validation; `unknownChannel`: not ours */
      readonly reason: 'schema' | 'unknownChannel';
      readonly problems: readonly string[];
    };

const one = (event: MarketEvent): NormalizeResult => ({ ok: true, events: [event], rejected: [] });

/**
 * Validates one WS data frame and normalizes it. Never throws on bad venue data: it says why.
 * Array frames (trades, candles) are validated item by item.
 */
export function normalizeFrame(channel: string, data: unknown, ctx: NormalizeContext): NormalizeResult {
  try {
    switch (channel) {
      case 'trades':
        // venue: an array, possibly empty (the official Python SDK skips empty ones,
        // https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/hyperliquid/websocket_manager.py)
        return { ok: true, ...parseTradeItems(data, ctx) };
      case 'l2Book':
        return one(parseBook(data, ctx, ctx.book));
      case 'bbo':
        return one(parseBbo(data, ctx));
      case 'candle':
        return { ok: true, ...parseCandleItems(data, ctx) };
      case 'activeAssetCtx':
        return one(parseActiveAssetCtx(data, ctx));
      // venue: the answer to an activeAssetCtx subscription for a spot coin (8.7)
      case 'activeSpotAssetCtx':
        return one(parseActiveSpotAssetCtx(data, ctx));
      case 'allMids':
        return one(parseMids(data, ctx));
      default:
        return { ok: false, reason: 'unknownChannel', problems: [`channel ${JSON.stringify(channel)}`] };
    }
  } catch (err) {
    if (err instanceof WireError) {
      return {
        ok: false,
        reason: 'schema',
        problems: err.problems.length > 0 ? err.problems : [err.message],
      };
    }
    throw err;
  }
}

/** The subject an event travels on (`hl.<net>.md.<kind>.<coin>`). */
export function subjectOf(s: Subjects, e: MarketEvent): string {
  switch (e.type) {
    case 'trade':
      return s.trade(e.coin);
    case 'book':
      return s.book(e.coin);
    case 'bbo':
      return s.bbo(e.coin);
    case 'candle':
      return s.candle(e.interval, e.coin);
    case 'ctx':
      return s.ctx(e.coin);
    case 'mids':
      return s.mids(e.dex);
    default: {
      const never: never = e;
      throw new TypeError(`unknown market event ${JSON.stringify(never)}`);
    }
  }
}
