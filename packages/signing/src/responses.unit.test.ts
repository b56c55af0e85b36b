import { describe, expect, it } from 'vitest';
import { SigningError } from './errors.js';
import { classifyVenueError, parseExchangeHttpResponse, parseExchangeResponse } from './responses.js';
import {
  CANCEL_MIXED,
  DEFAULT_OK,
  ERR_ADDRESS_RATE_LIMIT,
  ERR_DUPLICATE_NONCE,
  ERR_UNKNOWN_SIGNER,
  ERROR_STRINGS,
  ORDER_BATCH_PREVALIDATION,
  ORDER_MIXED,
  TWAP_RUNNING,
} from './test-support/exchange-responses.js';

describe('parseExchangeResponse', () => {
  it('order statuses: resting, filled (with and without cloid), error, bare strings; decimals kept verbatim', () => {
    expect(parseExchangeResponse(ORDER_MIXED, { expected: 7 })).toEqual({
      kind: 'orders',
      statuses: [
        { kind: 'resting', oid: 77738308 },
        { kind: 'resting', oid: 77738309, cloid: '0x00000000000000000000000000000001' },
        { kind: 'filled', oid: 77747314, totalSz: '0.02', avgPx: '1891.4' },
        {
          kind: 'filled',
          oid: 77747315,
          totalSz: '0.0200',
          avgPx: '1891.40',
          cloid: '0x00000000000000000000000000000002',
        },
        {
          kind: 'error',
          error: { message: 'Order must have minimum value of $10.', reason: 'min-notional' },
        },
        { kind: 'waitingForFill' },
        { kind: 'waitingForTrigger' },
      ],
    });
  });

  it('one error for an n-order batch is a batch rejection', () => {
    expect(parseExchangeResponse(ORDER_BATCH_PREVALIDATION, { expected: 3 })).toEqual({
      kind: 'batchRejected',
      error: { message: 'Price must be divisible by tick size.', reason: 'tick' },
    });
    // for a single order it is that order's error
    expect(parseExchangeResponse(ORDER_BATCH_PREVALIDATION, { expected: 1 })).toMatchObject({
      kind: 'orders',
    });
    expect(parseExchangeResponse(ORDER_BATCH_PREVALIDATION)).toMatchObject({ kind: 'orders' });
  });

  it('any other status count mismatch is corrupt data', () => {
    expect(() => parseExchangeResponse(ORDER_MIXED, { expected: 3 })).toThrow(/7 statuses for 3 items/);
  });

  it('batchModify answers like an order', () => {
    const body = { status: 'ok', response: { type: 'batchModify', data: ORDER_MIXED.response.data } };
    expect(parseExchangeResponse(body)).toMatchObject({ kind: 'orders' });
  });

  it('cancel statuses', () => {
    expect(parseExchangeResponse(CANCEL_MIXED, { expected: 2 })).toEqual({
      kind: 'cancels',
      statuses: [
        { kind: 'success' },
        {
          kind: 'error',
          error: {
            message: 'Order was never placed, already canceled, or filled.',
            reason: 'order-not-found',
          },
        },
      ],
    });
  });

  it('default, twap and unmodelled ok types', () => {
    expect(parseExchangeResponse(DEFAULT_OK)).toEqual({ kind: 'accepted' });
    expect(parseExchangeResponse(TWAP_RUNNING)).toEqual({ kind: 'twapRunning', twapId: 77738308 });
    expect(
      parseExchangeResponse({
        status: 'ok',
        response: { type: 'twapOrder', data: { status: { error: 'x' } } },
      }),
    ).toEqual({ kind: 'twapError', error: { message: 'x', reason: 'unknown' } });
    expect(parseExchangeResponse({ status: 'ok', response: { type: 'somethingNew', data: 1 } })).toEqual({
      kind: 'okOther',
      type: 'somethingNew',
    });
  });

  it('whole-request errors', () => {
    expect(parseExchangeResponse(ERR_UNKNOWN_SIGNER)).toEqual({
      kind: 'rejected',
      error: { message: ERR_UNKNOWN_SIGNER.response, reason: 'unknown-signer' },
    });
    expect(parseExchangeResponse(ERR_DUPLICATE_NONCE)).toMatchObject({ error: { reason: 'nonce' } });
    expect(parseExchangeResponse(ERR_ADDRESS_RATE_LIMIT)).toMatchObject({ error: { reason: 'rate-limit' } });
  });

  it('corrupt bodies throw SigningError with the zod error as cause', () => {
    const bad: readonly unknown[] = [
      null,
      'ok',
      { status: 'ok' },
      { status: 'maybe', response: 'x' },
      { status: 'ok', response: { type: 'order', data: { statuses: [{ resting: { oid: -1 } }] } } },
      {
        status: 'ok',
        response: { type: 'order', data: { statuses: [{ filled: { totalSz: 1, avgPx: '1', oid: 1 } }] } },
      },
      { status: 'ok', response: { type: 'cancel', data: { statuses: ['nope'] } } },
    ];
    for (const body of bad) {
      let caught: unknown;
      try {
        parseExchangeResponse(body);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SigningError);
      expect((caught as SigningError).code).toBe('invalid-response');
      expect((caught as SigningError).cause).toBeDefined();
    }
  });
});

describe('parseExchangeHttpResponse', () => {
  it('429 is the per-IP limit whatever the body', () => {
    expect(parseExchangeHttpResponse(429, null)).toEqual({ kind: 'rateLimited' });
    expect(parseExchangeHttpResponse(429, undefined)).toEqual({ kind: 'rateLimited' });
  });

  it('200 parses the body; other statuses are unexpected', () => {
    expect(parseExchangeHttpResponse(200, DEFAULT_OK)).toEqual({ kind: 'accepted' });
    expect(() => parseExchangeHttpResponse(500, null)).toThrow(/HTTP 500/);
  });
});

describe('classifyVenueError', () => {
  it.each(ERROR_STRINGS)('%s → %s', (message, reason) => {
    expect(classifyVenueError(message)).toEqual({ message, reason });
  });
});
