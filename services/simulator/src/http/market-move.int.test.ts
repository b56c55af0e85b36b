import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDecimal } from '../market/decimal.js';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { isChannel, TestSocket } from '../test-support/ws-client.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  // no timer and no random taker: only a test's ticks move the market, only a forced move trades
  sim = await startSimulator({ seed: 5, tickMs: 0, warmupTicks: 5, takerProbability: 0 });
});
afterAll(async () => {
  await sim.close();
});

async function move(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.httpUrl}/_sim/market/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const info = async (body: unknown) =>
  (
    await fetch(`${sim.httpUrl}/info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json();

const scaled = (s: string) => parseDecimal(s) ?? 0n;

describe('GET /healthz and /readyz', () => {
  it('given a listening simulator, when probed, then both answer 200 without spending venue weight', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${sim.httpUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    expect((await fetch(`${sim.httpUrl}/healthz`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('POST /_sim/market/move', () => {
  it('given a bps move, when posted, then mids and books follow at once and the next tick trades there', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    try {
      ws.send({ method: 'subscribe', subscription: { type: 'bbo', coin: 'BTC' } });
      ws.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
      await ws.next(isChannel('subscriptionResponse'));
      await ws.next((r) => isChannel('subscriptionResponse')(r) && r.text.includes('trades'));
      const before = ((await info({ type: 'allMids' })) as Record<string, string>).BTC ?? '0';

      const from = ws.frames.length;
      const r = await move({ coin: 'BTC', bps: '300' });
      expect(r.status).toBe(200);
      const body = r.json as { status: string; coin: string; from: string; to: string };
      expect(body).toMatchObject({ status: 'ok', coin: 'BTC' });
      expect(body.from).toMatch(/^\d+(\.\d+)?$/);
      expect(body.to).toMatch(/^\d+(\.\d+)?$/);
      const to = scaled(body.to);
      expect(to - scaled(body.from)).toBe(
        ((scaled(body.from) * 300n) / 10_000n / 100_000_000n) * 100_000_000n,
      );
      // well above where it was: 3 % is hundreds of ticks for BTC
      const moved = (s: string) => scaled(s) > scaled(before) + (scaled(before) * 290n) / 10_000n;

      // mids and the book: immediately, before any tick
      const mids = (await info({ type: 'allMids' })) as Record<string, string>;
      expect(moved(mids.BTC ?? '0'), `${before} → ${mids.BTC}`).toBe(true);
      const bbo = await ws.next(isChannel('bbo'), 5000, from);
      const [bid, ask] = (bbo.json as { data: { bbo: [{ px: string }, { px: string }] } }).data.bbo;
      expect(moved(bid.px) && moved(ask.px)).toBe(true);

      // the next market step prints a buy at the new price (no random taker in this simulator)
      const tradesBefore = ((await info({ type: 'recentTrades', coin: 'BTC' })) as unknown[]).length;
      sim.tick();
      const frame = await ws.next(isChannel('trades'), 5000, from);
      const trades = (frame.json as { data: { side: string; px: string }[] }).data;
      expect(trades.length).toBeGreaterThan(0);
      for (const t of trades) {
        expect(t.side).toBe('B');
        expect(moved(t.px), t.px).toBe(true);
      }
      expect(((await info({ type: 'recentTrades', coin: 'BTC' })) as unknown[]).length).toBeGreaterThan(
        tradesBefore,
      );
    } finally {
      await ws.close();
    }
  });

  it('given a px move down, when posted, then the mid is that price on the tick grid', async () => {
    const r = await move({ coin: 'ETH', px: '2500.05' });
    expect(r).toEqual({
      status: 200,
      json: { status: 'ok', coin: 'ETH', from: expect.any(String), to: '2500' },
    });
    const mids = (await info({ type: 'allMids' })) as Record<string, string>;
    const mid = scaled(mids.ETH ?? '0');
    expect(mid > scaled('2499') && mid < scaled('2501'), mids.ETH).toBe(true);
  });

  it.each([
    ['not json', 'body'],
    [{ bps: '10' }, 'coin'],
    [{ coin: 'NOPE', bps: '10' }, 'coin'],
    [{ coin: 'BTC', bps: 10 }, 'bps'],
    [{ coin: 'BTC' }, 'bps'],
    [{ coin: 'BTC', px: 'abc' }, 'px'],
  ])('given %j, when posted, then 400 naming %s and the market stays', async (body, field) => {
    const before = await info({ type: 'allMids' });
    const r = await move(body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ field, error: expect.any(String) });
    expect(await info({ type: 'allMids' })).toEqual(before);
  });
});
