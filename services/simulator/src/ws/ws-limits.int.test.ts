import { classifyRefusal } from '@hyperflow/hyperliquid/internal';
import { Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_UNIVERSE, withSyntheticPerps } from '../market/universe.js';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { isChannel, TestSocket, waitFor } from '../test-support/ws-client.js';

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function open(s: SimulatorHandle): Promise<TestSocket> {
  const ws = await TestSocket.open(s.wsUrl);
  await ws.next((r) => r.text === 'Websocket connection established.');
  return ws;
}

const errors = (ws: TestSocket) =>
  ws.frames.filter(isChannel('error')).map((f) => (f.json as { data: string }).data);

/** Sends `n` pings and waits until the server has answered or refused each one. */
async function ping(ws: TestSocket, n: number): Promise<void> {
  const before = ws.frames.length;
  for (let i = 0; i < n; i++) ws.send({ method: 'ping' });
  await waitFor(() => ws.frames.length - before >= n, 15_000);
}

describe('WS limits per IP (doc §7.1)', () => {
  it('given 1500 messages on a socket that then closes, when the same IP reconnects, then the 2000-a-minute count carries over', async () => {
    sim = await startSimulator({ seed: 2, tickMs: 0 });
    const first = await open(sim);
    await ping(first, 1500);
    expect(errors(first)).toEqual([]);
    await first.close();
    const second = await open(sim);
    await ping(second, 501);
    const refused = errors(second);
    expect(refused).toEqual(['Cannot send more than 2000 messages per minute.']);
    expect(classifyRefusal(refused[0] as string)).toMatchObject({ name: 'wsMessages', kind: 'rate-limit' });
    await second.close();
  });

  it('given 1000 subscriptions on one IP, when one more arrives on another socket, then the channel cap refuses it', async () => {
    sim = await startSimulator({ seed: 2, tickMs: 0, universe: withSyntheticPerps(DEFAULT_UNIVERSE, 250) });
    const a = await open(sim);
    const b = await open(sim);
    const coins = Array.from({ length: 250 }, (_, i) => `SYN${i}`);
    for (const coin of coins.slice(0, 125))
      for (const type of ['trades', 'bbo', 'l2Book', 'activeAssetCtx'])
        a.send({ method: 'subscribe', subscription: { type, coin } });
    for (const coin of coins.slice(125))
      for (const type of ['trades', 'bbo', 'l2Book', 'activeAssetCtx'])
        b.send({ method: 'subscribe', subscription: { type, coin } });
    const acks = () => [...a.frames, ...b.frames].filter(isChannel('subscriptionResponse')).length;
    await waitFor(() => acks() === 1000, 15_000);
    b.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    await waitFor(() => errors(b).length === 1);
    expect(errors(b)).toEqual(['Cannot subscribe to more than 1000 channels.']);
    expect(classifyRefusal(errors(b)[0] as string).name).toBe('wsChannels');
    await a.close();
    await b.close();
  });

  it('given 10 users tracked on one IP, when an 11th user is subscribed, then the user cap refuses it', async () => {
    sim = await startSimulator({ seed: 2, tickMs: 0 });
    const ws = await open(sim);
    const users = Array.from({ length: 11 }, () => Wallet.createRandom().address.toLowerCase());
    for (const user of users.slice(0, 10))
      ws.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user } });
    await waitFor(() => ws.frames.filter(isChannel('subscriptionResponse')).length === 10);
    ws.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user: users[10] } });
    await waitFor(() => errors(ws).length === 1);
    expect(errors(ws)).toEqual(['Cannot track more than 10 total users.']);
    expect(classifyRefusal(errors(ws)[0] as string).name).toBe('wsUsers');
    await ws.close();
  });
});
