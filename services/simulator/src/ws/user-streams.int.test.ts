import { approveAgentAction } from '@hyperflow/signing';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { bestBidAsk, limitOrder, orderAction, PlainClient } from '../test-support/protocol.js';
import { TestSocket } from '../test-support/ws-client.js';

const HOUR = 3_600_000;
const master = Wallet.createRandom();
const agent = Wallet.createRandom();
const USER = master.address.toLowerCase();
// half past an hour, so the next hour boundary is 30 minutes away
const clock = new ManualClock(Math.floor(Date.now() / HOUR) * HOUR + HOUR / 2);
let sim: SimulatorHandle;
let c: PlainClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 81, tickMs: 0, clock, accounts: { [USER]: '10000' } });
  c = new PlainClient(sim.httpUrl, master, clock.now());
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

describe('webData3', () => {
  it('given a webData3 subscription, when subscribed and after an agent is approved, then userState and one perpDexState per dex arrive', async () => {
    const ws = await subscribed({ type: 'webData3', user: USER });
    const first = data(await ws.channel('webData3'));
    expect(first).toEqual({
      userState: {
        agentAddress: null,
        agentValidUntil: null,
        cumLedger: '10000.0',
        serverTime: clock.now(),
        isVault: false,
        user: USER,
        abstraction: 'disabled',
      },
      // the first perp dex and the two builder dexes of perpDexs
      perpDexStates: [{ totalVaultEquity: '0.0' }, { totalVaultEquity: '0.0' }, { totalVaultEquity: '0.0' }],
    });
    const from = ws.frames.length;
    const ok = await c.userSigned(
      approveAgentAction({ network: 'mainnet', agentAddress: agent.address, nonce: c.nextNonce() }),
    );
    expect(ok.status).toBe('ok');
    // an order by the agent changes the account: webData3 follows
    const { bid } = await bestBidAsk(c, 'BTC');
    const asAgent = new PlainClient(sim.httpUrl, agent, clock.now() + 10);
    expect((await asAgent.act(orderAction(limitOrder(0, true, bid, '0.001')))).status).toBe('ok');
    const next = data(await ws.channel('webData3', from));
    expect((next.userState as { agentAddress: string }).agentAddress).toBe(agent.address.toLowerCase());
    await ws.close();
  });
});

describe('funding: userFunding, userFundings and userEvents', () => {
  it('given a long position, when the hour turns, then funding is charged and listed with every field the venue sends', async () => {
    const fundings = await subscribed({ type: 'userFundings', user: USER });
    expect(data(await fundings.channel('userFundings'))).toEqual({
      isSnapshot: true,
      user: USER,
      fundings: [],
    });
    const events = await subscribed({ type: 'userEvents', user: USER });
    const { ask } = await bestBidAsk(c, 'ETH');
    expect((await c.act(orderAction(limitOrder(1, true, ask, '2', 'Ioc')))).status).toBe('ok');
    const rawBefore = (
      await c.info<{ marginSummary: { totalRawUsd: string } }>({ type: 'clearinghouseState', user: USER })
    ).marginSummary.totalRawUsd;
    const position = await c.info<{ assetPositions: { position: { szi: string } }[] }>({
      type: 'clearinghouseState',
      user: USER,
    });
    const szi = position.assetPositions[0]?.position.szi;
    expect(Number(szi)).toBeGreaterThan(0);
    const fromF = fundings.frames.length;
    const fromE = events.frames.length;

    clock.advance(HOUR / 2);
    sim.tick();

    const hour = Math.floor(clock.now() / HOUR) * HOUR;
    const rows = await c.info<{ time: number; hash: string; delta: Record<string, unknown> }[]>({
      type: 'userFunding',
      user: USER,
      startTime: 0,
    });
    expect(rows).toEqual([
      {
        time: hour,
        hash: `0x${'0'.repeat(64)}`,
        delta: {
          type: 'funding',
          coin: 'ETH',
          usdc: expect.stringMatching(/^-\d+\.\d+$/),
          szi,
          fundingRate: '0.0000125',
          nSamples: null,
        },
      },
    ]);
    const paid = Number((rows[0]?.delta as { usdc?: string } | undefined)?.usdc);
    const rawAfter = (
      await c.info<{ marginSummary: { totalRawUsd: string } }>({ type: 'clearinghouseState', user: USER })
    ).marginSummary.totalRawUsd;
    expect(Number(rawAfter) - Number(rawBefore)).toBeCloseTo(paid, 6);
    const { type: _type, ...funding } = rows[0]?.delta ?? {};
    expect(data(await fundings.channel('userFundings', fromF))).toEqual({
      user: USER,
      fundings: [{ time: hour, ...funding }],
    });
    // venue: userEvents arrive on channel "user"
    expect(data(await events.channel('user', fromE))).toEqual({ funding: { time: hour, ...funding } });
    expect(await c.info({ type: 'userFunding', user: USER, startTime: hour + 1 })).toEqual([]);
    await fundings.close();
    await events.close();
  });
});

describe('userNonFundingLedgerUpdates over WS', () => {
  it('given a subscription, when subscribed, then the snapshot holds the deposit in the REST shape', async () => {
    const ws = await subscribed({ type: 'userNonFundingLedgerUpdates', user: USER });
    const rest = await c.info<unknown[]>({ type: 'userNonFundingLedgerUpdates', user: USER, startTime: 0 });
    expect(data(await ws.channel('userNonFundingLedgerUpdates'))).toEqual({
      isSnapshot: true,
      user: USER,
      nonFundingLedgerUpdates: rest,
    });
    expect(rest[0]).toMatchObject({ delta: { type: 'deposit', usdc: '10000.0' } });
    await ws.close();
  });
});
