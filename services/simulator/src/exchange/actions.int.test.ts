import { classifyRefusal } from '@hyperflow/hyperliquid/internal';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { errorsOf, PlainClient } from '../test-support/protocol.js';

const master = Wallet.createRandom();
const other = Wallet.createRandom();
const USER = master.address.toLowerCase();
const OTHER = other.address.toLowerCase();
let sim: SimulatorHandle;
let c: PlainClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 51, tickMs: 0, accounts: { [USER]: '100', [OTHER]: '100' } });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
});

type RateLimit = { nRequestsCap: number; nRequestsSurplus: number };
const rateLimit = (user: string) => c.info<RateLimit>({ type: 'userRateLimit', user });
const balance = async (user: string) =>
  (await c.info<{ marginSummary: { totalRawUsd: string } }>({ type: 'clearinghouseState', user }))
    .marginSummary.totalRawUsd;

describe('reserveRequestWeight', () => {
  it('given no destination, when signed without the key, then the signer buys requests at 0.0005 USDC each', async () => {
    const before = await rateLimit(USER);
    expect(await c.act({ type: 'reserveRequestWeight', weight: 1000 })).toEqual({
      status: 'ok',
      response: { type: 'default' },
    });
    const after = await rateLimit(USER);
    expect(after.nRequestsCap - before.nRequestsCap).toBe(1000);
    expect(after.nRequestsSurplus).toBe(1000);
    expect(await balance(USER)).toBe('99.5');
  });

  it('given a destination, when it is part of the signed action, then the destination gets the requests', async () => {
    const before = await rateLimit(OTHER);
    const r = await c.act({ type: 'reserveRequestWeight', weight: 10, destination: OTHER });
    expect(r).toEqual({ status: 'ok', response: { type: 'default' } });
    expect((await rateLimit(OTHER)).nRequestsCap - before.nRequestsCap).toBe(10);
  });

  it('given a weight the balance cannot pay, when sent, then it is refused and nothing is bought', async () => {
    const before = await rateLimit(USER);
    const r = await c.act({ type: 'reserveRequestWeight', weight: 10_000_000 });
    expect(classifyRefusal(errorsOf(r)[0] ?? '').kind).toBe('definitive-retryable');
    expect((await rateLimit(USER)).nRequestsCap).toBe(before.nRequestsCap);
  });
});

describe('updateIsolatedMargin and noop', () => {
  it('given a perp asset, when isolated margin is updated, then the venue answers default; a spot asset is refused', async () => {
    const ok = await c.act({ type: 'updateIsolatedMargin', asset: 1, isBuy: true, ntli: 1_000_000 });
    expect(ok).toEqual({ status: 'ok', response: { type: 'default' } });
    const spot = await c.act({ type: 'updateIsolatedMargin', asset: 10_000, isBuy: true, ntli: -1 });
    expect(classifyRefusal(errorsOf(spot)[0] ?? '').name).toBe('invalidAsset');
  });

  it('given a noop, when sent, then it burns its nonce: the same signed body again is a duplicate', async () => {
    const body = await c.signed({ type: 'noop' });
    expect(await c.send(body)).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(classifyRefusal(errorsOf(await c.send(body))[0] ?? '').name).toBe('duplicateNonce');
  });
});
