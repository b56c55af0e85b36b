import type { AssetInfo, PreparedRequest, SubmitOutcome } from '@hyperflow/hyperliquid';
import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../order/intent.js';
import { budgetExpired, sendResultOf } from './venue.js';
import { buildVenueOrder } from './venue-order.js';

const ETH: AssetInfo = {
  coin: 'ETH',
  assetId: 1,
  kind: 'perp',
  priceMarket: 'perp',
  szDecimals: 4,
  index: 1,
};
const CLOID = `0x${'ab'.repeat(16)}`;
const intent = (over: Partial<OrderIntent> = {}): OrderIntent => ({
  coin: 'ETH',
  side: 'buy',
  sz: '0.12345',
  style: 'limit',
  limitPx: '3000.123',
  reduceOnly: false,
  ...over,
});
/** `asset` null: the coin is not in the registry */
const build = (i: OrderIntent, mid?: string, asset: AssetInfo | null = ETH) =>
  buildVenueOrder({ intent: i, cloid: CLOID, asset: asset ?? undefined, mid, marketSlippageBps: 50 });

describe('venue order', () => {
  it('a limit buy: size truncated to the lot, price to 5 significant figures, rounded down, Gtc', () => {
    expect(build(intent())).toEqual({
      ok: true,
      order: {
        asset: 1,
        isBuy: true,
        px: '3000.1',
        sz: '0.1234',
        tif: 'Gtc',
        reduceOnly: false,
        cloid: CLOID,
      },
    });
  });

  it('a limit sell rounds its price up (never sells for less than asked); postOnly is Alo', () => {
    expect(build(intent({ side: 'sell', style: 'postOnly' }))).toMatchObject({
      ok: true,
      order: { isBuy: false, px: '3000.2', tif: 'Alo' },
    });
  });

  it('a market order is an IOC limit the slippage past the mid', () => {
    expect(build(intent({ style: 'market', limitPx: undefined }), '3000')).toMatchObject({
      ok: true,
      order: { px: '3015', tif: 'Ioc' },
    });
    expect(build(intent({ style: 'market', side: 'sell', limitPx: undefined }), '3000')).toMatchObject({
      ok: true,
      order: { px: '2985', tif: 'Ioc' },
    });
    expect(build(intent({ style: 'market', limitPx: undefined }), undefined)).toMatchObject({
      ok: false,
      refusal: { rule: 'priceBand' },
    });
  });

  it('refuses unknown or delisted coins and sizes below one lot', () => {
    expect(build(intent(), undefined, null)).toMatchObject({ ok: false, refusal: { rule: 'unknownAsset' } });
    expect(build(intent(), undefined, { ...ETH, isDelisted: true })).toMatchObject({
      ok: false,
      refusal: { rule: 'unknownAsset' },
    });
    expect(build(intent({ sz: '0.00009' }))).toMatchObject({ ok: false, refusal: { rule: 'lotSize' } });
    expect(build(intent({ sz: '0' }))).toMatchObject({ ok: false, refusal: { rule: 'lotSize' } });
  });
});

describe('send outcome → what it means for the order', () => {
  const prepared = {} as PreparedRequest;
  const venueError = (message: string, reason: string) => ({ message, reason }) as never;

  it.each<[string, SubmitOutcome, unknown]>([
    [
      'resting',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: { kind: 'orders', statuses: [{ kind: 'resting', oid: 5 }] },
      },
      { kind: 'answer', answer: { kind: 'resting', oid: 5 } },
    ],
    [
      'filled',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: { kind: 'orders', statuses: [{ kind: 'filled', oid: 5, totalSz: '0.1', avgPx: '3000' }] },
      },
      { kind: 'answer', answer: { kind: 'filled', oid: 5, totalSz: '0.1', avgPx: '3000' } },
    ],
    [
      'per-order error',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: {
          kind: 'orders',
          statuses: [{ kind: 'error', error: venueError('Insufficient margin to place order.', 'margin') }],
        },
      },
      { kind: 'answer', answer: { kind: 'rejected', error: 'Insufficient margin to place order.' } },
    ],
    [
      'one error for the batch',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: { kind: 'batchRejected', error: venueError('Order price too far', 'price-too-far') },
      },
      { kind: 'answer', answer: { kind: 'rejected', error: 'Order price too far' } },
    ],
    [
      'a wrong signature (status err)',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: {
          kind: 'rejected',
          error: venueError('L1 error: User or API Wallet 0x1 does not exist.', 'unknown-signer'),
        },
      },
      {
        kind: 'answer',
        answer: { kind: 'rejected', error: 'L1 error: User or API Wallet 0x1 does not exist.' },
      },
    ],
    [
      'the address budget (not executed, may be resent)',
      {
        kind: 'answered',
        via: 'rest',
        prepared,
        result: { kind: 'rejected', error: venueError('Too many cumulative requests sent', 'rate-limit') },
      },
      {
        kind: 'answer',
        answer: { kind: 'unknown', reason: 'not executed: Too many cumulative requests sent' },
      },
    ],
    [
      'HTTP 429',
      { kind: 'rateLimited', via: 'rest', prepared, detail: 'HTTP 429 null' },
      { kind: 'answer', answer: { kind: 'unknown', reason: 'not executed, rate limited: HTTP 429 null' } },
    ],
    [
      'a timeout',
      { kind: 'ambiguous', via: 'rest', prepared, cause: 'timeout', detail: 'no answer within 5 ms' },
      { kind: 'answer', answer: { kind: 'unknown', reason: 'timeout: no answer within 5 ms' } },
    ],
    [
      'a duplicate resend',
      {
        kind: 'duplicate',
        via: 'rest',
        prepared,
        error: venueError('Invalid nonce: duplicate nonce 1', 'nonce'),
      },
      { kind: 'duplicate' },
    ],
    [
      'past expiresAfter',
      { kind: 'notSent', prepared, reason: 'expired', detail: 'x' },
      { kind: 'answer', answer: { kind: 'expired', reason: 'expiresAfter' } },
    ],
    [
      'unreachable',
      { kind: 'notSent', prepared, reason: 'unreachable', detail: 'ECONNREFUSED' },
      { kind: 'answer', answer: { kind: 'unknown', reason: 'not sent (unreachable): ECONNREFUSED' } },
    ],
  ])('%s', (_name, outcome, expected) => {
    expect(sendResultOf(outcome)).toEqual(expected);
  });
});

describe('budgetExpired', () => {
  const prepared = { expiresAfter: undefined } as PreparedRequest;
  const until = { ...prepared, expiresAfter: 5_000 } as PreparedRequest;
  const budget: SubmitOutcome = { kind: 'notSent', prepared: until, reason: 'budget', detail: 'refused' };
  it('a send the budget held until its own expiresAfter expired unsent (not an unknown to resend)', () => {
    expect(budgetExpired(budget, 5_000)).toBe(true);
  });
  it('before expiresAfter, or for another reason, it is not', () => {
    expect(budgetExpired(budget, 4_999)).toBe(false);
    expect(budgetExpired({ ...budget, reason: 'unreachable' } as SubmitOutcome, 6_000)).toBe(false);
    expect(budgetExpired({ ...budget, prepared } as SubmitOutcome, 6_000)).toBe(false);
  });
});
