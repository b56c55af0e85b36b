import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CATALOG } from './catalog.js';
import { ControlCommand, DeadLetter } from './control.js';
import { AccountEvent, OrderEvent, RiskStateChanged } from './execution.js';
import { HealthEvent } from './health.js';
import { MarketEvent } from './market.js';
import { ContractError, parse, parseJson } from './parse.js';
import { SignalEmitted } from './signal.js';

const T = 1_732_000_000_000;
const stamps = { exchTsMs: T, recvTsMs: T + 1.25 };
const cloid = '0x0123456789abcdef0123456789abcdef';
const user = '0x1111111111111111111111111111111111111111';

/** One valid example per event type, and what a broken copy of it must be refused for. */
const cases: {
  schema: z.ZodType;
  valid: Record<string, unknown>;
  broken: [Record<string, unknown>, RegExp][];
}[] = [
  {
    schema: MarketEvent,
    valid: {
      type: 'trade',
      v: 1,
      net: 'mainnet',
      id: 'trade:BTC:1:2',
      coin: 'BTC',
      side: 'buy',
      px: '69997.0',
      sz: '0.01500',
      tid: 293_483_948_123_456,
      hash: '0xabc',
      ...stamps,
    },
    broken: [
      [{ px: 69997 }, /px: Invalid input: expected string/],
      [{ px: '1e5' }, /px: expected a non-negative decimal string/],
      [{ side: 'B' }, /side/],
      [{ v: 2 }, /v: /],
    ],
  },
  {
    schema: MarketEvent,
    valid: {
      type: 'book',
      v: 1,
      net: 'sim',
      id: 'book:ETH:1',
      coin: 'ETH',
      bids: [{ px: '3000.1', sz: '2', n: 3 }],
      asks: [],
      nSigFigs: null,
      mantissa: null,
      ...stamps,
    },
    broken: [
      [{ bids: [{ px: '1', sz: '-2', n: 1 }] }, /bids\.0\.sz/],
      [{ nSigFigs: 7 }, /nSigFigs/],
    ],
  },
  {
    schema: MarketEvent,
    valid: {
      type: 'bbo',
      v: 1,
      net: 'sim',
      id: 'bbo:ETH:1',
      coin: 'ETH',
      bid: null,
      ask: { px: '1', sz: '1', n: 1 },
      ...stamps,
    },
    broken: [[{ bid: undefined }, /bid/]],
  },
  {
    schema: MarketEvent,
    valid: {
      type: 'candle',
      v: 1,
      net: 'sim',
      id: 'c1',
      coin: 'BTC',
      interval: '1m',
      openTsMs: T,
      closeTsMs: T + 59_999,
      o: '1',
      h: '2',
      l: '0.5',
      c: '1.5',
      volume: '10.0',
      n: 4,
      ...stamps,
    },
    broken: [
      [{ interval: '2m' }, /interval/],
      [{ o: 1 }, /o: /],
    ],
  },
  {
    schema: MarketEvent,
    valid: {
      type: 'ctx',
      v: 1,
      net: 'mainnet',
      id: 'ctx1',
      coin: 'BTC',
      ...stamps,
      ctx: {
        market: 'perp',
        markPx: '1',
        midPx: null,
        oraclePx: '1',
        prevDayPx: '1',
        funding: '-0.0000125',
        openInterest: '5',
        premium: null,
        dayNtlVlm: '100',
        impactPxs: ['1', '1.1'],
      },
    },
    broken: [[{ ctx: { market: 'perp' } }, /ctx\.markPx/]],
  },
  {
    schema: MarketEvent,
    valid: { type: 'mids', v: 1, net: 'sim', id: 'm1', mids: { BTC: '1', '@107': '2' }, ...stamps },
    broken: [[{ mids: { BTC: 1 } }, /mids\.BTC/]],
  },
  {
    schema: HealthEvent,
    valid: {
      type: 'gap',
      v: 1,
      net: 'sim',
      id: 'g1',
      instance: 'ingestor-0',
      subscriptions: [{ channel: 'trades', coin: 'BTC' }],
      fromMs: T,
      toMs: T + 5000,
      reason: 'reconnect',
      backfilled: true,
    },
    broken: [[{ reason: 'because' }, /reason/]],
  },
  {
    schema: HealthEvent,
    valid: { type: 'feedHealth', v: 1, net: 'sim', id: 'h1', instance: 'i', status: 'stale', atMs: T },
    broken: [[{ status: 'sad' }, /status/]],
  },
  {
    schema: SignalEmitted,
    valid: {
      type: 'signal',
      v: 1,
      net: 'sim',
      id: 's1',
      strategy: 'trend',
      coin: 'BTC',
      side: 'buy',
      size: '0.01',
      style: 'market',
      reduceOnly: false,
      reason: 'ema cross',
      causes: [{ id: 'trade:BTC:1:2', ...stamps }],
      createdAtMs: T + 2,
      ttlMs: 5000,
    },
    broken: [
      [{ targetPosition: '0' }, /exactly one of size and targetPosition/],
      [{ style: 'limit' }, /limitPx is required/],
      [{ causes: [] }, /causes/],
    ],
  },
  {
    schema: OrderEvent,
    valid: {
      type: 'orderRequested',
      v: 1,
      net: 'sim',
      id: 'o1',
      orderId: cloid,
      atMs: T,
      signalId: 's1',
      strategy: 'trend',
      coin: 'BTC',
      side: 'sell',
      sz: '0.5',
      style: 'limit',
      limitPx: '70000',
      reduceOnly: true,
      expiresAtMs: T + 5000,
    },
    broken: [[{ orderId: '0xABC' }, /orderId: expected a 0x-prefixed 32-hex-digit cloid/]],
  },
  {
    schema: OrderEvent,
    valid: {
      type: 'orderFilled',
      v: 1,
      net: 'sim',
      id: 'o2',
      orderId: cloid,
      atMs: T,
      oid: 77,
      fillSz: '0.1',
      fillPx: '70000',
      filledSz: '0.1',
      remainingSz: '0.4',
      complete: false,
    },
    broken: [[{ oid: -1 }, /oid/]],
  },
  {
    schema: RiskStateChanged,
    valid: {
      type: 'riskStateChanged',
      v: 1,
      net: 'sim',
      id: 'r1',
      state: 'HALTED',
      previous: 'ACTIVE',
      reason: 'x',
      atMs: T,
    },
    broken: [[{ state: 'PAUSED' }, /state/]],
  },
  {
    schema: AccountEvent,
    valid: {
      type: 'fill',
      v: 1,
      net: 'sim',
      id: 'f1',
      user,
      coin: 'BTC',
      side: 'buy',
      px: '1',
      sz: '1',
      oid: 1,
      tid: 2,
      hash: '0x0',
      fee: '-0.01',
      feeToken: 'USDC',
      closedPnl: '0.0',
      startPosition: '-1.0',
      dir: 'Close Short',
      crossed: true,
      exchTsMs: T,
    },
    broken: [[{ user: '0xABC' }, /user/]],
  },
  {
    schema: ControlCommand,
    valid: { type: 'halt', v: 1, net: 'sim', id: 'c1', by: 'ops', reason: 'manual', atMs: T },
    broken: [
      [{ type: 'explode' }, /type/],
      [{ reason: '' }, /reason/],
    ],
  },
  {
    schema: DeadLetter,
    valid: {
      type: 'deadLetter',
      v: 1,
      service: 'ingestor',
      reason: 'schema',
      problems: ['px: bad'],
      source: 'trades',
      payload: '{}',
      atMs: T,
    },
    broken: [[{ payload: 5 }, /payload/]],
  },
];

describe('contracts', () => {
  it.each(cases.map((c) => [c.valid.type as string, c]))('%s: a valid example parses', (_, c) => {
    expect(parse(c.schema, c.valid)).toEqual(c.valid);
  });

  it.each(
    cases.flatMap((c) => c.broken.map(([patch, why]) => [c.valid.type as string, c, patch, why] as const)),
  )('%s: refuses %j with an error naming the field', (_, c, patch, why) => {
    const err = (() => {
      try {
        parse(c.schema, { ...c.valid, ...patch });
      } catch (e) {
        return e;
      }
      throw new Error('expected a ContractError');
    })();
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).message).toMatch(why);
    expect((err as ContractError).cause).toBeDefined();
  });

  it('parseJson refuses bytes that are not JSON with a ContractError', () => {
    expect(() => parseJson(MarketEvent, new TextEncoder().encode('{nope'))).toThrow(/not JSON/);
  });

  it('every catalog entry carries a schema version on its events', () => {
    for (const entry of CATALOG) {
      const json = JSON.stringify(entry.schema.toJSONSchema?.() ?? {});
      expect(json, entry.name).toContain('"v"');
    }
  });
});
