import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CANDLE_INTERVAL_MS } from '@hyperflow/contracts';
import { loadFixture } from '@hyperflow/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type InfoClient as Client,
  type InfoBudget,
  InfoBudgetError,
  InfoClient,
  type InfoCost,
  infoBudgetHooks,
} from './client.js';
import { InfoHttpError, InfoResponseError, InfoTransportError } from './errors.js';

interface Recorded {
  request: Record<string, unknown>;
  status: number;
  response: unknown;
}
const fixture = (name: string) => loadFixture<Recorded>(new URL(`./fixtures/${name}.json`, import.meta.url));

type Handler = (body: Record<string, unknown>, res: ServerResponse) => void;

/** A real HTTP server on loopback that answers `/info` bodies like the venue (or fails on purpose). */
let server: Server;
let baseUrl: string;
let handler: Handler;
const received: Record<string, unknown>[] = [];

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

const byType: Record<string, string> = {
  meta: 'meta',
  spotMeta: 'doc-spotMeta',
  metaAndAssetCtxs: 'doc-metaAndAssetCtxs',
  perpDexs: 'doc-perpDexs',
  allMids: 'allMids',
  l2Book: 'l2Book',
  recentTrades: 'doc-recentTrades',
  openOrders: 'openOrders',
  frontendOpenOrders: 'frontendOpenOrders',
  historicalOrders: 'historicalOrders',
  userFills: 'userFills',
  userFillsByTime: 'userFillsByTime',
  clearinghouseState: 'clearinghouseState',
  userRateLimit: 'userRateLimit',
};

const fixtures: Handler = (body, res) => {
  if (body.type === 'orderStatus') {
    const name = typeof body.oid === 'string' ? 'doc-orderStatus-unknown' : 'doc-orderStatus';
    reply(res, 200, JSON.stringify(fixture(name).response));
    return;
  }
  const name = byType[String(body.type)];
  if (!name) {
    // venue: a body it cannot deserialize is a 422 with this text
    reply(res, 422, 'Failed to deserialize the JSON body into the target type');
    return;
  }
  reply(res, 200, JSON.stringify(fixture(name).response));
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/info' ||
        req.headers['content-type'] !== 'application/json'
      ) {
        reply(res, 404, 'not found');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      received.push(body);
      handler(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  handler = fixtures;
  received.length = 0;
});

const USER = '0x5E9EE1089755c3435139848e47e6635505d5a13a';

describe('InfoClient against a loopback server', () => {
  it('fetches and validates every info type, sending lower-case addresses', async () => {
    const costs: InfoCost[] = [];
    const extras: InfoCost[] = [];
    const c = new InfoClient({
      baseUrl: `${baseUrl}/`,
      beforeRequest: (x) => void costs.push(x),
      afterResponse: (x) => void extras.push(x),
    });
    expect((await c.meta()).universe[0]).toEqual({ name: 'BTC', szDecimals: 5, maxLeverage: 50 });
    expect((await c.spotMeta()).universe.map((u) => u.name)).toEqual(['PURR/USDC', '@1', '@107']);
    expect((await c.metaAndAssetCtxs())[1][0]?.markPx).toBe('30130.0');
    expect((await c.perpDexs())[0]).toBeNull();
    expect((await c.allMids()).BTC).toBe('30135.0');
    expect((await c.l2Book({ coin: 'DYDX' }))?.levels[0]).toHaveLength(20);
    expect(await c.recentTrades('BTC')).toHaveLength(4);
    expect(await c.orderStatusByOid(USER, 141682155424)).toMatchObject({
      status: 'order',
      order: { status: 'iocCancelRejected' },
    });
    expect(await c.orderStatusByCloid(USER, '0x1234567890ABCDEF1234567890abcdef')).toEqual({
      status: 'unknownOid',
    });
    expect(await c.openOrders(USER)).toHaveLength(6);
    expect(await c.frontendOpenOrders(USER)).toHaveLength(3);
    expect(await c.historicalOrders(USER)).toHaveLength(5);
    expect(await c.userFills(USER)).toHaveLength(6);
    expect(
      await c.userFillsByTime({ user: USER, startTime: 1683245555699, endTime: 1683245884863 }),
    ).toHaveLength(6);
    expect((await c.clearinghouseState(USER)).withdrawable).toBe('1010.57173');
    expect((await c.userRateLimit(USER)).nRequestsCap).toBe(170043731737);

    expect(received.find((b) => b.type === 'orderStatus' && typeof b.oid === 'string')).toEqual({
      type: 'orderStatus',
      user: USER.toLowerCase(),
      oid: '0x1234567890abcdef1234567890abcdef',
    });
    expect(received.every((b) => b.user === undefined || b.user === USER.toLowerCase())).toBe(true);
    expect(received.find((b) => b.type === 'userFillsByTime')).toEqual({
      type: 'userFillsByTime',
      user: USER.toLowerCase(),
      startTime: 1683245555699,
      endTime: 1683245884863,
    });
    // weights debited before sending, extra weight reported from the answer's length
    expect(costs.find((x) => x.type === 'l2Book')?.weight).toBe(2);
    expect(costs.find((x) => x.type === 'meta')?.weight).toBe(20);
    expect(extras.find((x) => x.type === 'userFills')?.weight).toBe(1);
    expect(extras.find((x) => x.type === 'recentTrades')?.weight).toBe(1);
  });

  it('refuses bad arguments before sending', () => {
    const c = new InfoClient({ baseUrl });
    expect(() => c.orderStatusByCloid(USER, '0x12')).toThrow(/bad cloid/);
    expect(() => c.openOrders('alice')).toThrow(/not a 0x address/);
    expect(() => c.l2Book({ coin: 'BTC', nSigFigs: 4, mantissa: 2 })).toThrow(/mantissa/);
    expect(received).toHaveLength(0);
  });

  it('a budget hook can refuse a request', async () => {
    const c = new InfoClient({
      baseUrl,
      beforeRequest: () => {
        throw new Error('over budget');
      },
    });
    await expect(c.meta()).rejects.toThrow('over budget');
    expect(received).toHaveLength(0);
  });

  it('spends a budget through infoBudgetHooks: acquire before, debit extra after, sync on 429', async () => {
    const log: string[] = [];
    let allow = true;
    const budget: InfoBudget = {
      acquire: async (weight, o) => {
        log.push(`acquire ${weight} ${o.priority}`);
        return allow ? { granted: true } : { granted: false, reason: 'deadline' };
      },
      debit: (w) => void log.push(`debit ${w}`),
      sync: (o) => void log.push(`sync ${o.kind}`),
    };
    const c = new InfoClient({ baseUrl, ...infoBudgetHooks(budget) });
    await c.userFills(USER);
    await c.l2Book({ coin: 'DYDX' });
    handler = (_b, res) => reply(res, 429, 'null');
    await expect(c.meta()).rejects.toBeInstanceOf(InfoHttpError);
    allow = false;
    const refused = await c.meta().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InfoBudgetError);
    expect((refused as Error).message).toBe('info meta: no budget (deadline)');
    expect(log).toEqual([
      'acquire 20 info',
      'debit 1',
      'acquire 2 info',
      'acquire 20 info',
      'sync throttled',
      'acquire 20 info',
    ]);
    expect(received).toHaveLength(3);
  });

  it('422 is a non-retryable typed error carrying the body', async () => {
    const c = new InfoClient({ baseUrl });
    const err = await c.request({ type: 'noSuchType' }, Object as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfoHttpError);
    expect(err).toMatchObject({
      status: 422,
      retryable: false,
      requestType: 'noSuchType',
      body: 'Failed to deserialize the JSON body into the target type',
    });
  });

  it('429 (body null) and 5xx are retryable typed errors', async () => {
    const c = new InfoClient({ baseUrl });
    handler = (_b, res) => reply(res, 429, 'null');
    const limited = await c.meta().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(InfoHttpError);
    expect(limited).toMatchObject({ status: 429, retryable: true, rateLimited: true, body: 'null' });
    expect((limited as Error).message).toBe('info meta: HTTP 429 null');
    handler = (_b, res) => reply(res, 500, '');
    expect(await c.allMids().catch((e: unknown) => e)).toMatchObject({
      name: 'InfoHttpError',
      status: 500,
      retryable: true,
    });
    handler = (_b, res) => reply(res, 503, 'upstream');
    expect(await c.allMids().catch((e: unknown) => e)).toMatchObject({ status: 503, retryable: true });
  });

  it('a 200 with a corrupt body is an InfoResponseError naming the field', async () => {
    const c = new InfoClient({ baseUrl });
    handler = (_b, res) =>
      reply(res, 200, JSON.stringify({ cumVlm: '1', nRequestsUsed: 'many', nRequestsCap: 1 }));
    const err = await c.userRateLimit(USER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfoResponseError);
    expect((err as Error).message).toBe(
      'info userRateLimit: invalid response: nRequestsUsed: Invalid input: expected number, received string',
    );
    handler = (_b, res) => reply(res, 200, '<html>');
    expect(await c.meta().catch((e: unknown) => e)).toBeInstanceOf(InfoResponseError);
  });

  it('times out through AbortSignal and reports a retryable transport error', async () => {
    handler = () => {
      // never answer
    };
    const c = new InfoClient({ baseUrl, timeoutMs: 100 });
    const err = await c.meta().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfoTransportError);
    expect(err).toMatchObject({ timedOut: true, retryable: true });
  });

  it('a refused connection is a transport error', async () => {
    const c = new InfoClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    expect(await c.meta().catch((e: unknown) => e)).toMatchObject({
      name: 'InfoTransportError',
      timedOut: false,
    });
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const c = new InfoClient({
      baseUrl: 'http://venue.invalid',
      fetch: async (url, init) => {
        seen.push(`${String(url)} ${String(init?.body)}`);
        return new Response('{"BTC":"1.0"}', { status: 200 });
      },
    });
    expect(await c.allMids('xyz')).toEqual({ BTC: '1.0' });
    expect(seen).toEqual(['http://venue.invalid/info {"type":"allMids","dex":"xyz"}']);
  });
});

describe('candleSnapshot paging', () => {
  const H = CANDLE_INTERVAL_MS['1h'];
  const T0 = 1_684_699_200_000; // an hour boundary

  /** Serves hourly candles for every open time in the asked range, at most `cap` per answer. */
  function candleServer(cap: number): Handler {
    return (body, res) => {
      const req = body.req as { coin: string; interval: string; startTime: number; endTime: number };
      const out: unknown[] = [];
      const first = Math.ceil(req.startTime / H) * H;
      for (let t = first; t <= req.endTime && out.length < cap; t += H) {
        out.push({
          t,
          T: t + H - 1,
          s: req.coin,
          i: req.interval,
          o: '1.0',
          c: `1.${t / H}`,
          h: '2',
          l: '0.5',
          v: '10.0',
          n: 3,
        });
      }
      reply(res, 200, JSON.stringify(out));
    };
  }

  const opens = (c: Awaited<ReturnType<Client['candleSnapshot']>>) => c.map((x) => x.t);
  const range = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * H);

  it('splits a long range into windows of at most N candles and de-duplicates boundaries', async () => {
    handler = candleServer(5000);
    const c = new InfoClient({ baseUrl, candlesPerRequest: 10 });
    const candles = await c.candleSnapshot({
      coin: 'BTC',
      interval: '1h',
      startTime: T0,
      endTime: T0 + 24 * H,
    });
    expect(opens(candles)).toEqual(range(25));
    const windows = received.map((b) => b.req as { startTime: number; endTime: number });
    for (const w of windows) expect(w.endTime - w.startTime).toBeLessThan(10 * H);
    expect(windows[0]).toMatchObject({ startTime: T0 });
    expect(windows.at(-1)?.endTime).toBe(T0 + 24 * H);
    expect(
      received.every((b) => b.type === 'candleSnapshot' && (b.req as { coin: string }).coin === 'BTC'),
    ).toBe(true);
  });

  it('continues from the last open time when an answer is capped', async () => {
    handler = candleServer(4);
    const c = new InfoClient({ baseUrl, candlesPerRequest: 10 });
    const candles = await c.candleSnapshot({
      coin: 'BTC',
      interval: '1h',
      startTime: T0,
      endTime: T0 + 19 * H,
    });
    expect(opens(candles)).toEqual(range(20));
    expect(new Set(opens(candles)).size).toBe(20);
    // every request after the first starts where an answer stopped or a window ended
    expect(received.length).toBeGreaterThan(5);
  });

  it('one request when the range fits, and an empty range is empty', async () => {
    handler = candleServer(5000);
    const c = new InfoClient({ baseUrl });
    expect(
      opens(await c.candleSnapshot({ coin: 'kPEPE', interval: '1h', startTime: T0, endTime: T0 + 23 * H })),
    ).toEqual(range(24));
    expect(received).toHaveLength(1);
    received.length = 0;
    handler = (_b, res) => reply(res, 200, '[]');
    expect(
      await c.candleSnapshot({ coin: 'kPEPE', interval: '1h', startTime: T0, endTime: T0 + 23 * H }),
    ).toEqual([]);
    expect(received).toHaveLength(1);
    await expect(
      c.candleSnapshot({ coin: 'kPEPE', interval: '1h', startTime: 5, endTime: 4 }),
    ).rejects.toThrow(/bad range/);
  });

  it('the recorded snapshot parses through the client', async () => {
    handler = (_b, res) => reply(res, 200, JSON.stringify(fixture('candleSnapshot').response));
    const c = new InfoClient({ baseUrl });
    const r = fixture('candleSnapshot').request.req as { startTime: number; endTime: number };
    const candles = await c.candleSnapshot({
      coin: 'kPEPE',
      interval: '1h',
      startTime: r.startTime,
      endTime: r.endTime,
    });
    expect(candles).toHaveLength(24);
    expect(candles[0]?.v).toBe('520665683.0');
  });
});
