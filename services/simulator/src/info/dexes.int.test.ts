import { InfoClient, loadAssetRegistry } from '@hyperflow/hyperliquid';
import { classifyRefusal } from '@hyperflow/hyperliquid/internal';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import {
  bestBidAsk,
  errorsOf,
  limitOrder,
  orderAction,
  PlainClient,
  restingOid,
} from '../test-support/protocol.js';
import { TestSocket } from '../test-support/ws-client.js';

const master = Wallet.createRandom();
const USER = master.address.toLowerCase();
const XYZ100 = 110_000;
const GOLD = 120_000;
let sim: SimulatorHandle;
let c: PlainClient;
let t0: number;

beforeAll(async () => {
  t0 = Date.now();
  sim = await startSimulator({
    seed: 31,
    tickMs: 0,
    accounts: { [USER]: '100000' },
    ipWeightPerMinute: 1_000_000,
  });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
});

interface MetaWire {
  universe: { name: string; szDecimals: number; maxLeverage: number }[];
  collateralToken?: number;
}

describe('HIP-3 builder perp dexes', () => {
  it('given the simulator, when perpDexs is asked, then null stands for the first dex and two builder dexes follow with every field', async () => {
    const dexs = await c.info<unknown[]>({ type: 'perpDexs' });
    expect(dexs[0]).toBeNull();
    expect(dexs.length).toBeGreaterThanOrEqual(3);
    expect(dexs[1]).toEqual({
      name: 'xyz',
      fullName: expect.any(String),
      deployer: expect.stringMatching(/^0x[0-9a-f]{40}$/),
      oracleUpdater: null,
      feeRecipient: null,
      assetToStreamingOiCap: [],
      subDeployers: [],
      deployerFeeScale: expect.any(String),
      lastDeployerFeeScaleChangeTime: expect.any(String),
      assetToFundingMultiplier: [],
      assetToFundingInterestRate: [],
    });
    expect((dexs[2] as { name: string }).name).toBe('flx');
  });

  it('given each dex, when meta is asked with dex, then it lists only its coins, named "dex:COIN", each with its own lot', async () => {
    const first = await c.info<MetaWire>({ type: 'meta' });
    const xyz = await c.info<MetaWire>({ type: 'meta', dex: 'xyz' });
    const flx = await c.info<MetaWire>({ type: 'meta', dex: 'flx' });
    expect(first.universe.map((u) => u.name)).toEqual(['BTC', 'ETH', 'SOL']);
    expect(first.collateralToken).toBeUndefined();
    expect(xyz.universe.map((u) => [u.name, u.szDecimals])).toEqual([
      ['xyz:XYZ100', 4],
      ['xyz:TSLA', 3],
    ]);
    expect(xyz.collateralToken).toBe(0);
    expect(flx.universe.map((u) => [u.name, u.szDecimals])).toEqual([['flx:GOLD', 2]]);
    const [m, ctxs] = await c.info<[MetaWire, { markPx: string }[]]>({
      type: 'metaAndAssetCtxs',
      dex: 'xyz',
    });
    expect(m).toEqual(xyz);
    expect(ctxs).toHaveLength(2);
    expect(await c.info({ type: 'meta', dex: 'nope' })).toBeNull();
  });

  it('given the project registry loader, when it reads the simulator, then "dex:COIN" resolves to 100000 + 10000 × dexIndex + index and back', async () => {
    const info = new InfoClient({ baseUrl: sim.httpUrl });
    const registry = await loadAssetRegistry(info, { builderDexs: 'all' });
    expect(registry.assetId('xyz:XYZ100')).toBe(XYZ100);
    expect(registry.assetId('xyz:TSLA')).toBe(110_001);
    expect(registry.assetId('flx:GOLD')).toBe(GOLD);
    expect(registry.coin(GOLD)).toBe('flx:GOLD');
    expect(registry.get('xyz:TSLA').szDecimals).toBe(3);
  });

  it('given a builder dex asset, when orders break its own tick and lot rules, then the perp rules with its szDecimals apply', async () => {
    const place = async (a: number, p: string, s: string) =>
      errorsOf(await c.act(orderAction(limitOrder(a, true, p, s))));
    // XYZ100: szDecimals 4 → at most 2 price decimals and 5 significant figures
    expect(classifyRefusal((await place(XYZ100, '25000.5', '0.01'))[0] ?? '')).toMatchObject({
      name: 'tick',
      asset: XYZ100,
    });
    expect(classifyRefusal((await place(XYZ100, '25000', '0.00001'))[0] ?? '')).toMatchObject({
      name: 'invalidSize',
      asset: XYZ100,
    });
    // GOLD: szDecimals 2 → 4 price decimals allowed, 3 size decimals are not
    expect(classifyRefusal((await place(GOLD, '3000', '0.001'))[0] ?? '')).toMatchObject({
      name: 'invalidSize',
      asset: GOLD,
    });
  });

  it('given a fill and a resting order on a builder dex, when the dex queries run, then each dex shows only its own', async () => {
    const { ask, bid } = await bestBidAsk(c, 'xyz:XYZ100');
    const filled = await c.act(
      orderAction(limitOrder(XYZ100, true, String(Math.ceil(Number(ask) * 1.01)), '0.01', 'Ioc')),
    );
    expect(filled.status === 'ok' && filled.response.data?.statuses?.[0]).toMatchObject({
      filled: { totalSz: '0.01' },
    });
    const oid = restingOid(
      await c.act(orderAction(limitOrder(XYZ100, true, String(Math.floor(Number(bid) * 0.95)), '0.01'))),
    );
    const openXyz = await c.info<{ oid: number; coin: string }[]>({
      type: 'openOrders',
      user: USER,
      dex: 'xyz',
    });
    expect(openXyz.map((o) => [o.oid, o.coin])).toEqual([[oid, 'xyz:XYZ100']]);
    expect(await c.info({ type: 'openOrders', user: USER })).toEqual([]);
    expect(await c.info({ type: 'frontendOpenOrders', user: USER, dex: 'flx' })).toEqual([]);
    const mids = await c.info<Record<string, string>>({ type: 'allMids', dex: 'xyz' });
    expect(Object.keys(mids)).toEqual(['xyz:XYZ100', 'xyz:TSLA']);
    expect(Object.keys(await c.info<Record<string, string>>({ type: 'allMids' }))).not.toContain(
      'xyz:XYZ100',
    );
    type Ch = { assetPositions: { position: { coin: string; szi: string } }[] };
    const chXyz = await c.info<Ch>({ type: 'clearinghouseState', user: USER, dex: 'xyz' });
    expect(chXyz.assetPositions.map((p) => [p.position.coin, p.position.szi])).toEqual([
      ['xyz:XYZ100', '0.01'],
    ]);
    const chFirst = await c.info<Ch>({ type: 'clearinghouseState', user: USER });
    expect(chFirst.assetPositions).toEqual([]);
  });

  it('given a WS allMids with a builder dex, when subscribed, then the push carries that dex and only its mids', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    ws.send({ method: 'subscribe', subscription: { type: 'allMids', dex: 'flx' } });
    const r = await ws.next((f) => (f.json as { channel?: string })?.channel === 'allMids');
    const data = (r.json as { data: { dex: string; mids: Record<string, string> } }).data;
    expect(data.dex).toBe('flx');
    expect(Object.keys(data.mids)).toEqual(['flx:GOLD']);
    ws.send({ method: 'subscribe', subscription: { type: 'allMids', dex: 'nope' } });
    await ws.next(
      (f) => (f.json as { data?: unknown })?.data === 'Invalid subscription {"type":"allMids","dex":"nope"}',
    );
    ws.ws.close();
  });
});

describe('account history /info types', () => {
  it('given orders in every state, when historicalOrders is asked, then each comes newest first with its status and frontend fields', async () => {
    const { bid } = await bestBidAsk(c, 'ETH');
    const oid = restingOid(
      await c.act(orderAction(limitOrder(1, true, String(Math.floor(Number(bid) * 0.9)), '0.01'))),
    );
    await c.act({ type: 'cancel', cancels: [{ a: 1, o: oid }] });
    type H = {
      order: {
        oid: number;
        orderType: string;
        tif: string | null;
        cloid: string | null;
        children: unknown[];
      };
      status: string;
      statusTimestamp: number;
    }[];
    const h = await c.info<H>({ type: 'historicalOrders', user: USER });
    expect(h[0]).toMatchObject({
      order: { oid, orderType: 'Limit', tif: 'Gtc', cloid: null, children: [] },
      status: 'canceled',
      statusTimestamp: expect.any(Number),
    });
    expect(h.map((x) => x.status)).toEqual(expect.arrayContaining(['canceled', 'filled', 'open']));
    expect(await c.info({ type: 'historicalOrders', user: Wallet.createRandom().address })).toEqual([]);
  });

  it('given a funded account, when the ledger types are asked, then the deposit is there and funding is an empty history', async () => {
    const updates = await c.info<{ time: number; hash: string; delta: unknown }[]>({
      type: 'userNonFundingLedgerUpdates',
      user: USER,
      startTime: 0,
    });
    expect(updates).toEqual([
      {
        time: expect.any(Number),
        hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        delta: { type: 'deposit', usdc: '100000.0' },
      },
    ]);
    expect(updates[0]?.time).toBeGreaterThanOrEqual(t0);
    expect(
      await c.info({ type: 'userNonFundingLedgerUpdates', user: USER, startTime: Date.now() + 60_000 }),
    ).toEqual([]);
    expect(await c.info({ type: 'userFunding', user: USER, startTime: 0 })).toEqual([]);
  });
});
