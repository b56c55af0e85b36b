import { usdClassTransferAction } from '@hyperflow/signing';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { bestBidAsk, limitOrder, orderAction, PlainClient, restingOid } from '../test-support/protocol.js';
import { TestSocket } from '../test-support/ws-client.js';

const master = Wallet.createRandom();
const USER = master.address.toLowerCase();
const PURR = 10_000;
let sim: SimulatorHandle;
let c: PlainClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 71, tickMs: 0, accounts: { [USER]: '1000' } });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
});

type Perp = { marginSummary: { accountValue: string; totalRawUsd: string }; withdrawable: string };
type Spot = { balances: { coin: string; token: number; hold: string; total: string; entryNtl: string }[] };
const perp = () => c.info<Perp>({ type: 'clearinghouseState', user: USER });
const spot = () => c.info<Spot>({ type: 'spotClearinghouseState', user: USER });
const spotUsdc = async () => (await spot()).balances.find((b) => b.coin === 'USDC');
const transfer = (amount: string, toPerp: boolean) =>
  c.userSigned(usdClassTransferAction({ network: 'mainnet', amount, toPerp, nonce: c.nextNonce() }));

/** perp raw USDC + spot USDC, in cents: what the account holds across both views */
async function totalCents(): Promise<number> {
  const p = Number((await perp()).marginSummary.totalRawUsd);
  const s = Number((await spotUsdc())?.total ?? '0');
  return Math.round((p + s) * 100);
}

describe('standard account mode: perp margin and spot USDC are separate balances', () => {
  it('given a deposit, when both views are read, then it shows on perps only and is counted once', async () => {
    expect((await perp()).marginSummary.totalRawUsd).toBe('1000.0');
    expect(await spot()).toEqual({ balances: [] });
    expect(await totalCents()).toBe(100_000);
  });

  it('given usdClassTransfer to spot and back, when both views are read, then each moves and the sum stays the deposit', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    ws.send({ method: 'subscribe', subscription: { type: 'spotState', user: USER } });
    ws.send({ method: 'subscribe', subscription: { type: 'clearinghouseState', user: USER } });
    await ws.channel('spotState');
    await ws.channel('clearinghouseState');
    const from = ws.frames.length;

    expect(await transfer('400', false)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect((await perp()).marginSummary.totalRawUsd).toBe('600.0');
    expect(await spotUsdc()).toEqual({
      coin: 'USDC',
      token: 0,
      hold: '0.0',
      total: '400.0',
      entryNtl: '0.0',
    });
    expect(await totalCents()).toBe(100_000);
    // pushed, not polled: both account streams follow the transfer
    const pushedSpot = await ws.channel('spotState', from);
    expect((pushedSpot.json as { data: { spotState: Spot } }).data.spotState.balances[0]?.total).toBe(
      '400.0',
    );
    const pushedPerp = await ws.channel('clearinghouseState', from);
    const state = (pushedPerp.json as { data: { clearinghouseState: Perp } }).data.clearinghouseState;
    expect(state.marginSummary.totalRawUsd).toBe('600.0');

    expect(await transfer('150.25', true)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect((await perp()).marginSummary.totalRawUsd).toBe('750.25');
    expect((await spotUsdc())?.total).toBe('249.75');
    expect(await totalCents()).toBe(100_000);

    const updates = await c.info<{ delta: Record<string, unknown> }[]>({
      type: 'userNonFundingLedgerUpdates',
      user: USER,
      startTime: 0,
    });
    expect(updates.slice(-2).map((u) => u.delta)).toEqual([
      { type: 'accountClassTransfer', usdc: '400.0', toPerp: false },
      { type: 'accountClassTransfer', usdc: '150.25', toPerp: true },
    ]);
    await ws.close();
  });

  it('given spot USDC held by a resting spot buy, when more than the free part moves to perps, then it is refused and nothing moves', async () => {
    const { bid } = await bestBidAsk(c, 'PURR/USDC');
    // 100 PURR at the bid holds 100 × bid USDC of the 249.75 on spot
    const r = await c.act(orderAction(limitOrder(PURR, true, bid, '100')));
    restingOid(r);
    const held = await spotUsdc();
    expect(Number(held?.hold)).toBeCloseTo(100 * Number(bid), 6);
    const free = 249.75 - Number(held?.hold);
    expect(await transfer(String(Math.floor(free) + 1), true)).toEqual({
      status: 'err',
      response: 'Insufficient balance for transfer',
    });
    expect((await spotUsdc())?.total).toBe('249.75');
    expect(await totalCents()).toBe(100_000);
  });

  it('given margin used by a perp position, when more than withdrawable moves to spot, then it is refused', async () => {
    const { ask } = await bestBidAsk(c, 'ETH');
    const r = await c.act(orderAction(limitOrder(1, true, ask, '1', 'Ioc')));
    expect(r.status).toBe('ok');
    const p = await perp();
    expect(Number(p.withdrawable)).toBeLessThan(Number(p.marginSummary.totalRawUsd));
    const before = p.marginSummary.totalRawUsd;
    const refused = await transfer(String(Math.ceil(Number(p.withdrawable)) + 1), false);
    expect(refused).toEqual({ status: 'err', response: 'Insufficient balance for transfer' });
    expect((await perp()).marginSummary.totalRawUsd).toBe(before);
  });
});
