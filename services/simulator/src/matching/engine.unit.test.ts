import { describe, expect, it } from 'vitest';
import { SCALE } from '../market/decimal.js';
import { DEFAULT_UNIVERSE, marketsOf } from '../market/universe.js';
import { Engine, MAKER_ADDRESS } from './engine.js';
import type { PlaceOrder } from './types.js';

const ALICE = '0x000000000000000000000000000000000000a11c';
const BOB = '0x0000000000000000000000000000000000000b0b';
const T = 1_760_000_000_000;
const px = (s: string) => BigInt(Math.round(Number(s) * 1e4)) * (SCALE / 10_000n);

/** Given: an engine with a maker ladder on ETH (asset 1) at 2999/3001 and two funded users. */
function given(): Engine {
  const e = new Engine({ markets: marketsOf(DEFAULT_UNIVERSE) });
  e.fund(ALICE, 100_000n * SCALE);
  e.fund(BOB, 100_000n * SCALE);
  e.requote(
    'ETH',
    [
      { side: 'B', px: px('2999'), sz: 1n * SCALE },
      { side: 'B', px: px('2998'), sz: 2n * SCALE },
      { side: 'A', px: px('3001'), sz: 1n * SCALE },
      { side: 'A', px: px('3002'), sz: 2n * SCALE },
    ],
    T,
  );
  e.drainEvents();
  return e;
}

const order = (o: Partial<PlaceOrder>): PlaceOrder => ({
  user: ALICE,
  asset: 1,
  isBuy: true,
  px: '3000',
  sz: '0.1',
  reduceOnly: false,
  tif: 'Gtc',
  ...o,
});

describe('Engine', () => {
  it('given a Gtc bid below the ask, when placed, then it rests and an open update is emitted', () => {
    const e = given();
    const r = e.placeOrder(order({ cloid: '0x00000000000000000000000000000001' }), T);
    expect(r).toEqual({ resting: { oid: expect.any(Number), cloid: '0x00000000000000000000000000000001' } });
    const ev = e.drainEvents();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 'orderUpdated', user: ALICE, update: { status: 'open' } });
    expect(e.book('ETH')?.levels(1)[0][0]).toEqual({ px: '3000.0', sz: '0.1', n: 1 });
  });

  it('given a crossing Gtc buy, when placed, then it walks the asks at maker prices and reports the average', () => {
    const e = given();
    const r = e.placeOrder(order({ px: '3002', sz: '2' }), T);
    expect(r).toEqual({ filled: { totalSz: '2.0', avgPx: '3001.5', oid: expect.any(Number) } });
    const ev = e.drainEvents();
    const trades = ev.filter((x) => x.type === 'tradePrinted');
    expect(trades.map((t) => t.type === 'tradePrinted' && [t.trade.px, t.trade.sz, t.trade.side])).toEqual([
      ['3001.0', '1.0', 'B'],
      ['3002.0', '1.0', 'B'],
    ]);
    const fills = ev.filter((x) => x.type === 'userFilled');
    expect(fills[0]).toMatchObject({
      fill: { crossed: true, dir: 'Open Long', startPosition: '0.0', fee: '1.35045' },
    });
    expect(e.account(ALICE)?.positions.get('ETH')?.szi).toBe(2n * SCALE);
  });

  it('given resting orders at one price, when a taker hits them, then the earlier order fills first (time priority)', () => {
    const e = given();
    const first = e.placeOrder(order({ user: ALICE, px: '3000', sz: '0.5' }), T);
    const second = e.placeOrder(order({ user: BOB, px: '3000', sz: '0.5' }), T + 1);
    e.drainEvents();
    e.take('ETH', 'A', px('2990'), SCALE / 2n, T + 2);
    const fills = e.drainEvents().filter((x) => x.type === 'userFilled');
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ user: ALICE, fill: { crossed: false, side: 'B', px: '3000.0' } });
    expect('resting' in first && 'resting' in second).toBe(true);
    expect(e.openOrders(BOB)).toHaveLength(1);
  });

  it('given an Alo that would cross, when placed, then it is rejected with the bbo', () => {
    const e = given();
    expect(e.placeOrder(order({ tif: 'Alo', px: '3001' }), T)).toEqual({
      error: 'Post only order would have immediately matched, bbo was 2999.0@3001.0. asset=1',
    });
  });

  it('given an Ioc that cannot match, when placed, then it is rejected naming the asset', () => {
    const e = given();
    expect(e.placeOrder(order({ tif: 'Ioc', px: '2000' }), T)).toEqual({
      error: 'Order could not immediately match against any resting orders. asset=1',
    });
  });

  it('given a partial Ioc, when placed, then the rest is canceled and the fill reported', () => {
    const e = given();
    const r = e.placeOrder(order({ tif: 'Ioc', px: '3001', sz: '1.5' }), T);
    expect(r).toMatchObject({ filled: { totalSz: '1.0', avgPx: '3001.0' } });
    expect(e.openOrders(ALICE)).toHaveLength(0);
  });

  it('given tick, lot and notional violations, when placed, then the venue strings come back', () => {
    const e = given();
    expect(e.placeOrder(order({ px: '3000.123' }), T)).toEqual({
      error: 'Price must be divisible by tick size. asset=1',
    });
    expect(e.placeOrder(order({ px: '1234.56' }), T)).toEqual({
      error: 'Price must be divisible by tick size. asset=1',
    });
    expect(e.placeOrder(order({ sz: '0.00001' }), T)).toEqual({ error: 'Order has invalid size. asset=1' });
    expect(e.placeOrder(order({ sz: '0' }), T)).toEqual({ error: 'Order has zero size. asset=1' });
    expect(e.placeOrder(order({ sz: '0.001' }), T)).toEqual({
      error: 'Order must have minimum value of $10. asset=1',
    });
    expect(e.placeOrder(order({ asset: 10_000, px: '0.2', sz: '10' }), T)).toEqual({
      error: 'Order must have minimum value of 10 USDC. asset=10000',
    });
    expect(e.placeOrder(order({ sz: '1000' }), T)).toEqual({
      error: 'Insufficient margin to place order. asset=1',
    });
  });

  it('given spot balances, when a buy needs more USDC or a sell more base than held, then insufficient spot balance', () => {
    const e = given();
    // standard mode: perp USDC does not pay for spot; spot USDC is its own balance
    e.fundSpot(ALICE, 'USDC', 100_000n * SCALE);
    e.requote('PURR/USDC', [{ side: 'A', px: px('0.2'), sz: 1000n * SCALE }], T);
    expect(e.placeOrder(order({ asset: 10_000, px: '0.2', sz: '100' }), T)).toMatchObject({
      filled: { totalSz: '100.0' },
    });
    expect(e.account(ALICE)?.spot.get('PURR')).toBe(100n * SCALE);
    const sell = order({ asset: 10_000, isBuy: false, px: '0.3', sz: '101' });
    expect(e.placeOrder(sell, T)).toEqual({
      error: 'Order has insufficient spot balance to trade asset=10000',
    });
    expect(e.placeOrder({ ...sell, sz: '100' }, T)).toMatchObject({ resting: {} });
    expect(e.placeOrder(order({ asset: 10_000, px: '0.1', sz: '10000000' }), T)).toEqual({
      error: 'Order has insufficient spot balance to trade asset=10000',
    });
  });

  it('given no position, when a reduce-only order arrives, then it would increase the position', () => {
    const e = given();
    expect(e.placeOrder(order({ reduceOnly: true }), T)).toEqual({
      error: 'Reduce only order would increase position. asset=1',
    });
  });

  it('given a long, when a reduce-only sell fills, then the position closes with pnl', () => {
    const e = given();
    e.placeOrder(order({ px: '3001', sz: '1', tif: 'Ioc' }), T);
    e.requote('ETH', [{ side: 'B', px: px('3011'), sz: 5n * SCALE }], T + 1);
    const r = e.placeOrder(order({ isBuy: false, px: '3000', sz: '1', reduceOnly: true, tif: 'Ioc' }), T + 2);
    expect(r).toMatchObject({ filled: { totalSz: '1.0', avgPx: '3011.0' } });
    const fill = e.drainEvents().find((x) => x.type === 'userFilled' && x.fill.dir === 'Close Long');
    expect(fill).toMatchObject({ fill: { closedPnl: '10.0', startPosition: '1.0' } });
  });

  it('given a long of 1, when a reduce-only sell of 3 arrives, then it is cut to 1 and never flips', () => {
    const e = given();
    e.placeOrder(order({ px: '3001', sz: '1', tif: 'Ioc' }), T);
    const r = e.placeOrder(order({ isBuy: false, px: '2998', sz: '3', reduceOnly: true, tif: 'Ioc' }), T + 1);
    expect(r).toMatchObject({ filled: { totalSz: '1.0' } });
    expect(e.account(ALICE)?.positions.has('ETH')).toBe(false);
  });

  it('given a stop whose position is gone, when it triggers, then it is reduceOnlyCanceled', () => {
    const e = given();
    e.placeOrder(order({ px: '3001', sz: '1', tif: 'Ioc' }), T);
    const trigger = { isMarket: true, triggerPx: '2990', tpsl: 'sl' as const };
    e.placeOrder(order({ isBuy: false, px: '2500', sz: '1', reduceOnly: true, trigger }), T);
    e.placeOrder(order({ isBuy: false, px: '2998', sz: '1', reduceOnly: true, tif: 'Ioc' }), T);
    e.requote(
      'ETH',
      [
        { side: 'B', px: px('2980'), sz: SCALE },
        { side: 'A', px: px('2984'), sz: SCALE },
      ],
      T + 1,
    );
    e.drainEvents();
    e.checkTriggers(T + 2);
    const statuses = e.drainEvents().flatMap((x) => (x.type === 'orderUpdated' ? [x.update.status] : []));
    expect(statuses).toEqual(['triggered', 'reduceOnlyCanceled']);
  });

  it('given a resting order, when canceled twice, then the second cancel gets the venue error', () => {
    const e = given();
    const r = e.placeOrder(order({}), T);
    const oid = 'resting' in r ? r.resting.oid : -1;
    expect(e.cancel(ALICE, 1, oid, T)).toBe('success');
    expect(e.cancel(ALICE, 1, oid, T)).toEqual({
      error: 'Order was never placed, already canceled, or filled. asset=1',
    });
    expect(e.findOrder(ALICE, oid)?.status).toBe('canceled');
  });

  it('given a stop-loss sell on a long, when the mark falls through the trigger, then it fires as market', () => {
    const e = given();
    e.placeOrder(order({ px: '3001', sz: '1', tif: 'Ioc' }), T);
    const sl = e.placeOrder(
      order({
        isBuy: false,
        px: '2500',
        sz: '1',
        reduceOnly: true,
        trigger: { isMarket: true, triggerPx: '2990', tpsl: 'sl' },
      }),
      T,
    );
    expect(sl).toEqual({ resting: { oid: expect.any(Number) } });
    e.checkTriggers(T + 1);
    expect(e.findOrder(ALICE, 'resting' in sl ? sl.resting.oid : 0)?.status).toBe('open');
    e.requote(
      'ETH',
      [
        { side: 'B', px: px('2980'), sz: 5n * SCALE },
        { side: 'A', px: px('2984'), sz: 5n * SCALE },
      ],
      T + 2,
    );
    e.drainEvents();
    e.checkTriggers(T + 3);
    const statuses = e.drainEvents().flatMap((x) => (x.type === 'orderUpdated' ? [x.update.status] : []));
    expect(statuses).toEqual(['triggered', 'filled']);
    expect(e.account(ALICE)?.positions.has('ETH')).toBe(false);
  });

  it('given a normalTpsl parent that rests, when it later fills, then its children arm as triggers', () => {
    const e = given();
    const sl = order({
      isBuy: false,
      px: '2500',
      sz: '1',
      reduceOnly: true,
      trigger: { isMarket: true, triggerPx: '2900', tpsl: 'sl' },
    });
    const tp = order({
      isBuy: false,
      px: '3500',
      sz: '1',
      reduceOnly: true,
      trigger: { isMarket: false, triggerPx: '3300', tpsl: 'tp' },
    });
    const r = e.placeWithChildren(order({ px: '3000', sz: '1' }), [sl, tp], T);
    expect(r).toEqual([{ resting: { oid: expect.any(Number) } }, 'waitingForFill', 'waitingForFill']);
    expect(e.openOrders(ALICE)).toHaveLength(1);
    e.take('ETH', 'A', px('2990'), SCALE, T + 1);
    expect(e.openOrders(ALICE).map((o) => o.trigger?.tpsl)).toEqual(['sl', 'tp']);
  });

  it('given a normalTpsl parent that fills at once, when placed, then children wait for their trigger', () => {
    const e = given();
    const sl = order({
      isBuy: false,
      px: '2500',
      sz: '1',
      reduceOnly: true,
      trigger: { isMarket: true, triggerPx: '2900', tpsl: 'sl' },
    });
    expect(e.placeWithChildren(order({ px: '3001', sz: '1', tif: 'Ioc' }), [sl], T)).toEqual([
      { filled: { totalSz: '1.0', avgPx: '3001.0', oid: expect.any(Number) } },
      'waitingForTrigger',
    ]);
  });

  it('given the maker quotes across a resting user order, when requoting, then the user order fills', () => {
    const e = given();
    e.placeOrder(order({ isBuy: false, px: '3000.5', sz: '0.1' }), T);
    e.drainEvents();
    e.requote('ETH', [{ side: 'B', px: px('3005'), sz: SCALE }], T + 1);
    const fill = e.drainEvents().find((x) => x.type === 'userFilled');
    expect(fill).toMatchObject({ user: ALICE, fill: { px: '3000.5', crossed: false, dir: 'Open Short' } });
    expect(e.book('ETH')?.bids.every((o) => o.user === MAKER_ADDRESS)).toBe(true);
  });
});
