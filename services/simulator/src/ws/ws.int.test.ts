import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { signedBody } from '../test-support/sign.js';
import { WsFrame } from '../test-support/wire.js';
import { isChannel, TestSocket, waitFor } from '../test-support/ws-client.js';

const wallet = Wallet.createRandom();
const USER = wallet.address.toLowerCase();
let sim: SimulatorHandle;
let nonce = Date.now();

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    tickMs: 20,
    bookIntervalMs: 100,
    l2BookIntervalMs: 100,
    accounts: { [USER]: '100000' },
  });
});
afterAll(async () => {
  await sim.close();
});

async function open(): Promise<TestSocket> {
  const s = await TestSocket.open(sim.wsUrl);
  await s.next((r) => r.text === 'Websocket connection established.');
  return s;
}

function parsed(r: { json: unknown }): WsFrame {
  return WsFrame.parse(r.json);
}

describe('WS /ws', () => {
  it('given a new connection, when it opens, then the first frame is the non-JSON greeting', async () => {
    const s = await TestSocket.open(sim.wsUrl);
    const first = await s.next(() => true);
    expect(first.text).toBe('Websocket connection established.');
    expect(first.json).toBeUndefined();
    await s.close();
  });

  it('given l2Book subscribe, when acked, then the echo is normalized and 20-level snapshots follow', async () => {
    const s = await open();
    s.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    const ack = await s.channel('subscriptionResponse');
    expect(ack.text).toBe(
      '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}}}',
    );
    const book = parsed(await s.channel('l2Book'));
    if (book.channel !== 'l2Book') throw new Error('unreachable');
    expect(book.data.levels[0]).toHaveLength(20);
    expect(book.data.levels[1]).toHaveLength(20);
    const start = s.frames.length;
    const second = parsed(await s.channel('l2Book', start));
    if (second.channel !== 'l2Book') throw new Error('unreachable');
    expect(second.data.time).toBeGreaterThanOrEqual(book.data.time + 100);
    await s.close();
  });

  it('given fast l2Book, when snapshots arrive, then 5 levels per side', async () => {
    const s = await open();
    s.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'ETH', fast: true } });
    const book = parsed(await s.channel('l2Book'));
    if (book.channel !== 'l2Book') throw new Error('unreachable');
    expect(book.data.levels.map((l) => l.length)).toEqual([5, 5]);
    await s.close();
  });

  it('given every market channel, when subscribed, then first frames validate against the wire schemas', async () => {
    const s = await open();
    const subs = [
      { type: 'trades', coin: 'BTC' },
      { type: 'bbo', coin: 'BTC' },
      { type: 'candle', coin: 'BTC', interval: '1m' },
      { type: 'allMids' },
      { type: 'activeAssetCtx', coin: 'ETH' },
      { type: 'activeAssetCtx', coin: 'PURR/USDC' },
    ];
    for (const sub of subs) s.send({ method: 'subscribe', subscription: sub });
    for (const ch of ['trades', 'bbo', 'candle', 'allMids', 'activeAssetCtx', 'activeSpotAssetCtx']) {
      const f = parsed(await s.channel(ch));
      expect(f.channel).toBe(ch);
    }
    const trades = parsed(await s.channel('trades'));
    if (trades.channel !== 'trades') throw new Error('unreachable');
    expect(Array.isArray(trades.data)).toBe(true);
    expect(trades.data[0]?.coin).toBe('BTC');
    const spot = parsed(await s.channel('activeSpotAssetCtx'));
    expect(spot.channel === 'activeSpotAssetCtx' && spot.data.coin).toBe('PURR/USDC');
    for (const f of s.frames.slice(1))
      expect(WsFrame.safeParse(f.json).success, f.text.slice(0, 100)).toBe(true);
    await s.close();
  });

  it('given bad requests, when sent, then the venue error strings come back', async () => {
    const s = await open();
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    await s.channel('subscriptionResponse');
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    expect((await s.channel('error')).text).toBe(
      '{"channel":"error","data":"Already subscribed: {\\"type\\":\\"trades\\",\\"coin\\":\\"BTC\\"}"}',
    );
    const n = s.frames.length;
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'NOPE' } });
    expect((await s.channel('error', n)).json).toEqual({
      channel: 'error',
      data: 'Invalid subscription {"type":"trades","coin":"NOPE"}',
    });
    const m = s.frames.length;
    s.send('not json');
    expect((await s.channel('error', m)).json).toEqual({
      channel: 'error',
      data: 'Error parsing JSON into valid websocket request: not json',
    });
    const u = s.frames.length;
    s.send({ method: 'unsubscribe', subscription: { type: 'trades', coin: 'BTC' } });
    expect((await s.channel('subscriptionResponse', u)).json).toEqual({
      channel: 'subscriptionResponse',
      data: { method: 'unsubscribe', subscription: { type: 'trades', coin: 'BTC' } },
    });
    await s.close();
  });

  it('given a ping, when sent, then {"channel":"pong"} comes back', async () => {
    const s = await open();
    s.send({ method: 'ping' });
    expect((await s.channel('pong')).text).toBe('{"channel":"pong"}');
    await s.close();
  });

  it('given post requests, when sent, then info and action answers use the venue envelope', async () => {
    const s = await open();
    s.send({ method: 'post', id: 123, request: { type: 'info', payload: { type: 'l2Book', coin: 'ETH' } } });
    const info = (await s.channel('post')).json as {
      data: { id: number; response: { type: string; payload: { type: string; data: { coin: string } } } };
    };
    expect(info.data.id).toBe(123);
    expect(info.data.response.type).toBe('info');
    expect(info.data.response.payload.type).toBe('l2Book');
    expect(info.data.response.payload.data.coin).toBe('ETH');

    const action = { type: 'noop' };
    const body = await signedBody(wallet, action, ++nonce);
    const n = s.frames.length;
    s.send({ method: 'post', id: 256, request: { type: 'action', payload: body } });
    expect((await s.channel('post', n)).json).toEqual({
      channel: 'post',
      data: {
        id: 256,
        response: { type: 'action', payload: { status: 'ok', response: { type: 'default' } } },
      },
    });
    const m = s.frames.length;
    s.send({ method: 'post', id: 7, request: { type: 'info', payload: { type: 'bogus' } } });
    expect((await s.channel('post', m)).json).toEqual({
      channel: 'post',
      data: {
        id: 7,
        response: {
          type: 'error',
          payload: '422 Unprocessable Entity: Failed to deserialize the JSON body into the target type',
        },
      },
    });
    await s.close();
  });

  it('given user channels, when a signed order fills, then orderUpdates, userFills and user frames arrive', async () => {
    const s = await open();
    s.send({ method: 'subscribe', subscription: { type: 'orderUpdates', user: USER } });
    s.send({ method: 'subscribe', subscription: { type: 'userEvents', user: USER } });
    s.send({ method: 'subscribe', subscription: { type: 'userFills', user: USER } });
    const snap = parsed(await s.channel('userFills'));
    expect(snap).toEqual({ channel: 'userFills', data: { isSnapshot: true, user: USER, fills: [] } });
    const echo = s.frames.find((f) => f.text.includes('"type":"userFills"'));
    expect(echo?.json).toEqual({
      channel: 'subscriptionResponse',
      data: { method: 'subscribe', subscription: { type: 'userFills', user: USER, aggregateByTime: false } },
    });

    const order = { a: 2, b: true, p: '200', s: '1', r: false, t: { limit: { tif: 'Ioc' } } };
    const body = await signedBody(wallet, { type: 'order', orders: [order], grouping: 'na' }, ++nonce);
    const res = await fetch(`${sim.httpUrl}/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { response: { data: { statuses: { filled?: { oid: number } }[] } } };
    const oid = json.response.data.statuses[0]?.filled?.oid;
    expect(oid).toBeTypeOf('number');

    const updates = parsed(await s.channel('orderUpdates'));
    expect(updates.channel === 'orderUpdates' && updates.data[0]).toMatchObject({
      status: 'filled',
      order: { oid, coin: 'SOL' },
    });
    const fills = parsed(await s.next((r) => isChannel('userFills')(r) && !r.text.includes('isSnapshot')));
    expect(fills.channel === 'userFills' && fills.data.fills[0]).toMatchObject({
      oid,
      coin: 'SOL',
      crossed: true,
    });
    const user = parsed(await s.channel('user'));
    expect(user.channel === 'user' && user.data.fills[0]?.oid).toBe(oid);
    await s.close();
  });

  it('given the stall fault on l2Book, when it is on, then book frames stop while trades and pongs continue', async () => {
    const s = await open();
    s.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'SOL' } });
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'SOL' } });
    await s.channel('l2Book');
    sim.faults.stall({ channel: 'l2Book', coin: 'SOL' }, 2000);
    const from = s.frames.length;
    await new Promise((r) => setTimeout(r, 500));
    s.send({ method: 'ping' });
    await s.channel('pong', from);
    const during = s.frames.slice(from);
    expect(during.some(isChannel('l2Book'))).toBe(false);
    expect(during.some(isChannel('trades'))).toBe(true);
    await s.channel('l2Book', s.frames.length, 6000); // resumes after the stall
    await s.close();
  });

  it('given the drop and malformed faults, when fired, then the socket gets garbage then closes', async () => {
    const s = await open();
    sim.faults.sendMalformed();
    const bad = await s.next((r) => r.json === undefined && r.text.startsWith('{'));
    expect(() => JSON.parse(bad.text)).toThrow();
    sim.faults.dropConnections();
    await waitFor(() => s.closed !== undefined);
  });
});

describe('WS idle close', () => {
  it('given a silent client, when the idle timeout passes, then the server closes; pings keep it open', async () => {
    const idle = await startSimulator({ tickMs: 0, idleTimeoutMs: 1000 });
    try {
      const quiet = await TestSocket.open(idle.wsUrl);
      const chatty = await TestSocket.open(idle.wsUrl);
      const timer = setInterval(() => chatty.send({ method: 'ping' }), 100);
      await waitFor(() => quiet.closed !== undefined);
      clearInterval(timer);
      expect(chatty.closed).toBeUndefined();
      await chatty.close();
    } finally {
      await idle.close();
    }
  });
});

describe('faults from config', () => {
  it('given dropEveryMs and latencyMs, when running, then sockets drop periodically and posts are delayed', async () => {
    const flaky = await startSimulator({ tickMs: 0, warmupTicks: 0, dropEveryMs: 1000, latencyMs: 100 });
    try {
      const s = await TestSocket.open(flaky.wsUrl);
      const sent = performance.now();
      s.send({ method: 'post', id: 1, request: { type: 'info', payload: { type: 'allMids' } } });
      await s.channel('post');
      expect(performance.now() - sent).toBeGreaterThanOrEqual(90);
      await waitFor(() => s.closed !== undefined);
    } finally {
      await flaky.close();
    }
  });
});

describe('WS connection caps', () => {
  it('given 10 open sockets from one IP, when an 11th connects, then the handshake gets 429', async () => {
    const capped = await startSimulator({ tickMs: 0, warmupTicks: 0 });
    const sockets: TestSocket[] = [];
    try {
      for (let i = 0; i < 10; i++) sockets.push(await TestSocket.open(capped.wsUrl));
      await expect(TestSocket.open(capped.wsUrl)).rejects.toThrow('Unexpected server response: 429');
      await sockets.pop()?.close();
      await new Promise((r) => setTimeout(r, 50));
      sockets.push(await TestSocket.open(capped.wsUrl));
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await capped.close();
    }
  });

  it('given added latency, when more than 100 posts are in flight, then the venue refuses the excess', async () => {
    const slow = await startSimulator({ tickMs: 0, warmupTicks: 0 });
    try {
      const s = await TestSocket.open(slow.wsUrl);
      slow.faults.setLatency(1000);
      for (let id = 1; id <= 101; id++)
        s.send({ method: 'post', id, request: { type: 'info', payload: { type: 'allMids' } } });
      expect((await s.channel('error')).json).toEqual({
        channel: 'error',
        data: 'too many pending post requests id=101',
      });
      await s.channel('post', 0, 2000);
      await s.close();
    } finally {
      await slow.close();
    }
  });
});
