import { loadFixture } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
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
import { exchangeWeight, infoExtraWeight, infoWeight, infoWeightUpperBound } from './weights.js';

interface Recorded {
  request: { type: string };
  status: number;
  response: unknown;
}
const fixture = (name: string) => loadFixture<Recorded>(new URL(`./fixtures/${name}.json`, import.meta.url));

const cases: [string, z.ZodType][] = [
  ['meta', Meta],
  ['allMids', AllMids],
  ['l2Book', L2Book],
  ['candleSnapshot', CandleSnapshot],
  ['clearinghouseState', ClearinghouseState],
  ['openOrders', OpenOrders],
  ['frontendOpenOrders', FrontendOrder.array()],
  ['historicalOrders', HistoricalOrders],
  ['userFills', UserFills],
  ['userFillsByTime', UserFills],
  ['userRateLimit', UserRateLimit],
  ['doc-spotMeta', SpotMeta],
  ['doc-metaAndAssetCtxs', MetaAndAssetCtxs],
  ['doc-perpDexs', PerpDexs],
  ['doc-meta-test-dex', Meta],
  ['doc-recentTrades', RecentTrades],
  ['doc-orderStatus', OrderStatusResponse],
  ['doc-orderStatus-unknown', OrderStatusResponse],
];

describe('/info response schemas', () => {
  it.each(cases)('%s fixture parses', (name, schema) => {
    const f = fixture(name);
    expect(f.status).toBe(200);
    const r = schema.safeParse(f.response);
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it('keeps userRateLimit counters above 2^32 exact', () => {
    const r = UserRateLimit.parse(fixture('userRateLimit').response);
    expect(r.nRequestsCap).toBe(170043731737);
    expect(r.nRequestsUsed).toBe(36589831368);
    expect(r.nRequestsCap > 2 ** 32).toBe(true);
    expect(r.cumVlm).toBe('170043721737.450012207');
  });

  it('parses nested frontend order children and the null book of an unknown coin', () => {
    const orders = FrontendOrder.array().parse(fixture('frontendOpenOrders').response);
    expect(orders[2]?.children?.map((c) => c.orderType)).toEqual(['Stop Market', 'Take Profit Market']);
    expect(L2Book.parse(null)).toBeNull();
  });

  it('rejects corrupt bodies', () => {
    expect(Meta.safeParse({ universe: [{ name: 'BTC', szDecimals: -1, maxLeverage: 50 }] }).success).toBe(
      false,
    );
    expect(UserRateLimit.safeParse({ cumVlm: 1.5, nRequestsUsed: 1, nRequestsCap: 2 }).success).toBe(false);
    expect(OrderStatusResponse.safeParse({ status: 'order' }).success).toBe(false);
  });
});

describe('weights (venue docs: rate-limits-and-user-limits)', () => {
  it('base weights', () => {
    for (const t of [
      'l2Book',
      'allMids',
      'clearinghouseState',
      'orderStatus',
      'spotClearinghouseState',
      'exchangeStatus',
    ]) {
      expect(infoWeight(t)).toBe(2);
    }
    expect(infoWeight('userRole')).toBe(60);
    for (const t of [
      'meta',
      'spotMeta',
      'metaAndAssetCtxs',
      'openOrders',
      'userFills',
      'userRateLimit',
      'candleSnapshot',
    ]) {
      expect(infoWeight(t)).toBe(20);
    }
  });

  it('extra weight per returned items, rounded up', () => {
    expect(infoExtraWeight('userFills', 0)).toBe(0);
    expect(infoExtraWeight('userFills', 1)).toBe(1);
    expect(infoExtraWeight('userFillsByTime', 2000)).toBe(100);
    expect(infoExtraWeight('recentTrades', 21)).toBe(2);
    expect(infoExtraWeight('candleSnapshot', 5000)).toBe(84);
    expect(infoExtraWeight('candleSnapshot', 60)).toBe(1);
    expect(infoExtraWeight('meta', 500)).toBe(0);
    expect(infoWeightUpperBound('userFills', 2000)).toBe(120);
  });

  it('exchange weight = 1 + floor(n / 40)', () => {
    expect([1, 39, 40, 79, 80].map(exchangeWeight)).toEqual([1, 1, 2, 2, 3]);
    expect(() => exchangeWeight(-1)).toThrow(/non-negative integer/);
  });
});
