import { type FakeWsServer, startFakeWsServer } from '@hyperflow/testkit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CapExceededError } from './errors.js';
import { WsPool } from './pool.js';

let server: FakeWsServer;
let pool: WsPool | undefined;

beforeEach(async () => {
  server = await startFakeWsServer();
  // A venue stand-in: greeting, then ack every subscribe with an echo carrying an extra default.
  server.server.on('connection', (ws) => {
    ws.send('Websocket connection established.');
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as { method: string; subscription?: object };
      if (frame.method === 'subscribe' || frame.method === 'unsubscribe') {
        const subscription = { ...frame.subscription, nSigFigs: null };
        ws.send(
          JSON.stringify({ channel: 'subscriptionResponse', data: { method: frame.method, subscription } }),
        );
      }
    });
  });
});

afterEach(async () => {
  await pool?.close();
  await server.close();
});

it('holds 1000 subscriptions over 10 real connections and refuses the 1001st', async () => {
  pool = new WsPool({ url: server.url });
  const keys = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => pool!.subscribe({ type: 'l2Book', coin: `COIN${i}` })),
  );
  expect(new Set(keys).size).toBe(1000);
  expect(pool.connectionCount).toBe(10);
  expect(server.server.clients.size).toBe(10);
  expect(pool.messagesLastMinute).toBeGreaterThanOrEqual(1000);

  const err = await pool.subscribe({ type: 'l2Book', coin: 'COIN1000' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CapExceededError);
  expect(err).toMatchObject({ cap: 'subscriptions', limit: 1000 });
});

it('refuses a subscribe past the messages-per-minute cap without sending it', async () => {
  pool = new WsPool({ url: server.url, caps: { messagesPerMinute: 3 } });
  for (const coin of ['A', 'B', 'C']) await pool.subscribe({ type: 'trades', coin });
  await expect(pool.subscribe({ type: 'trades', coin: 'D' })).rejects.toMatchObject({
    cap: 'messagesPerMinute',
    limit: 3,
  });
  expect(pool.subscriptionCount).toBe(3);
});
