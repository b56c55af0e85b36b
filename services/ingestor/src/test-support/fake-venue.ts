import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeWsServer, startFakeWsServer } from '@hyperflow/testkit';
import type { WebSocket } from 'ws';

/**
 * A scripted loopback venue for integration tests: a real WebSocket server speaking the venue's
 * subscribe/ack/ping protocol (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket), and a real HTTP `/info` answering from
 * fixed data. The test pushes frames and kills sockets; nothing is random.
 */
export class FakeVenue {
  readonly sockets = new Set<WebSocket>();
  readonly subscribes: Record<string, unknown>[] = [];
  readonly unsubscribes: Record<string, unknown>[] = [];
  readonly infoRequests: { type: string; [k: string]: unknown }[] = [];
  /** while true, new connections are dropped at once (a venue outage) */
  refuse = false;
  info: {
    trades: unknown[];
    candles: unknown[];
    book: unknown;
    mids: Record<string, string>;
    meta: { universe: { name: string; szDecimals: number; maxLeverage: number; isDelisted?: boolean }[] };
  } = { trades: [], candles: [], book: null, mids: {}, meta: { universe: [] } };
  private subscribeWaiters: (() => void)[] = [];

  private constructor(
    private readonly ws: FakeWsServer,
    private readonly http: Server,
    readonly wsUrl: string,
    readonly restUrl: string,
  ) {
    ws.server.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(): Promise<FakeVenue> {
    const ws = await startFakeWsServer();
    let venue: FakeVenue | undefined;
    const http = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const answer = venue?.answerInfo(JSON.parse(body) as { type: string });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer ?? null));
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    venue = new FakeVenue(ws, http, ws.url, `http://127.0.0.1:${port}`);
    return venue;
  }

  /** Sends a frame (object or raw text) to every open connection. */
  push(frame: unknown): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const s of this.sockets) s.send(text);
  }

  data(channel: string, data: unknown): void {
    this.push({ channel, data });
  }

  /** Drops every connection without a close handshake (what a venue restart looks like). */
  killAll(): void {
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
  }

  /** Resolves once `n` subscribe requests in total have been acked. */
  async subscribed(n: number): Promise<void> {
    while (this.subscribes.length < n) await new Promise<void>((r) => this.subscribeWaiters.push(r));
  }

  async close(): Promise<void> {
    this.killAll();
    await this.ws.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    if (this.refuse) {
      socket.terminate();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // venue: a plain-text greeting follows the handshake (the Python SDK ignores it,
    // https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/hyperliquid/websocket_manager.py)
    socket.send('Websocket connection established.');
    socket.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { method: string; subscription?: Record<string, unknown> };
      switch (msg.method) {
        case 'ping':
          socket.send(JSON.stringify({ channel: 'pong' }));
          return;
        case 'subscribe':
        case 'unsubscribe': {
          const sub = msg.subscription ?? {};
          (msg.method === 'subscribe' ? this.subscribes : this.unsubscribes).push(sub);
          // venue: the echo is normalized and may add defaults (the nktkas SDK matches acks by subset,
          // https://github.com/nktkas/hyperliquid/tree/main/src/transport/websocket)
          const echo = sub.type === 'l2Book' ? { nSigFigs: null, mantissa: null, ...sub } : sub;
          socket.send(
            JSON.stringify({
              channel: 'subscriptionResponse',
              data: { method: msg.method, subscription: echo },
            }),
          );
          for (const w of this.subscribeWaiters.splice(0)) w();
          return;
        }
        default:
          return;
      }
    });
  }

  private answerInfo(req: { type: string; [k: string]: unknown }): unknown {
    this.infoRequests.push(req);
    switch (req.type) {
      case 'recentTrades':
        return this.info.trades;
      case 'candleSnapshot':
        return this.info.candles;
      case 'l2Book':
        return this.info.book;
      case 'allMids':
        return this.info.mids;
      case 'meta':
        return this.info.meta;
      default:
        return null;
    }
  }
}
