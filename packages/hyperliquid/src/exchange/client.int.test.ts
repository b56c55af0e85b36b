import {
  cancelAction,
  ExchangeSigner,
  LocalSigner,
  NonceManager,
  type OrderInput,
  orderAction,
} from '@hyperflow/signing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ipWeightBudget } from '../budget/ledger.js';
import type { AcquireOptions, ObservedUsage } from '../budget/port.js';
import { InfoClient } from '../http/client.js';
import { type ExchangeBudget, ExchangeClient, type ExchangeClientOptions } from './client.js';
import { type LoopbackVenue, startLoopbackVenue } from './test-support/venue.js';

// a throwaway test key (never funded anywhere)
const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const USER = '0x31ca8395cf837de08b24da3f660e77761dfb974b';
const CLOID = '0x000000000000000000000000000000c1';

function order(i: number, extra: Partial<OrderInput> = {}): OrderInput {
  return {
    asset: 4,
    isBuy: true,
    price: '1670.1',
    size: '0.0147',
    type: { kind: 'limit', tif: 'Gtc' },
    ...(i === 0 ? { cloid: CLOID } : {}),
    ...extra,
  };
}

const signer = new ExchangeSigner({
  signer: new LocalSigner(KEY),
  network: 'testnet',
  nonces: new NonceManager({ clock: () => Date.now() }),
});

/** A budget that records what it was asked, wrapping a real ledger. */
function recording(inner: ExchangeBudget = ipWeightBudget({ limit: 1200 })) {
  const asked: { weight: number; options: AcquireOptions }[] = [];
  const synced: ObservedUsage[] = [];
  const budget: ExchangeBudget = {
    acquire: (weight, options) => {
      asked.push({ weight, options });
      return inner.acquire(weight, options);
    },
    sync: (observed) => {
      synced.push(observed);
      inner.sync(observed);
    },
  };
  return { budget, asked, synced };
}

let venue: LoopbackVenue;

beforeEach(async () => {
  venue = await startLoopbackVenue();
});

afterEach(async () => {
  await venue.close();
});

function client(extra: Partial<ExchangeClientOptions> = {}): ExchangeClient {
  return new ExchangeClient({ baseUrl: venue.url, timeoutMs: 2000, ...extra });
}

describe('ExchangeClient over REST on a loopback venue', () => {
  it('posts the signed body byte for byte and parses resting / filled / error per order', async () => {
    const ip = recording();
    const address = recording();
    const ex = client({ ipBudget: ip.budget, addressBudget: address.budget });
    const request = await signer.sign(orderAction({ orders: [order(0), order(1), order(2)] }), {
      expiresInMs: 10_000,
    });
    venue.reply({
      status: 200,
      json: {
        status: 'ok',
        response: {
          type: 'order',
          data: {
            statuses: [
              { resting: { oid: 77738308, cloid: CLOID } },
              { filled: { totalSz: '0.0147', avgPx: '1670.1', oid: 77738309 } },
              { error: 'Order must have minimum value of $10.' },
            ],
          },
        },
      },
    });
    const out = await ex.submit(request);
    expect(venue.received).toEqual([
      { path: '/exchange', contentType: 'application/json', body: JSON.stringify(request) },
    ]);
    expect(out).toMatchObject({
      kind: 'answered',
      via: 'rest',
      result: {
        kind: 'orders',
        statuses: [
          { kind: 'resting', oid: 77738308, cloid: CLOID },
          { kind: 'filled', oid: 77738309, totalSz: '0.0147', avgPx: '1670.1' },
          { kind: 'error', error: { reason: 'min-notional' } },
        ],
      },
    });
    // one IP weight for 3 orders, three address requests, debited before sending
    // (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits)
    expect(ip.asked).toMatchObject([{ weight: 1, options: { priority: 'newOrder' } }]);
    expect(address.asked).toMatchObject([{ weight: 3, options: { priority: 'newOrder' } }]);
    // the wait for budget never reaches past expiresAfter
    expect(ip.asked[0]?.options.deadlineMs).toBeLessThanOrEqual(request.expiresAfter ?? 0);
  });

  it('handles a one-error batch, cancels, status err and the address rate limit (re-synced)', async () => {
    const address = recording();
    const ex = client({ addressBudget: address.budget });
    venue.reply(
      {
        status: 200,
        json: {
          status: 'ok',
          response: {
            type: 'order',
            data: { statuses: [{ error: 'Price must be divisible by tick size.' }] },
          },
        },
      },
      {
        status: 200,
        json: {
          status: 'ok',
          response: {
            type: 'cancel',
            data: {
              statuses: ['success', { error: 'Order was never placed, already canceled, or filled.' }],
            },
          },
        },
      },
      {
        status: 200,
        json: {
          status: 'err',
          response: 'L1 error: User or API Wallet 0x0123456789abcdef0123456789abcdef01234567 does not exist.',
        },
      },
      {
        status: 200,
        json: {
          status: 'err',
          response:
            'Too many cumulative requests sent (97460 > 97456) for cumulative volume traded $87457.46. Place taker orders to free up 1 request per USDC traded.',
        },
      },
    );
    const batch = await ex.submit(await signer.sign(orderAction({ orders: [order(1), order(2)] })));
    expect(batch).toMatchObject({
      kind: 'answered',
      result: { kind: 'batchRejected', error: { reason: 'tick' } },
    });

    const cancels = await ex.submit(
      await signer.sign(
        cancelAction([
          { asset: 4, oid: 1 },
          { asset: 4, oid: 2 },
        ]),
      ),
    );
    expect(cancels).toMatchObject({
      kind: 'answered',
      result: {
        kind: 'cancels',
        statuses: [{ kind: 'success' }, { kind: 'error', error: { reason: 'order-not-found' } }],
      },
    });
    expect(address.asked[1]).toMatchObject({ weight: 2, options: { priority: 'cancel' } });

    const unknownSigner = await ex.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(unknownSigner).toMatchObject({
      kind: 'answered',
      result: { kind: 'rejected', error: { reason: 'unknown-signer' } },
    });
    expect(address.synced).toEqual([]);

    const limited = await ex.submit(
      await signer.sign(orderAction({ orders: [order(1, { reduceOnly: true })] })),
    );
    expect(limited).toMatchObject({
      kind: 'answered',
      result: { kind: 'rejected', error: { reason: 'rate-limit' } },
    });
    expect(address.asked[3]?.options.priority).toBe('reduceOnly');
    expect(address.synced).toEqual([{ kind: 'throttled' }]);
  });

  it('422 is refused (not executed, not ambiguous)', async () => {
    const ex = client();
    venue.reply({ status: 422, text: 'Failed to deserialize the JSON body into the target type' });
    const out = await ex.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(out).toMatchObject({
      kind: 'refused',
      httpStatus: 422,
      detail: expect.stringContaining('deserialize'),
    });
  });

  it('429 is rate limited and re-syncs the IP budget, so the next send waits instead of hammering', async () => {
    const ledger = ipWeightBudget({ limit: 1200, reservedForRiskReducing: 0 });
    const ip = recording(ledger);
    const ex = client({ ipBudget: ip.budget, maxBudgetWaitMs: 100 });
    venue.reply({ status: 429, text: 'null' });
    const out = await ex.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(out).toMatchObject({ kind: 'rateLimited', via: 'rest' });
    expect(ip.synced).toEqual([{ kind: 'throttled' }]);
    expect(ledger.snapshot()).toMatchObject({ available: 0 });

    const next = await ex.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(next).toMatchObject({ kind: 'notSent', reason: 'budget' });
    expect(venue.received).toHaveLength(1);
  });

  it('500 is ambiguous; resend carries the identical bytes and a duplicate nonce means it had landed', async () => {
    const ex = client();
    const request = await signer.sign(orderAction({ orders: [order(0)] }), { expiresInMs: 10_000 });
    venue.reply(
      { status: 500, text: 'internal error' },
      { status: 200, json: { status: 'err', response: `Invalid nonce: duplicate nonce ${request.nonce}` } },
    );
    const first = await ex.submit(request);
    expect(first).toMatchObject({ kind: 'ambiguous', cause: 'serverError' });
    if (first.kind !== 'ambiguous') throw new Error('unreachable');
    const again = await ex.resend(first.prepared);
    expect(again).toMatchObject({ kind: 'duplicate', error: { reason: 'nonce' } });
    expect(venue.received.map((r) => r.body)).toEqual([JSON.stringify(request), JSON.stringify(request)]);
  });

  it('a hanging request times out as ambiguous; the resend is byte-identical and resolveByCloid finds the order', async () => {
    const info = new InfoClient({ baseUrl: venue.url });
    const ex = client({ timeoutMs: 300, info });
    const request = await signer.sign(orderAction({ orders: [order(0)] }), { expiresInMs: 10_000 });
    venue.reply(
      { hang: true },
      // the venue already has the first copy: the resend is refused by its nonce
      { status: 200, json: { status: 'err', response: `Invalid nonce: duplicate nonce ${request.nonce}` } },
      {
        status: 200,
        json: {
          status: 'order',
          order: {
            order: {
              coin: 'ETH',
              side: 'B',
              limitPx: '1670.1',
              sz: '0.0',
              oid: 91,
              timestamp: 1,
              origSz: '0.0147',
              cloid: CLOID,
            },
            status: 'filled',
            statusTimestamp: 2,
          },
        },
      },
    );
    const started = Date.now();
    const first = await ex.submit(request);
    expect(first).toMatchObject({ kind: 'ambiguous', cause: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    if (first.kind !== 'ambiguous') throw new Error('unreachable');
    expect(first.prepared.cloids).toEqual([CLOID]);

    const again = await ex.resend(first.prepared);
    expect(again.kind).toBe('duplicate');
    const resolved = await ex.resolveByCloid(USER, CLOID, first.prepared);
    expect(resolved).toMatchObject({ kind: 'found', status: 'filled', oid: 91 });

    const [sent, resent, query] = venue.received;
    expect(resent?.body).toBe(sent?.body);
    expect(JSON.parse(query?.body ?? '')).toEqual({ type: 'orderStatus', user: USER, oid: CLOID });
  });

  it('an unknown cloid is final only once the action can no longer land', async () => {
    let now = 1_700_000_000_000;
    const info = new InfoClient({ baseUrl: venue.url });
    const ex = client({ info, clock: () => now, expirySettleMs: 1000 });
    const request = {
      action: orderAction({ orders: [order(0)] }),
      nonce: now,
      signature: { r: `0x${'1'.repeat(64)}`, s: `0x${'2'.repeat(64)}`, v: 27 },
      expiresAfter: now + 5000,
    } as const;
    venue.reply(
      { status: 500, text: 'boom' },
      { status: 200, json: { status: 'unknownOid' } },
      { status: 200, json: { status: 'unknownOid' } },
    );
    const first = await ex.submit(request);
    if (first.kind !== 'ambiguous') throw new Error(`expected ambiguous, got ${first.kind}`);
    expect(await ex.resolveByCloid(USER, CLOID, first.prepared)).toEqual({ kind: 'unknown', final: false });
    now += 6001;
    expect(await ex.resolveByCloid(USER, CLOID, first.prepared)).toEqual({ kind: 'unknown', final: true });
    // and the resend is refused: the action expired
    expect(await ex.resend(first.prepared)).toMatchObject({ kind: 'notSent', reason: 'expired' });
    expect(venue.received.filter((r) => r.path === '/exchange')).toHaveLength(1);
  });

  it('never sends an expired action, nor resends one without expiresAfter past the resend window', async () => {
    let now = 1_700_000_000_000;
    const ex = client({ clock: () => now, resendWindowMs: 1000 });
    const sig = { r: `0x${'1'.repeat(64)}`, s: `0x${'2'.repeat(64)}`, v: 27 } as const;
    const stale = {
      action: orderAction({ orders: [order(1)] }),
      nonce: now - 10,
      signature: sig,
      expiresAfter: now - 1,
    };
    expect(await ex.submit(stale)).toMatchObject({ kind: 'notSent', reason: 'expired' });

    venue.reply({ status: 502, text: 'bad gateway' });
    const open = await ex.submit({ action: orderAction({ orders: [order(1)] }), nonce: now, signature: sig });
    if (open.kind !== 'ambiguous') throw new Error(`expected ambiguous, got ${open.kind}`);
    now += 1001;
    expect(await ex.resend(open.prepared)).toMatchObject({ kind: 'notSent', reason: 'expired' });
    expect(venue.received).toHaveLength(1);
  });

  it('an unreadable 200 is ambiguous; a refused connection is not sent', async () => {
    const ex = client();
    venue.reply({
      status: 200,
      text: '{"status":"ok","response":{"type":"order","data":{"statuses":[{"weird":1}]}}}',
    });
    const out = await ex.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(out).toMatchObject({ kind: 'ambiguous', cause: 'unreadableResponse' });

    const url = venue.url;
    await venue.close();
    const closed = new ExchangeClient({ baseUrl: url, timeoutMs: 2000 });
    const refused = await closed.submit(await signer.sign(orderAction({ orders: [order(1)] })));
    expect(refused).toMatchObject({ kind: 'notSent', reason: 'unreachable' });
    venue = await startLoopbackVenue(); // for afterEach
  });
});
