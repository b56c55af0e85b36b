import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { approveAgentBody, signedBody, signL1, type TypedSigner } from '../test-support/sign.js';
import { BasicOrder, Candle, L2Book, WsFill, WsTrade } from '../test-support/wire.js';

const master = Wallet.createRandom();
const agent = Wallet.createRandom();
const stranger = Wallet.createRandom();
const USER = master.address.toLowerCase();
const CLOID = '0x0000000000000000000000000000abcd';
let sim: SimulatorHandle;
let nonce = Date.now();

beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    tickMs: 0, // the market only moves when a test ticks it
    accounts: { [USER]: '100000' },
    agents: { [agent.address]: master.address },
  });
});
afterAll(async () => {
  await sim.close();
});

async function post(path: '/info' | '/exchange', body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* 422 answers in plain text */
  }
  return { status: res.status, json };
}

const info = async (body: unknown) => (await post('/info', body)).json as never;

async function act(action: Record<string, unknown>, wallet: TypedSigner = master, n = ++nonce) {
  return (await post('/exchange', await signedBody(wallet, action, n))).json as {
    status: string;
    response: unknown;
  };
}

const orderAction = (o: Record<string, unknown>) => ({
  type: 'order',
  orders: [{ a: 1, b: true, p: '2900', s: '0.1', r: false, t: { limit: { tif: 'Gtc' } }, ...o }],
  grouping: 'na',
});

describe('POST /info', () => {
  it('given market queries, when answered, then shapes match the venue', async () => {
    const meta = (await info({ type: 'meta' })) as {
      universe: { name: string; szDecimals: number; maxLeverage: number }[];
    };
    expect(meta.universe.map((u) => u.name)).toEqual(['BTC', 'ETH', 'SOL']);
    const spot = (await info({ type: 'spotMeta' })) as { universe: { name: string; index: number }[] };
    expect(spot.universe.map((u) => u.name)).toEqual(['PURR/USDC', '@1']);
    const [m, ctxs] = (await info({ type: 'metaAndAssetCtxs' })) as [unknown, { markPx: string }[]];
    expect(m).toEqual(meta);
    expect(ctxs).toHaveLength(3);
    const mids = (await info({ type: 'allMids' })) as Record<string, string>;
    expect(Object.keys(mids)).toEqual(['BTC', 'ETH', 'SOL', 'PURR/USDC', '@1']);
    expect(L2Book.parse(await info({ type: 'l2Book', coin: 'BTC' })).levels[0]).toHaveLength(20);
    expect(await info({ type: 'l2Book', coin: 'NOPE' })).toBeNull();
    const trades = (await info({ type: 'recentTrades', coin: 'BTC' })) as unknown[];
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) WsTrade.parse(t);
    const candles = (await info({
      type: 'candleSnapshot',
      req: { coin: 'BTC', interval: '1m', startTime: 0, endTime: Date.now() + 60_000 },
    })) as unknown[];
    expect(candles.length).toBeGreaterThan(0);
    for (const c of candles) Candle.parse(c);
  });

  it('given a body of the wrong shape, when posted, then HTTP 422 with the venue text', async () => {
    expect(await post('/info', '{"type":"l2Book"}')).toEqual({
      status: 422,
      json: 'Failed to deserialize the JSON body into the target type',
    });
    expect((await post('/info', { type: 'l2Book' })).status).toBe(422);
    const badInterval = { type: 'candleSnapshot', req: { coin: 'BTC', interval: '7m', startTime: 0 } };
    expect((await post('/info', badInterval)).status).toBe(422);
    expect((await post('/exchange', { action: { type: 'order' } })).status).toBe(422);
  });
});

describe('POST /exchange', () => {
  it('given a signed Gtc below the book, when placed, then it rests and shows in openOrders and orderStatus', async () => {
    const r = await act(orderAction({ c: CLOID }));
    expect(r).toEqual({
      status: 'ok',
      response: {
        type: 'order',
        data: { statuses: [{ resting: { oid: expect.any(Number), cloid: CLOID } }] },
      },
    });
    const oid = (r.response as { data: { statuses: { resting: { oid: number } }[] } }).data.statuses[0]
      ?.resting.oid;
    const open = (await info({ type: 'openOrders', user: USER })) as unknown[];
    expect(open.map((o) => BasicOrder.parse(o).oid)).toContain(oid);
    const byOid = (await info({ type: 'orderStatus', user: USER, oid })) as {
      status: string;
      order: { status: string };
    };
    expect(byOid).toMatchObject({ status: 'order', order: { status: 'open', order: { oid, cloid: CLOID } } });
    const byCloid = await info({ type: 'orderStatus', user: USER, oid: CLOID });
    expect(byCloid).toEqual(byOid);
    expect(await info({ type: 'orderStatus', user: USER, oid: 1 })).toEqual({ status: 'unknownOid' });

    expect(await act({ type: 'cancelByCloid', cancels: [{ asset: 1, cloid: CLOID }] })).toEqual({
      status: 'ok',
      response: { type: 'cancel', data: { statuses: ['success'] } },
    });
    expect(await act({ type: 'cancel', cancels: [{ a: 1, o: oid }] })).toEqual({
      status: 'ok',
      response: {
        type: 'cancel',
        data: { statuses: [{ error: 'Order was never placed, already canceled, or filled. asset=1' }] },
      },
    });
  });

  it('given a marketable Ioc, when placed, then it fills against the book and the account shows it', async () => {
    const r = await act(orderAction({ p: '3300', s: '0.5', t: { limit: { tif: 'Ioc' } } }));
    expect(r).toMatchObject({
      status: 'ok',
      response: { data: { statuses: [{ filled: { totalSz: '0.5' } }] } },
    });
    const fills = (await info({ type: 'userFills', user: USER })) as unknown[];
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) WsFill.parse(f);
    const byTime = (await info({ type: 'userFillsByTime', user: USER, startTime: 0 })) as unknown[];
    expect(byTime).toEqual(fills);
    const ch = (await info({ type: 'clearinghouseState', user: USER })) as {
      assetPositions: { position: { coin: string; szi: string } }[];
    };
    expect(ch.assetPositions[0]?.position).toMatchObject({ coin: 'ETH', szi: '0.5' });
    const rl = (await info({ type: 'userRateLimit', user: USER })) as {
      nRequestsUsed: number;
      nRequestsCap: number;
    };
    expect(rl.nRequestsUsed).toBeGreaterThan(0);
    expect(rl.nRequestsCap).toBeGreaterThan(10_000);
  });

  it('given venue rule violations, when placed, then per-order venue strings', async () => {
    const statuses = async (o: Record<string, unknown>) =>
      ((await act(orderAction(o))).response as { data: { statuses: unknown[] } }).data.statuses;
    expect(await statuses({ p: '2900.55' })).toEqual([
      { error: 'Price must be divisible by tick size. asset=1' },
    ]);
    expect(await statuses({ s: '0.00001' })).toEqual([{ error: 'Order has invalid size. asset=1' }]);
    expect(await statuses({ s: '0.001' })).toEqual([
      { error: 'Order must have minimum value of $10. asset=1' },
    ]);
    expect(await statuses({ p: '3300', t: { limit: { tif: 'Alo' } } })).toEqual([
      {
        error: expect.stringMatching(
          /^Post only order would have immediately matched, bbo was [\d.]+@[\d.]+\. asset=1$/,
        ),
      },
    ]);
    expect(await statuses({ p: '2000', t: { limit: { tif: 'Ioc' } } })).toEqual([
      { error: 'Order could not immediately match against any resting orders. asset=1' },
    ]);
    expect(await statuses({ b: true, r: true })).toEqual([
      { error: 'Reduce only order would increase position. asset=1' },
    ]);
  });

  it('given one trailing zero added to the signed price, when sent, then the venue sees an unknown signer', async () => {
    const action = orderAction({ p: '2900.0' });
    const body = await signedBody(master, action, ++nonce);
    const r = (await post('/exchange', body)).json as { status: string; response: string };
    expect(r.status).toBe('err');
    expect(r.response).toMatch(/^L1 error: User or API Wallet 0x[0-9a-f]{40} does not exist\.$/);
    expect(r.response).not.toContain(USER);
  });

  it('given an unfunded signer, when acting, then it does not exist', async () => {
    expect(await act({ type: 'noop' }, stranger)).toEqual({
      status: 'err',
      response: `L1 error: User or API Wallet ${stranger.address.toLowerCase()} does not exist.`,
    });
  });

  it('given a nonce already used, when resent, then the duplicate is refused', async () => {
    const n = ++nonce;
    const body = await signedBody(master, { type: 'noop' }, n);
    expect((await post('/exchange', body)).json).toEqual({ status: 'ok', response: { type: 'default' } });
    expect((await post('/exchange', body)).json).toEqual({
      status: 'err',
      response: `Invalid nonce: duplicate nonce ${n}`,
    });
    const old = Date.now() - 3 * 86_400_000;
    expect(await act({ type: 'noop' }, master, old)).toMatchObject({
      status: 'err',
      response: expect.stringMatching(new RegExp(`^Invalid nonce: nonce too low ${old} < \\d+$`)),
    });
  });

  it('given an approved agent, when it signs, then the master trades', async () => {
    const r = await act(orderAction({ p: '2800' }), agent);
    expect(r).toMatchObject({ status: 'ok', response: { data: { statuses: [{ resting: {} }] } } });
    const open = (await info({ type: 'openOrders', user: USER })) as { limitPx: string }[];
    expect(open.some((o) => o.limitPx === '2800.0')).toBe(true);
    expect(await info({ type: 'openOrders', user: agent.address.toLowerCase() })).toEqual([]);
  });

  it('given approveAgent signed by the master, when a fresh unnamed agent replaces it, then only the new one acts', async () => {
    const first = Wallet.createRandom();
    const second = Wallet.createRandom();
    const approve = async (agentAddr: string) =>
      (await post('/exchange', await approveAgentBody(master, agentAddr, ++nonce))).json;
    expect(await approve(first.address)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(await act({ type: 'noop' }, first)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(await approve(second.address)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(await act({ type: 'noop' }, second)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(await act({ type: 'noop' }, first)).toEqual({
      status: 'err',
      response: `L1 error: User or API Wallet ${first.address.toLowerCase()} does not exist.`,
    });
    const byStranger = (await post('/exchange', await approveAgentBody(stranger, first.address, ++nonce)))
      .json;
    expect(byStranger).toEqual({
      status: 'err',
      response: `Must deposit before performing actions. User: ${stranger.address.toLowerCase()}`,
    });
  });

  it('given modify, leverage, scheduleCancel and expiresAfter, when sent, then venue answers', async () => {
    const placed = await act(orderAction({ p: '2700', c: '0x000000000000000000000000000000ff' }));
    const oid = (placed.response as { data: { statuses: { resting: { oid: number } }[] } }).data.statuses[0]
      ?.resting.oid;
    const modified = await act({
      type: 'modify',
      oid,
      order: { a: 1, b: true, p: '2710', s: '0.1', r: false, t: { limit: { tif: 'Gtc' } } },
    });
    expect(modified).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(await info({ type: 'orderStatus', user: USER, oid })).toMatchObject({
      order: { status: 'canceled' },
    });
    expect(await act({ type: 'updateLeverage', asset: 0, isCross: true, leverage: 10 })).toEqual({
      status: 'ok',
      response: { type: 'default' },
    });
    expect(await act({ type: 'updateLeverage', asset: 0, isCross: true, leverage: 1000 })).toEqual({
      status: 'err',
      response: 'Invalid leverage value',
    });
    expect(await act({ type: 'scheduleCancel', time: Date.now() + 60_000 })).toMatchObject({
      status: 'err',
      response: expect.stringMatching(
        /^Cannot set scheduled cancel time until enough volume traded\. Required: \$1000000\. Traded: \$[\d.]+\.$/,
      ),
    });
    const n = ++nonce;
    const action = { type: 'noop' };
    const expired = {
      action,
      nonce: n,
      signature: await signL1(master, action, n, true, undefined, n - 1),
      expiresAfter: n - 1,
    };
    expect((await post('/exchange', expired)).json).toEqual({
      status: 'err',
      response: 'Action already expired',
    });
  });

  it('given the ledger endpoint, when read, then accepted orders, cancels and fills are counted', async () => {
    const res = await fetch(`${sim.httpUrl}/_sim/ledger`);
    const ledger = (await res.json()) as { kind: string; user: string }[];
    const mine = ledger.filter((e) => e.user === USER);
    expect(mine.filter((e) => e.kind === 'cancel').length).toBeGreaterThanOrEqual(2);
    expect(mine.some((e) => e.kind === 'fill')).toBe(true);
    expect(mine.some((e) => e.kind === 'reject')).toBe(true);
    const orders = mine.filter((e) => e.kind === 'order').length;
    await act(orderAction({ p: '2600' }));
    await act(orderAction({ p: '2000', t: { limit: { tif: 'Ioc' } } })); // never trades: a reject
    const after = (await (await fetch(`${sim.httpUrl}/_sim/ledger`)).json()) as {
      kind: string;
      user: string;
    }[];
    expect(after.filter((e) => e.user === USER && e.kind === 'order').length).toBe(orders + 1);
  });

  it('given the control endpoint, when faults are posted, then they apply; junk is refused', async () => {
    const control = (body: unknown) =>
      fetch(`${sim.httpUrl}/_sim/faults`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.status,
      );
    expect(await control({ fault: 'rateLimit', ms: 60_000 })).toBe(200);
    expect((await post('/info', { type: 'allMids' })).status).toBe(429);
    expect(await control({ fault: 'clear' })).toBe(200);
    expect((await post('/info', { type: 'allMids' })).status).toBe(200);
    expect(await control({ fault: 'nope' })).toBe(422);
  });
});

describe('rate limits', () => {
  it('given 1200 weight spent in a minute, when one more weight arrives, then HTTP 429 with a null body', async () => {
    const limited = await startSimulator({ tickMs: 0, warmupTicks: 1 });
    try {
      const call = () =>
        fetch(`${limited.httpUrl}/info`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'allMids' }),
        });
      for (let i = 0; i < 600; i += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, call));
        expect(batch.every((r) => r.status === 200)).toBe(true);
        await Promise.all(batch.map((r) => r.text()));
      }
      const over = await call();
      expect(over.status).toBe(429);
      expect(await over.text()).toBe('null');
    } finally {
      await limited.close();
    }
  });

  it('given the 429 storm and reject-orders faults, when on, then calls are refused', async () => {
    sim.faults.rejectNextOrders(1);
    expect(await act(orderAction({}))).toEqual({
      status: 'ok',
      response: {
        type: 'order',
        data: { statuses: [{ error: 'Insufficient margin to place order. asset=1' }] },
      },
    });
    sim.faults.rateLimit(60_000);
    expect((await post('/info', { type: 'allMids' })).status).toBe(429);
    sim.faults.clear();
    expect((await post('/info', { type: 'allMids' })).status).toBe(200);
  });
});

describe('scheduleCancel, batchModify and vaults', () => {
  it('given enough volume, when the scheduled time passes, then open orders cancel with scheduledCancel', async () => {
    const { ManualClock } = await import('../clock.js');
    const clock = new ManualClock(Date.now());
    const s2 = await startSimulator({
      tickMs: 0,
      clock,
      scheduleCancelMinVolume: 0,
      accounts: { [USER]: '100000' },
    });
    const send = async (action: Record<string, unknown>) => {
      const res = await fetch(`${s2.httpUrl}/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(await signedBody(master, action, ++nonce)),
      });
      return (await res.json()) as { status: string; response: unknown };
    };
    const query = async (body: unknown) =>
      (await (
        await fetch(`${s2.httpUrl}/info`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json()) as never;
    try {
      const placed = await send(orderAction({ p: '2800' }));
      const oid = (placed.response as { data: { statuses: { resting: { oid: number } }[] } }).data.statuses[0]
        ?.resting.oid;
      expect(await send({ type: 'scheduleCancel', time: clock.now() + 1000 })).toMatchObject({
        status: 'err',
        response: 'Scheduled cancel time too early, must be at least 5 seconds from now.',
      });
      expect(await send({ type: 'scheduleCancel', time: clock.now() + 5_000 })).toEqual({
        status: 'ok',
        response: { type: 'default' },
      });
      const batch = await send({
        type: 'batchModify',
        modifies: [
          { oid, order: { a: 1, b: true, p: '2810', s: '0.2', r: false, t: { limit: { tif: 'Gtc' } } } },
        ],
      });
      expect(batch).toEqual({
        status: 'ok',
        response: { type: 'order', data: { statuses: [{ resting: { oid: expect.any(Number) } }] } },
      });
      clock.advance(5_001);
      s2.tick();
      const open = (await query({ type: 'openOrders', user: USER })) as unknown[];
      expect(open).toEqual([]);
      const newOid = (batch.response as { data: { statuses: { resting: { oid: number } }[] } }).data
        .statuses[0]?.resting.oid;
      expect(await query({ type: 'orderStatus', user: USER, oid: newOid })).toMatchObject({
        order: { status: 'scheduledCancel' },
      });
    } finally {
      await s2.close();
    }
  });

  it('given a vaultAddress, when signed for it, then the vault is not registered', async () => {
    const vault = '0x1719884eb866cb12b2287399b15f7db5e7d775ea';
    const n = ++nonce;
    const action = { type: 'noop' };
    const body = {
      action,
      nonce: n,
      signature: await signL1(master, action, n, true, vault),
      vaultAddress: vault,
    };
    expect((await post('/exchange', body)).json).toEqual({
      status: 'err',
      response: `L1 error: Vault not registered: ${vault}`,
    });
  });
});
