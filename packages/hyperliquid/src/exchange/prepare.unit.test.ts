import {
  batchModifyAction,
  cancelAction,
  type ExchangeRequest,
  noopAction,
  type OrderInput,
  orderAction,
  updateLeverageAction,
} from '@hyperflow/signing';
import { describe, expect, it } from 'vitest';
import { prepareRequest, requestCost } from './prepare.js';

const CLOID = '0x0000000000000000000000000000000a';

function order(i: number, reduceOnly = false): OrderInput {
  return {
    asset: 4,
    isBuy: i % 2 === 0,
    price: '1670.1',
    size: '0.0147',
    reduceOnly,
    type: { kind: 'limit', tif: 'Gtc' },
  };
}

const SIG = { r: `0x${'1'.repeat(64)}`, s: `0x${'2'.repeat(64)}`, v: 27 } as const;

describe('requestCost (venue docs: rate-limits-and-user-limits)', () => {
  it('IP weight is 1 + floor(n / 40); address weight is n', () => {
    for (const [n, ip] of [
      [1, 1],
      [39, 1],
      [40, 2],
      [79, 2],
      [80, 3],
    ] as const) {
      const orders = Array.from({ length: n }, (_, i) => order(i));
      expect(requestCost(orderAction({ orders }))).toMatchObject({
        ipWeight: ip,
        addressWeight: n,
        expected: n,
      });
    }
  });

  it('cancels and noop go first, reduce-only next, new entries last', () => {
    expect(requestCost(cancelAction([{ asset: 0, oid: 1 }])).priority).toBe('cancel');
    expect(requestCost(noopAction()).priority).toBe('cancel');
    expect(requestCost(orderAction({ orders: [order(0, true), order(1, true)] })).priority).toBe(
      'reduceOnly',
    );
    expect(requestCost(orderAction({ orders: [order(0, true), order(1, false)] })).priority).toBe('newOrder');
    expect(requestCost(updateLeverageAction({ asset: 0, isCross: true, leverage: 5 }))).toEqual({
      ipWeight: 1,
      addressWeight: 1,
      priority: 'newOrder',
      expected: undefined,
    });
    expect(requestCost(batchModifyAction([{ oid: 1, order: order(0, true) }]))).toMatchObject({
      priority: 'reduceOnly',
      expected: 1,
    });
  });
});

describe('prepareRequest', () => {
  it('freezes the exact bytes, the cloids and expiresAfter; a priority override wins', () => {
    const request: ExchangeRequest = {
      action: orderAction({ orders: [{ ...order(0), cloid: CLOID }] }),
      nonce: 1_700_000_000_000,
      signature: SIG,
      expiresAfter: 1_700_000_010_000,
    };
    const p = prepareRequest(request, { priority: 'reduceOnly' });
    expect(p.body).toBe(JSON.stringify(request));
    expect(JSON.stringify(p.payload)).toBe(p.body);
    expect(Object.isFrozen(p.payload)).toBe(true);
    expect(p).toMatchObject({
      actionType: 'order',
      nonce: 1_700_000_000_000,
      expiresAfter: 1_700_000_010_000,
      cloids: [CLOID],
      cost: { priority: 'reduceOnly', ipWeight: 1 },
    });
  });

  it('refuses a request without a usable nonce or action type', () => {
    expect(() => prepareRequest({ action: noopAction(), nonce: 0, signature: SIG })).toThrow(/nonce/);
    expect(() => prepareRequest({ action: {}, nonce: 1, signature: SIG })).toThrow(/type/);
  });
});
