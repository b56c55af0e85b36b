import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface FakeWsServer {
  /** `ws://127.0.0.1:<port>/ws` */
  readonly url: string;
  readonly server: WebSocketServer;
  /** resolves with the next client connection */
  nextConnection(): Promise<WebSocket>;
  close(): Promise<void>;
}

/** A real WebSocket server on a loopback port whose behaviour the test scripts frame by frame. */
export async function startFakeWsServer(): Promise<FakeWsServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const pending: WebSocket[] = [];
  const waiters: ((ws: WebSocket) => void)[] = [];
  server.on('connection', (ws) => {
    const waiter = waiters.shift();
    if (waiter) waiter(ws);
    else pending.push(ws);
  });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    server,
    nextConnection: () => {
      const ws = pending.shift();
      return ws ? Promise.resolve(ws) : new Promise((resolve) => waiters.push(resolve));
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
