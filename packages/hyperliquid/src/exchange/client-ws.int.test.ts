import { ExchangeSigner, LocalSigner, NonceManager, orderAction } from '@hyperflow/signing';
import { type FakeWsServer, startFakeWsServer } from '@hyperflow/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ipWeightBudget } from '../budget/ledger.js';
import { WsClient } from '../ws/client.js';
import { CapExceededError } from '../ws/errors.js';
import { ExchangeClient, type PostTransport } from './client.js';

const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const signer = new ExchangeSigner({
  signer: new LocalSigner(KEY),
  network: 'testnet',
  nonces: new NonceManager({ clock: () => Date.now() }),
});

function buy() {
  return orderAction({
    orders: [{ asset: 4, isBuy: true, price: '1670.1', size: '0.0147', type: { kind: 'limit', tif: 'Alo' } }],
  });
}

/** Server side of one connection: raw text frames in arrival order. */
class Peer {
  readonly raw: string[] = [];
  #waiters: (() => void)[] = [];
  #taken = 0;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.raw.push(data.toString());
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  async nextPost(): Promise<{ id: number; raw: string }> {
    for (;;) {
      const text = this.raw[this.#taken];
      if (text !== undefined) {
        this.#taken++;
        const frame = JSON.parse(text) as { method: string; id: number };
        if (frame.method === 'post') return { id: frame.id, raw: text };
        continue;
      }
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }
}

let server: FakeWsServer;
let ws: WsClient;

beforeEach(async () => {
  server = await startFakeWsServer();
  ws = new WsClient({ url: server.url, backoff: { initialMs: 50, jitter: 0 } });
});

afterEach(async () => {
  await ws.close();
  await server.close();
});

async function connect(): Promise<Peer> {
  const [peerWs] = await Promise.all([server.nextConnection(), ws.connect()]);
  const peer = new Peer(peerWs);
  peerWs.send('Websocket connection established.');
  return peer;
}

describe('ExchangeClient over WS post (real WsClient, loopback WS server)', () => {
  it('sends the body as the post payload, parses the action response, and resends the same payload after a timeout', async () => {
    const peer = await connect();
    const transport: PostTransport = ws;
    const ip = ipWeightBudget({ limit: 1200 });
    const ex = new ExchangeClient({ ws: transport, ipBudget: ip, timeoutMs: 300 });
    const request = await signer.sign(buy(), { expiresInMs: 10_000 });

    const pending = ex.submit(request);
    const post = await peer.nextPost();
    const frame = JSON.parse(post.raw) as { request: { type: string; payload: unknown } };
    expect(frame.request.type).toBe('action');
    // the action payload is byte-for-byte the HTTP /exchange body (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/post-requests)
    expect(JSON.stringify(frame.request.payload)).toBe(JSON.stringify(request));
    expect(post.raw).toContain(JSON.stringify(request));
    peer.send({
      channel: 'post',
      data: {
        id: post.id,
        response: {
          type: 'action',
          payload: {
            status: 'ok',
            response: { type: 'order', data: { statuses: [{ resting: { oid: 88383 } }] } },
          },
        },
      },
    });
    expect(await pending).toMatchObject({
      kind: 'answered',
      via: 'ws',
      result: { kind: 'orders', statuses: [{ kind: 'resting', oid: 88383 }] },
    });
    expect(ip.snapshot().used).toBe(1);

    // a post that never gets an answer is ambiguous; the resend carries the same payload bytes
    const lost = await ex.submit(await signer.sign(buy(), { expiresInMs: 10_000 }));
    const lostPost = await peer.nextPost();
    expect(lost).toMatchObject({ kind: 'ambiguous', cause: 'timeout', via: 'ws' });
    if (lost.kind !== 'ambiguous') throw new Error('unreachable');
    const resent = ex.resend(lost.prepared);
    const resentPost = await peer.nextPost();
    const payloadOf = (raw: string) =>
      JSON.stringify((JSON.parse(raw) as { request: { payload: unknown } }).request.payload);
    expect(payloadOf(resentPost.raw)).toBe(payloadOf(lostPost.raw));
    expect(payloadOf(resentPost.raw)).toBe(lost.prepared.body);
    expect(resentPost.id).not.toBe(lostPost.id);
    peer.send({
      channel: 'post',
      data: {
        id: resentPost.id,
        response: {
          type: 'action',
          payload: { status: 'err', response: `Invalid nonce: duplicate nonce ${lost.prepared.nonce}` },
        },
      },
    });
    expect(await resent).toMatchObject({ kind: 'duplicate' });
  });

  it('maps WS error responses: a 429 mirror is rate limited, a 5xx mirror or a dropped socket is ambiguous', async () => {
    const peer = await connect();
    const ip = ipWeightBudget({ limit: 1200, reservedForRiskReducing: 0 });
    const ex = new ExchangeClient({ ws, ipBudget: ip, timeoutMs: 2000 });

    const a = ex.submit(await signer.sign(buy()));
    const pa = await peer.nextPost();
    peer.send({
      channel: 'post',
      data: { id: pa.id, response: { type: 'error', payload: '429 Too Many Requests' } },
    });
    expect(await a).toMatchObject({ kind: 'rateLimited', via: 'ws' });
    expect(ip.snapshot().available).toBe(0);

    const ex2 = new ExchangeClient({ ws, timeoutMs: 2000 });
    const b = ex2.submit(await signer.sign(buy()));
    const pb = await peer.nextPost();
    peer.send({
      channel: 'post',
      data: { id: pb.id, response: { type: 'error', payload: '502 Bad Gateway' } },
    });
    expect(await b).toMatchObject({ kind: 'ambiguous', cause: 'serverError' });

    const c = ex2.submit(await signer.sign(buy()));
    await peer.nextPost();
    peer.ws.terminate();
    expect(await c).toMatchObject({ kind: 'ambiguous', cause: 'connectionClosed' });
  });

  it('a post that cannot leave this process is notSent (socket not open, local cap)', async () => {
    const ex = new ExchangeClient({ ws, timeoutMs: 500 });
    expect(await ex.submit(await signer.sign(buy()))).toMatchObject({
      kind: 'notSent',
      reason: 'unreachable',
    });
    const capped: PostTransport = {
      post: () => Promise.reject(new CapExceededError('inFlightPosts', 100, 'post action not sent')),
    };
    const ex2 = new ExchangeClient({ ws: capped });
    expect(await ex2.submit(await signer.sign(buy()))).toMatchObject({
      kind: 'notSent',
      reason: 'capExceeded',
    });
  });
});
