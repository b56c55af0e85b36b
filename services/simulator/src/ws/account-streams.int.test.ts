import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { bestBidAsk, limitOrder, orderAction, PlainClient, restingOid } from '../test-support/protocol.js';
import { isChannel, TestSocket } from '../test-support/ws-client.js';

const master = Wallet.createRandom();
const USER = master.address.toLowerCase();
let sim: SimulatorHandle;
let c: PlainClient;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 41,
    tickMs: 0,
    accounts: { [USER]: '100000' },
    spotBalances: { [USER]: { USDC: '250' } },
  });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
});

type Frame = { channel: string; data: Record<string, unknown> };
const data = (r: { json: unknown }) => (r.json as Frame).data;

async function subscribed(subscription: Record<string, unknown>): Promise<TestSocket> {
  const ws = await TestSocket.open(sim.wsUrl);
  ws.send({ method: 'subscribe', subscription });
  await ws.channel('subscriptionResponse');
  return ws;
}

describe('account streams pushed, not polled', () => {
  it('given clearinghouseState and openOrders subscriptions, when an order rests and another fills, then both push the new state in the venue shape', async () => {
    const ch = await subscribed({ type: 'clearinghouseState', user: USER });
    const oo = await subscribed({ type: 'openOrders', user: USER });
    const first = data(await ch.channel('clearinghouseState'));
    expect(first).toEqual({
      dex: '',
      user: USER,
      clearinghouseState: {
        marginSummary: expect.any(Object),
        crossMarginSummary: expect.any(Object),
        crossMaintenanceMarginUsed: expect.any(String),
        withdrawable: '100000.0',
        assetPositions: [],
        time: expect.any(Number),
      },
    });
    expect(data(await oo.channel('openOrders'))).toEqual({ dex: '', user: USER, orders: [] });

    const { bid, ask } = await bestBidAsk(c, 'ETH');
    const oid = restingOid(
      await c.act(orderAction(limitOrder(1, true, String(Math.floor(Number(bid) * 0.9)), '0.01'))),
    );
    const pushed = await oo.next(
      (f) => isChannel('openOrders')(f) && (data(f).orders as unknown[]).length > 0,
    );
    const orders = data(pushed).orders as {
      oid: number;
      orderType: string;
      tif: string;
    }[];
    expect(orders).toEqual([expect.objectContaining({ oid, orderType: 'Limit', tif: 'Gtc', cloid: null })]);

    await c.act(orderAction(limitOrder(1, true, String(Math.ceil(Number(ask) * 1.01)), '0.01', 'Ioc')));
    const pushes = () => ch.frames.filter(isChannel('clearinghouseState')).map(data);
    await ch.next(
      (f) =>
        isChannel('clearinghouseState')(f) &&
        ((data(f).clearinghouseState as { assetPositions: unknown[] }).assetPositions.length ?? 0) > 0,
    );
    const last = pushes().at(-1)?.clearinghouseState as {
      assetPositions: { position: { coin: string; szi: string } }[];
    };
    expect(last.assetPositions.map((p) => [p.position.coin, p.position.szi])).toEqual([['ETH', '0.01']]);
    ch.ws.close();
    oo.ws.close();
  });

  it('given activeAssetData, spotState and a builder dex openOrders, when subscribed, then each first push has every field', async () => {
    const aad = await subscribed({ type: 'activeAssetData', user: USER, coin: 'BTC' });
    expect(data(await aad.channel('activeAssetData'))).toEqual({
      user: USER,
      coin: 'BTC',
      leverage: { type: 'cross', value: 20 },
      maxTradeSzs: [expect.stringMatching(/^\d+(\.\d+)?$/), expect.stringMatching(/^\d+(\.\d+)?$/)],
      availableToTrade: [expect.stringMatching(/^\d+(\.\d+)?$/), expect.stringMatching(/^\d+(\.\d+)?$/)],
      markPx: expect.stringMatching(/^\d+(\.\d+)?$/),
    });
    const spot = await subscribed({ type: 'spotState', user: USER });
    expect(data(await spot.channel('spotState'))).toEqual({
      user: USER,
      spotState: { balances: [{ coin: 'USDC', token: 0, hold: '0.0', total: '250.0', entryNtl: '0.0' }] },
    });
    const xyz = await subscribed({ type: 'openOrders', user: USER, dex: 'xyz' });
    expect(data(await xyz.channel('openOrders'))).toEqual({ dex: 'xyz', user: USER, orders: [] });
    for (const ws of [aad, spot, xyz]) ws.ws.close();
  });

  it('given the history streams, when subscribed, then snapshots come first and notification stays silent', async () => {
    const fundings = await subscribed({ type: 'userFundings', user: USER });
    expect(data(await fundings.channel('userFundings'))).toEqual({
      isSnapshot: true,
      user: USER,
      fundings: [],
    });
    const slices = await subscribed({ type: 'userTwapSliceFills', user: USER });
    expect(data(await slices.channel('userTwapSliceFills'))).toEqual({
      isSnapshot: true,
      user: USER,
      twapSliceFills: [],
    });
    const twaps = await subscribed({ type: 'twapStates', user: USER });
    expect(data(await twaps.channel('twapStates'))).toEqual({ dex: '', user: USER, states: [] });
    const note = await subscribed({ type: 'notification', user: USER });
    await expect(note.channel('notification', 0, 300)).rejects.toThrow(/no matching frame/);
    for (const ws of [fundings, slices, twaps, note]) ws.ws.close();
  });

  it('given subscriptions the venue cannot serve, when sent, then Invalid subscription comes back', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    ws.send({
      method: 'subscribe',
      subscription: { type: 'activeAssetData', user: USER, coin: 'PURR/USDC' },
    });
    ws.send({ method: 'subscribe', subscription: { type: 'clearinghouseState', user: USER, dex: 'nope' } });
    await ws.next((f) => isChannel('error')(f) && String(data(f)).includes('"dex":"nope"'));
    expect(ws.frames.filter(isChannel('error')).map((f) => (f.json as { data: string }).data)).toEqual([
      `Invalid subscription {"type":"activeAssetData","user":"${USER}","coin":"PURR/USDC"}`,
      `Invalid subscription {"type":"clearinghouseState","user":"${USER}","dex":"nope"}`,
    ]);
    ws.ws.close();
  });
});
