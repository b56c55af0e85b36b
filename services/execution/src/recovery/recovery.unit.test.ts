import type { OrderEvent } from '@hyperflow/contracts';
import type { ClearinghouseState } from '@hyperflow/hyperliquid';
import { describe, expect, it } from 'vitest';
import { accountSnapshot } from './reconcile.js';
import { unfinished } from './scan.js';

const base = { v: 1 as const, net: 'sim' as const, id: 'x', orderId: `0x${'1'.repeat(32)}`, atMs: 1 };

describe('recovery scan', () => {
  it('an order whose last event leaves work to do is unfinished; a settled one is not', () => {
    const last = (e: Partial<OrderEvent> & { type: OrderEvent['type'] }) =>
      unfinished({ ...base, ...e } as OrderEvent);
    expect(last({ type: 'orderRiskChecked', checks: [] })).toBe(true);
    expect(last({ type: 'orderSubmitted', via: 'rest', attempt: 1 })).toBe(true);
    expect(last({ type: 'orderSubmitted', via: 'dryRun', attempt: 1 })).toBe(false);
    expect(last({ type: 'orderOutcomeUnknown', reason: 'timeout' })).toBe(true);
    expect(last({ type: 'orderResting', oid: 1 })).toBe(false);
    expect(last({ type: 'orderExpired', reason: 'signalTtl' })).toBe(false);
  });
});

describe('account snapshot', () => {
  it('positions and open orders become risk facts; positions and the balance become acct events', () => {
    const summary = { accountValue: '1000', totalMarginUsed: '0', totalNtlPos: '0', totalRawUsd: '1000' };
    const state = {
      assetPositions: [
        {
          type: 'oneWay',
          position: {
            coin: 'ETH',
            szi: '-0.5',
            entryPx: '3000',
            leverage: { type: 'cross', value: 5 },
            liquidationPx: null,
            marginUsed: '300',
            positionValue: '1500',
            returnOnEquity: '0',
            unrealizedPnl: '1.5',
            cumFunding: { allTime: '0', sinceChange: '0', sinceOpen: '0' },
          },
        },
      ],
      marginSummary: summary,
      crossMarginSummary: summary,
      withdrawable: '700',
      time: 5,
    } as unknown as ClearinghouseState;
    const snap = accountSnapshot({
      net: 'sim',
      account: '0xAB00000000000000000000000000000000000001',
      state,
      openOrders: [
        {
          coin: 'ETH',
          side: 'A',
          limitPx: '3100',
          sz: '0.1',
          oid: 9,
          timestamp: 4,
          cloid: `0x${'C'.repeat(32)}`,
        },
        { coin: 'BTC', side: 'B', limitPx: '50000', sz: '0.01', oid: 10, timestamp: 4 },
      ],
      atMs: 6,
    });
    expect(snap.facts).toEqual([
      { type: 'positionObserved', coin: 'ETH', szi: '-0.5' },
      {
        type: 'orderOpened',
        orderId: `0x${'c'.repeat(32)}`,
        coin: 'ETH',
        side: 'sell',
        sz: '0.1',
        reduceOnly: false,
        atMs: 4,
      },
      {
        type: 'orderOpened',
        orderId: 'oid-10',
        coin: 'BTC',
        side: 'buy',
        sz: '0.01',
        reduceOnly: false,
        atMs: 4,
      },
    ]);
    expect(snap.positions).toMatchObject([
      {
        type: 'position',
        user: '0xab00000000000000000000000000000000000001',
        coin: 'ETH',
        szi: '-0.5',
        atMs: 5,
      },
    ]);
    expect(snap.balance).toMatchObject({ accountValue: '1000', withdrawable: '700' });
  });
});
