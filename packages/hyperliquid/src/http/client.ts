import { type CandleInterval, minIntervalMs } from '@hyperflow/contracts';
import type { z } from 'zod';
import { HyperliquidError } from '../errors.js';
import type { WsCandle } from '../ws/messages.js';
import { InfoHttpError, InfoResponseError, InfoTransportError } from './errors.js';
import {
  AllMids,
  CandleSnapshot,
  ClearinghouseState,
  FrontendOrder,
  HistoricalOrders,
  L2Book,
  Meta,
  MetaAndAssetCtxs,
  OpenOrders,
  OrderStatusResponse,
  PerpDexs,
  RecentTrades,
  SpotMeta,
  UserFills,
  UserRateLimit,
} from './schemas.js';
import { infoExtraWeight, infoWeight } from './weights.js';

/** venue: REST base URLs (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api) */
export const INFO_BASE_URLS = {
  mainnet: 'https://api.hyperliquid.xyz',
  testnet: 'https://api.hyperliquid-testnet.xyz',
} as const;

// venue: "Only the most recent 5000 candles are available" (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint)
export const MAX_CANDLES_PER_REQUEST = 5000;

/** Any `/info` body: `type` plus that type's fields. */
export interface InfoRequestBody {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** Weight of one request, for a per-IP budget (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits). */
export interface InfoCost {
  readonly type: string;
  readonly weight: number;
}

export interface InfoClientOptions {
  /** e.g. INFO_BASE_URLS.testnet or a loopback test server; no trailing `/info` */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
  /** per request, default 10 s */
  readonly timeoutMs?: number;
  /** runs before each request with its base weight; may wait for budget, or throw to refuse */
  readonly beforeRequest?: (cost: InfoCost) => void | Promise<void>;
  /** runs after each answer with the extra weight its item count cost (often 0) */
  readonly afterResponse?: (cost: InfoCost) => void;
  /** runs when the venue answers 429 (per-IP weight spent): re-sync the budget */
  readonly onThrottled?: (requestType: string) => void;
  /** candles per candleSnapshot request when paging; default (and venue maximum) 5000 */
  readonly candlesPerRequest?: number;
}

export interface CandleRange {
  readonly coin: string;
  readonly interval: CandleInterval;
  /** inclusive, ms */
  readonly startTime: number;
  /** inclusive, ms */
  readonly endTime: number;
}

/** The part of a RateBudget (budget/port.ts) the info client needs; structural, so any ledger fits. */
export interface InfoBudget {
  acquire(
    weight: number,
    options: { priority: 'info'; deadlineMs?: number },
  ): Promise<{ readonly granted: boolean; readonly reason?: string }>;
  debit(weight: number): void;
  sync(observed: { kind: 'throttled' }): void;
}

/** The budget refused an info request (deadline passed, budget closed, or weight too large). */
export class InfoBudgetError extends HyperliquidError {
  override name = 'InfoBudgetError';
  constructor(
    readonly requestType: string,
    readonly reason: string,
  ) {
    super(`info ${requestType}: no budget (${reason})`);
  }
}

/**
 * Hooks that make an InfoClient spend a per-IP budget: acquire the base weight at `info` priority
 * before sending, debit the per-item extra weight after, and re-sync after a 429.
 */
export function infoBudgetHooks(
  budget: InfoBudget,
  deadline?: () => number,
): Pick<InfoClientOptions, 'beforeRequest' | 'afterResponse' | 'onThrottled'> {
  return {
    beforeRequest: async ({ type, weight }) => {
      const deadlineMs = deadline?.();
      const grant = await budget.acquire(weight, {
        priority: 'info',
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
      });
      if (!grant.granted) throw new InfoBudgetError(type, grant.reason ?? 'refused');
    },
    afterResponse: ({ weight }) => {
      if (weight > 0) budget.debit(weight);
    },
    onThrottled: () => budget.sync({ kind: 'throttled' }),
  };
}

const CLOID = /^0x[0-9a-f]{32}$/;

function user(address: string): string {
  // venue: send addresses lower-cased (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/signing)
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new HyperliquidError(`not a 0x address: ${address}`);
  return address.toLowerCase();
}

function itemCount(data: unknown): number {
  return Array.isArray(data) ? data.length : 0;
}

/**
 * The `/info` REST client: one POST per call, answers validated with zod, HTTP failures as typed
 * errors. It holds no state but its options; budgeting is the caller's, through the hooks.
 */
export class InfoClient {
  readonly #url: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #opts: InfoClientOptions;

  constructor(opts: InfoClientOptions) {
    this.#url = `${opts.baseUrl.replace(/\/+$/, '')}/info`;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#opts = opts;
  }

  /** Sends any info request and validates the answer with `schema`. */
  async request<S extends z.ZodType>(body: InfoRequestBody, schema: S): Promise<z.output<S>> {
    const type = body.type;
    await this.#opts.beforeRequest?.({ type, weight: infoWeight(type) });
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new InfoTransportError(type, timedOut, { cause: err });
    }
    if (!res.ok) {
      if (res.status === 429) this.#opts.onThrottled?.(type);
      throw new InfoHttpError(type, res.status, text);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InfoResponseError(type, [`(root): not JSON: ${text.slice(0, 200)}`], { cause: err });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`,
      );
      throw new InfoResponseError(type, problems, { cause: parsed.error });
    }
    const extra = infoExtraWeight(type, itemCount(parsed.data));
    this.#opts.afterResponse?.({ type, weight: extra });
    return parsed.data;
  }

  meta(dex?: string): Promise<Meta> {
    return this.request({ type: 'meta', ...(dex === undefined ? {} : { dex }) }, Meta);
  }

  spotMeta(): Promise<SpotMeta> {
    return this.request({ type: 'spotMeta' }, SpotMeta);
  }

  metaAndAssetCtxs(dex?: string): Promise<MetaAndAssetCtxs> {
    return this.request(
      { type: 'metaAndAssetCtxs', ...(dex === undefined ? {} : { dex }) },
      MetaAndAssetCtxs,
    );
  }

  /** Builder dex names by perp_dex_index (index 0, the first dex, is null). */
  perpDexs(): Promise<PerpDexs> {
    return this.request({ type: 'perpDexs' }, PerpDexs);
  }

  allMids(dex?: string): Promise<AllMids> {
    return this.request({ type: 'allMids', ...(dex === undefined ? {} : { dex }) }, AllMids);
  }

  /** null for an unknown coin. venue: mantissa only with nSigFigs 5 */
  l2Book(args: {
    readonly coin: string;
    readonly nSigFigs?: 2 | 3 | 4 | 5 | null;
    readonly mantissa?: 1 | 2 | 5 | null;
  }): Promise<L2Book> {
    if (args.mantissa != null && args.nSigFigs !== 5) {
      throw new HyperliquidError('l2Book: mantissa is only allowed with nSigFigs 5');
    }
    return this.request({ type: 'l2Book', ...args }, L2Book);
  }

  /** One candleSnapshot request, as the venue answers it. */
  candleSnapshotPage(range: CandleRange): Promise<CandleSnapshot> {
    const { coin, interval, startTime, endTime } = range;
    return this.request(
      { type: 'candleSnapshot', req: { coin, interval, startTime, endTime } },
      CandleSnapshot,
    );
  }

  /**
   * Candles of [startTime, endTime], sorted by open time, one per open time. Splits the range into
   * windows of at most `candlesPerRequest` candles; when a window comes back short of its end (a
   * capped answer) the next request starts at the last open time returned, and the overlapping
   * candle is de-duplicated (the later answer wins: it may be the same candle, updated).
   */
  async candleSnapshot(range: CandleRange): Promise<CandleSnapshot> {
    const { startTime, endTime } = range;
    if (
      !(Number.isInteger(startTime) && Number.isInteger(endTime) && startTime <= endTime && startTime >= 0)
    ) {
      throw new HyperliquidError(`candleSnapshot: bad range [${startTime}, ${endTime}]`);
    }
    const ivMs = minIntervalMs(range.interval);
    const perRequest = Math.min(
      this.#opts.candlesPerRequest ?? MAX_CANDLES_PER_REQUEST,
      MAX_CANDLES_PER_REQUEST,
    );
    const byOpen = new Map<number, WsCandle>();
    let cursor = startTime;
    for (;;) {
      const windowEnd = Math.min(endTime, cursor + perRequest * ivMs - 1);
      const page = await this.candleSnapshotPage({ ...range, startTime: cursor, endTime: windowEnd });
      let lastOpen = -1;
      for (const c of page) {
        byOpen.set(c.t, c);
        if (c.t > lastOpen) lastOpen = c.t;
      }
      const reachedEnd = windowEnd >= endTime;
      if (lastOpen > cursor && !(reachedEnd && lastOpen + ivMs > endTime)) {
        // the answer stopped at lastOpen: continue from there (it may have been capped)
        cursor = lastOpen;
        continue;
      }
      if (reachedEnd) break;
      cursor = windowEnd + 1;
    }
    return [...byOpen.values()].sort((a, b) => a.t - b.t);
  }

  recentTrades(coin: string): Promise<RecentTrades> {
    return this.request({ type: 'recentTrades', coin }, RecentTrades);
  }

  orderStatusByOid(address: string, oid: number): Promise<OrderStatusResponse> {
    if (!Number.isSafeInteger(oid) || oid < 0) throw new HyperliquidError(`orderStatus: bad oid ${oid}`);
    return this.request({ type: 'orderStatus', user: user(address), oid }, OrderStatusResponse);
  }

  /** venue: the cloid goes in the `oid` field as 0x + 32 lower-case hex (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint) */
  orderStatusByCloid(address: string, cloid: string): Promise<OrderStatusResponse> {
    const c = cloid.toLowerCase();
    if (!CLOID.test(c)) throw new HyperliquidError(`orderStatus: bad cloid ${cloid}`);
    return this.request({ type: 'orderStatus', user: user(address), oid: c }, OrderStatusResponse);
  }

  openOrders(address: string, dex?: string): Promise<OpenOrders> {
    return this.request(
      { type: 'openOrders', user: user(address), ...(dex === undefined ? {} : { dex }) },
      OpenOrders,
    );
  }

  frontendOpenOrders(address: string, dex?: string): Promise<FrontendOrder[]> {
    return this.request(
      { type: 'frontendOpenOrders', user: user(address), ...(dex === undefined ? {} : { dex }) },
      FrontendOrder.array(),
    );
  }

  historicalOrders(address: string): Promise<HistoricalOrders> {
    return this.request({ type: 'historicalOrders', user: user(address) }, HistoricalOrders);
  }

  /** At most the 2000 most recent fills. */
  userFills(address: string, aggregateByTime?: boolean): Promise<UserFills> {
    return this.request(
      {
        type: 'userFills',
        user: user(address),
        ...(aggregateByTime === undefined ? {} : { aggregateByTime }),
      },
      UserFills,
    );
  }

  /** venue: both times inclusive, at most 2000 fills per answer, only the 10000 most recent reachable */
  userFillsByTime(args: {
    readonly user: string;
    readonly startTime: number;
    readonly endTime?: number;
    readonly aggregateByTime?: boolean;
  }): Promise<UserFills> {
    return this.request({ type: 'userFillsByTime', ...args, user: user(args.user) }, UserFills);
  }

  clearinghouseState(address: string, dex?: string): Promise<ClearinghouseState> {
    return this.request(
      { type: 'clearinghouseState', user: user(address), ...(dex === undefined ? {} : { dex }) },
      ClearinghouseState,
    );
  }

  userRateLimit(address: string): Promise<UserRateLimit> {
    return this.request({ type: 'userRateLimit', user: user(address) }, UserRateLimit);
  }
}
