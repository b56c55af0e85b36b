import { usdSendAction, withdraw3Action } from '@hyperflow/signing';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { bestBidAsk, limitOrder, orderAction, PlainClient } from '../test-support/protocol.js';
import { TestSocket } from '../test-support/ws-client.js';

const master = Wallet.createRandom();
const friend = Wallet.createRandom();
const USER = master.address.toLowerCase();
const FRIEND = friend.address.toLowerCase();
const NEWCOMER = Wallet.createRandom().address.toLowerCase();
const VAULT = '0x00000000000000000000000000000000000000f1';
const clock = new ManualClock(Date.now());
let sim: SimulatorHandle;
let c: PlainClient;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 61,
    tickMs: 0,
    clock,
    accounts: { [USER]: '10000', [FRIEND]: '100' },
    vaults: { [VAULT]: { name: 'sim vault', leader: FRIEND } },
  });
  c = new PlainClient(sim.httpUrl, master, clock.now());
});
afterAll(async () => {
  await sim.close();
});

const OK = { status: 'ok', response: { type: 'default' } };
type Summary = { marginSummary: { totalRawUsd: string }; withdrawable: string };
const perp = async (user: string) =>
  (await c.info<Summary>({ type: 'clearinghouseState', user })).marginSummary.totalRawUsd;
type Ledger = { time: number; hash: string; delta: Record<string, unknown> }[];
const ledger = (user: string) => c.info<Ledger>({ type: 'userNonFundingLedgerUpdates', user, startTime: 0 });

describe('usdSend and withdraw3 (user-signed, HyperliquidSignTransaction)', () => {
  it('given a usdSend, when signed by the project signer, then perp USDC moves and both ledgers show an internalTransfer', async () => {
    const time = c.nextNonce();
    const r = await c.userSigned(
      usdSendAction({ network: 'mainnet', destination: NEWCOMER, amount: '25.5', time }),
    );
    expect(r).toEqual(OK);
    expect(await perp(USER)).toBe('9974.5');
    // venue: sending to an address that never deposited creates its account
    expect(await perp(NEWCOMER)).toBe('25.5');
    const delta = { type: 'internalTransfer', usdc: '25.5', user: USER, destination: NEWCOMER, fee: '0.0' };
    expect((await ledger(USER)).at(-1)).toEqual({ time: clock.now(), hash: expect.any(String), delta });
    expect((await ledger(NEWCOMER)).at(-1)?.delta).toEqual(delta);
  });

  it('given a usdSend signed for testnet, when sent to the mainnet venue, then it recovers a stranger and moves nothing', async () => {
    const time = c.nextNonce();
    const r = await c.userSigned(
      usdSendAction({ network: 'testnet', destination: NEWCOMER, amount: '1', time }),
    );
    expect(r).toMatchObject({
      status: 'err',
      response: expect.stringMatching(/^Must deposit before performing actions/),
    });
    expect(await perp(NEWCOMER)).toBe('25.5');
  });

  it('given a withdraw3, when sent, then the perp balance drops by the amount and the ledger shows the 1 USDC fee', async () => {
    const time = c.nextNonce();
    const r = await c.userSigned(
      withdraw3Action({ network: 'mainnet', destination: USER, amount: '74.5', time }),
    );
    expect(r).toEqual(OK);
    expect(await perp(USER)).toBe('9900.0');
    expect((await ledger(USER)).at(-1)?.delta).toEqual({
      type: 'withdraw',
      usdc: '74.5',
      nonce: time,
      fee: '1.0',
    });
  });
});

describe('createSubAccount, subAccountTransfer and trading through vaultAddress', () => {
  let sub = '';

  it('given createSubAccount, when sent, then the answer carries the new address and subAccounts lists it', async () => {
    const r = (await c.act({ type: 'createSubAccount', name: 'desk1' })) as unknown as {
      status: string;
      response: { type: string; data: string };
    };
    expect(r.status).toBe('ok');
    expect(r.response.type).toBe('createSubAccount');
    expect(r.response.data).toMatch(/^0x[0-9a-f]{40}$/);
    sub = r.response.data;
    const subs = await c.info<{ name: string; subAccountUser: string; master: string }[]>({
      type: 'subAccounts',
      user: USER,
    });
    expect(subs).toEqual([
      {
        name: 'desk1',
        subAccountUser: sub,
        master: USER,
        clearinghouseState: expect.objectContaining({ withdrawable: '0.0' }),
        spotState: { balances: [] },
      },
    ]);
    expect(await c.info({ type: 'subAccounts', user: FRIEND })).toBeNull();
  });

  it('given a subAccountTransfer deposit, when sent, then µUSDC leaves the master for the sub-account', async () => {
    const r = await c.act({
      type: 'subAccountTransfer',
      subAccountUser: sub,
      isDeposit: true,
      usd: 500_000_000,
    });
    expect(r).toEqual(OK);
    expect(await perp(sub)).toBe('500.0');
    expect(await perp(USER)).toBe('9400.0');
    expect((await ledger(sub)).at(-1)?.delta).toEqual({
      type: 'subAccountTransfer',
      usdc: '500.0',
      user: USER,
      destination: sub,
    });
  });

  it('given an order signed by the master with vaultAddress = the sub-account, when placed, then it rests for the sub-account', async () => {
    const { bid } = await bestBidAsk(c, 'BTC');
    const r = await c.act(orderAction(limitOrder(0, true, bid, '0.001')), { vaultAddress: sub });
    expect(r.status).toBe('ok');
    const subOrders = await c.info<{ coin: string }[]>({ type: 'openOrders', user: sub });
    expect(subOrders.map((o) => o.coin)).toEqual(['BTC']);
    expect(await c.info({ type: 'openOrders', user: USER })).toEqual([]);
  });
});

describe('vaultTransfer', () => {
  it('given a deposit and a partial withdrawal, when sent, then equity, perp USDC and the ledger follow', async () => {
    expect(
      await c.act({ type: 'vaultTransfer', vaultAddress: VAULT, isDeposit: true, usd: 300_000_000 }),
    ).toEqual(OK);
    expect(
      await c.act({ type: 'vaultTransfer', vaultAddress: VAULT, isDeposit: false, usd: 100_000_000 }),
    ).toEqual(OK);
    expect(await perp(USER)).toBe('9200.0');
    expect(await c.info({ type: 'userVaultEquities', user: USER })).toEqual([
      { vaultAddress: VAULT, equity: '200.0', lockedUntilTimestamp: clock.now() },
    ]);
    const [dep, wd] = (await ledger(USER)).slice(-2).map((u) => u.delta);
    expect(dep).toEqual({ type: 'vaultDeposit', vault: VAULT, usdc: '300.0' });
    expect(wd).toEqual({
      type: 'vaultWithdraw',
      vault: VAULT,
      user: USER,
      requestedUsd: '100.0',
      commission: '0.0',
      closingCost: '0.0',
      basis: '100.0',
      netWithdrawnUsd: '100.0',
    });
    const over = await c.act({
      type: 'vaultTransfer',
      vaultAddress: VAULT,
      isDeposit: false,
      usd: 900_000_000,
    });
    expect(over).toEqual({ status: 'err', response: 'Insufficient balance for transfer' });
  });
});

describe('twapOrder and twapCancel', () => {
  type TwapAnswer = { status: string; response: { type: string; data: { status: Record<string, unknown> } } };
  type Fill = { coin: string; sz: string; twapId?: number };

  it('given a 5-minute TWAP, when the clock runs, then a suborder goes out every 30 s, fills carry the twapId and the TWAP finishes', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    ws.send({ method: 'subscribe', subscription: { type: 'userTwapSliceFills', user: USER } });
    ws.send({ method: 'subscribe', subscription: { type: 'twapStates', user: USER } });
    const snapshot = (await ws.channel('userTwapSliceFills')).json as { data: Record<string, unknown> };
    expect(snapshot.data).toEqual({ isSnapshot: true, user: USER, twapSliceFills: [] });
    await ws.channel('twapStates');
    const seen = ws.frames.length;

    const r = (await c.act({
      type: 'twapOrder',
      twap: { a: 0, b: true, s: '0.01', r: false, m: 5, t: false },
    })) as unknown as TwapAnswer;
    expect(r.response.type).toBe('twapOrder');
    const twapId = (r.response.data.status as { running: { twapId: number } }).running.twapId;
    expect(twapId).toBeGreaterThan(0);
    // the first suborder goes out at once: 1 of 10 slices
    const running = await ws.next(
      (f) => (f.json as { channel?: string }).channel === 'twapStates',
      5000,
      seen,
    );
    const states = (running.json as { data: { dex: string; states: [number, Record<string, unknown>][] } })
      .data;
    expect(states.dex).toBe('');
    expect(states.states).toEqual([
      [
        twapId,
        {
          coin: 'BTC',
          executedNtl: expect.any(String),
          executedSz: '0.001',
          minutes: 5,
          randomize: false,
          reduceOnly: false,
          side: 'B',
          stopPx: null,
          sz: '0.01',
          timestamp: clock.now(),
          trigger: null,
          user: USER,
        },
      ],
    ]);
    const slice = await ws.next(
      (f) => (f.json as { channel?: string }).channel === 'userTwapSliceFills',
      5000,
      seen,
    );
    const pushed = (slice.json as { data: { twapSliceFills: { fill: Fill; twapId: number }[] } }).data;
    expect(pushed.twapSliceFills[0]).toMatchObject({ twapId, fill: { coin: 'BTC', twapId } });

    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      sim.tick();
    }
    const fills = await c.info<{ fill: Fill; twapId: number }[]>({ type: 'userTwapSliceFills', user: USER });
    const total = fills.reduce((n, f) => n + Number(f.fill.sz), 0);
    expect(fills.every((f) => f.twapId === twapId && f.fill.twapId === twapId)).toBe(true);
    expect(total.toFixed(4)).toBe('0.0100');
    const history = await c.info<{ time: number; status: { status: string }; twapId: number }[]>({
      type: 'twapHistory',
      user: USER,
    });
    expect(history.map((h) => [h.twapId, h.status.status])).toEqual([
      [twapId, 'activated'],
      [twapId, 'finished'],
    ]);
    // venue: twapHistory time is in seconds
    expect(history[0]?.time).toBeLessThan(1e11);
    await ws.close();
  });

  it('given a running TWAP, when canceled by asset and id, then the answer is success, it stops and history says terminated', async () => {
    const r = (await c.act({
      type: 'twapOrder',
      twap: { a: 0, b: false, s: '0.01', r: false, m: 10, t: true },
    })) as unknown as TwapAnswer;
    const twapId = (r.response.data.status as { running: { twapId: number } }).running.twapId;
    expect(await c.act({ type: 'twapCancel', a: 0, t: twapId })).toEqual({
      status: 'ok',
      response: { type: 'twapCancel', data: { status: 'success' } },
    });
    const before = (await c.info<unknown[]>({ type: 'userTwapSliceFills', user: USER })).length;
    clock.advance(60_000);
    sim.tick();
    expect((await c.info<unknown[]>({ type: 'userTwapSliceFills', user: USER })).length).toBe(before);
    const history = await c.info<{ status: { status: string }; twapId: number }[]>({
      type: 'twapHistory',
      user: USER,
    });
    expect(history.at(-1)).toMatchObject({ twapId, status: { status: 'terminated' } });
    expect(await c.act({ type: 'twapCancel', a: 0, t: twapId })).toEqual({
      status: 'ok',
      response: {
        type: 'twapCancel',
        data: { status: { error: 'TWAP was never placed, already canceled, or filled.' } },
      },
    });
  });

  it('given a TWAP of 4 minutes, when sent, then the body is refused as the wrong shape', async () => {
    const body = await c.signed({
      type: 'twapOrder',
      twap: { a: 0, b: true, s: '1', r: false, m: 4, t: false },
    });
    const res = await fetch(`${sim.httpUrl}/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(422);
  });
});
