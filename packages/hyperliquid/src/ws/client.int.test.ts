import { once } from 'node:events';
import { systemClock } from '@hyperflow/core';
import { type FakeWsServer, startFakeWsServer } from '@hyperflow/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import {
  type GapInfo,
  type ResubscribedInfo,
  type StaleInfo,
  WsClient,
  type WsClientOptions,
} from './client.js';
import { WsError } from './errors.js';
import { SlidingWindowCounter } from './sliding-window.js';
import { channelsFor } from './subscription.js';

// channelsFor, observed: routing a data frame must not consult every subscription's type
vi.mock('./subscription.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./subscription.js')>();
  return { ...original, channelsFor: vi.fn(original.channelsFor) };
});

const GREETING = 'Websocket connection established.';

/** Server side of one connection: parsed frames in arrival order, awaited one by one. */
class Peer {
  readonly frames: Record<string, unknown>[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.frames.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** The next frame not yet taken, optionally skipping pings. */
  private taken = 0;
  async next(opts: { skipPings?: boolean } = { skipPings: true }): Promise<Record<string, unknown>> {
    for (;;) {
      const f = this.frames[this.taken];
      if (f) {
        this.taken++;
        if (opts.skipPings && f.method === 'ping') continue;
        return f;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  ack(method: 'subscribe' | 'unsubscribe', subscription: unknown): void {
    this.send({ channel: 'subscriptionResponse', data: { method, subscription } });
  }
}

let server: FakeWsServer;
const clients: WsClient[] = [];

beforeEach(async () => {
  server = await startFakeWsServer();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await server.close();
});

function client(opts: Partial<WsClientOptions> = {}): WsClient {
  const c = new WsClient({ url: server.url, backoff: { initialMs: 50, jitter: 0 }, ...opts });
  clients.push(c);
  return c;
}

/** Connects and returns the server side, after sending the venue's non-JSON greeting. */
async function connect(c: WsClient): Promise<Peer> {
  const [peerWs] = await Promise.all([server.nextConnection(), c.connect()]);
  const peer = new Peer(peerWs);
  peer.send(GREETING);
  return peer;
}

describe('WsClient on a loopback server', () => {
  it('ignores the greeting and matches a subscribe ack whose echo carries extra defaults', async () => {
    const lines: [string, object, string][] = [];
    const logger = {
      debug: (o: object, m: string) => lines.push(['debug', o, m]),
      info: (o: object, m: string) => lines.push(['info', o, m]),
      warn: (o: object, m: string) => lines.push(['warn', o, m]),
      error: (o: object, m: string) => lines.push(['error', o, m]),
    };
    const c = client({ logger, name: 'conn-a' });
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    const peer = await connect(c);
    const pending = c.subscribe({ type: 'l2Book', coin: 'BTC' });
    expect(await peer.next()).toEqual({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } });
    peer.ack('subscribe', { type: 'l2Book', coin: 'BTC', nSigFigs: null, mantissa: null });
    const key = await pending;

    const data = once(c, 'data');
    peer.send({ channel: 'l2Book', data: { coin: 'BTC', time: 1, levels: [[], []] } });
    expect(await data).toEqual(['l2Book', { coin: 'BTC', time: 1, levels: [[], []] }, key]);
    expect(errors).toEqual([]);
    expect(lines.filter(([level]) => level === 'warn' || level === 'error')).toEqual([]);
    expect(lines).toContainEqual(['debug', expect.objectContaining({ conn: 'conn-a' }), 'greeting']);
  });

  it('lowercases the user and matches the userFills echo with aggregateByTime added', async () => {
    const c = client();
    const peer = await connect(c);
    const user = '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01';
    const pending = c.subscribe({ type: 'userFills', user });
    const frame = await peer.next();
    expect(frame.subscription).toEqual({ type: 'userFills', user: user.toLowerCase() });
    peer.ack('subscribe', { type: 'userFills', user: user.toLowerCase(), aggregateByTime: false });
    await expect(pending).resolves.toContain('userFills');
  });

  it('rejects the pending subscribe when the error channel names it', async () => {
    const c = client();
    const peer = await connect(c);
    const a = c.subscribe({ type: 'trades', coin: 'NOPE' });
    const b = c.subscribe({ type: 'trades', coin: 'ETH' });
    await peer.next();
    await peer.next();
    peer.send({ channel: 'error', data: 'Invalid subscription {"type":"trades","coin":"NOPE"}' });
    peer.ack('subscribe', { type: 'trades', coin: 'ETH' });
    await expect(a).rejects.toMatchObject({ code: 'subscriptionRejected' });
    await expect(b).resolves.toBeTypeOf('string');
    expect([...c.subscriptions().values()]).toEqual([{ type: 'trades', coin: 'ETH' }]);
  });

  it('rejects the one pending subscribe on a cap error, which carries no echo', async () => {
    const c = client();
    const peer = await connect(c);
    const a = c.subscribe({ type: 'userFills', user: '0x00000000000000000000000000000000000000bb' });
    await peer.next();
    peer.send({ channel: 'error', data: 'Cannot track more than 10 total users.' });
    await expect(a).rejects.toMatchObject({
      code: 'subscriptionRejected',
      venueMessage: 'Cannot track more than 10 total users.',
    });
  });

  it('rejects with the venue text on "Already subscribed"', async () => {
    const c = client();
    const peer = await connect(c);
    const a = c.subscribe({ type: 'bbo', coin: 'SOL' });
    await peer.next();
    peer.send({ channel: 'error', data: 'Already subscribed: {"type":"bbo","coin":"SOL"}' });
    const err = await a.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsError);
    expect((err as WsError).venueMessage).toBe('Already subscribed: {"type":"bbo","coin":"SOL"}');
  });

  it('pings, and a missing pong terminates the half-open socket and reconnects', async () => {
    const c = client({ pingIntervalMs: 100, pongTimeoutMs: 300 });
    const peer = await connect(c);
    expect(await peer.next({ skipPings: false })).toEqual({ method: 'ping' });
    peer.send({ channel: 'pong' });
    expect(await peer.next({ skipPings: false })).toEqual({ method: 'ping' });
    // The server now goes silent but keeps the TCP connection: only the watchdog can notice.
    const closed = once(c, 'close');
    const reconnected = server.nextConnection();
    const [info] = (await closed) as [{ willReconnect: boolean }];
    expect(info.willReconnect).toBe(true);
    await reconnected;
    await once(c, 'open');
    expect(c.isOpen).toBe(true);
  });

  it('after a server drop: reconnects with backoff, resubscribes, emits the gap window', async () => {
    const c = client({ backoff: { initialMs: 120, jitter: 0 } });
    const peer = await connect(c);
    const sub = c.subscribe({ type: 'trades', coin: 'BTC' });
    await peer.next();
    peer.ack('subscribe', { type: 'trades', coin: 'BTC' });
    const key = await sub;

    const gap = once(c, 'gap') as Promise<[GapInfo]>;
    const resubscribed = once(c, 'resubscribed') as Promise<[ResubscribedInfo]>;
    const before = Date.now();
    peer.ws.terminate();
    const peer2 = new Peer(await server.nextConnection());
    const after = Date.now();
    expect(await peer2.next()).toEqual({
      method: 'subscribe',
      subscription: { type: 'trades', coin: 'BTC' },
    });
    peer2.ack('subscribe', { type: 'trades', coin: 'BTC' });

    const [window] = await gap;
    expect(window.from).toBeGreaterThanOrEqual(before);
    expect(window.to).toBeGreaterThanOrEqual(window.from + 110); // the first backoff step, no jitter
    expect(window.to).toBeLessThanOrEqual(after + 500);
    const [info] = await resubscribed;
    expect(info).toEqual({ reason: 'reconnect', keys: [key], failed: [] });
  });

  it('correlates posts by id, whatever the response order', async () => {
    const c = client();
    const peer = await connect(c);
    const a = c.post({ type: 'info', payload: { type: 'allMids' } });
    const b = c.post({ type: 'info', payload: { type: 'meta' } });
    const fa = await peer.next();
    const fb = await peer.next();
    expect(fa).toMatchObject({ method: 'post', request: { type: 'info', payload: { type: 'allMids' } } });
    peer.send({
      channel: 'post',
      data: { id: fb.id, response: { type: 'info', payload: { type: 'meta', data: 'B' } } },
    });
    peer.send({ channel: 'post', data: { id: fa.id, response: { type: 'info', payload: { data: 'A' } } } });
    await expect(a).resolves.toEqual({ type: 'info', payload: { data: 'A' } });
    await expect(b).resolves.toEqual({ type: 'info', payload: { type: 'meta', data: 'B' } });

    const c3 = c.post({ type: 'action', payload: { action: {} } });
    const f3 = await peer.next();
    peer.send({
      channel: 'post',
      data: { id: f3.id, response: { type: 'error', payload: '422 bad action' } },
    });
    await expect(c3).rejects.toMatchObject({ code: 'postRejected', venueMessage: '422 bad action' });
  });

  it('rejects a post with no response after its timeout', async () => {
    const c = client();
    const peer = await connect(c);
    const started = Date.now();
    const p = c.post({ type: 'info', payload: { type: 'allMids' } }, { timeoutMs: 150 });
    await peer.next();
    await expect(p).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(c.inFlightPosts).toBe(0);
  });

  it('rejects pending posts as soon as the socket closes, not at their timeout', async () => {
    const c = client();
    const peer = await connect(c);
    const p = c.post({ type: 'info', payload: { type: 'allMids' } }, { timeoutMs: 15_000 });
    await peer.next();
    const started = Date.now();
    peer.ws.terminate();
    await expect(p).rejects.toMatchObject({ code: 'connectionClosed' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails calls made while disconnected and never sends them later', async () => {
    const c = client({ backoff: { initialMs: 200, jitter: 0 } });
    const peer = await connect(c);
    const closed = once(c, 'close');
    peer.ws.terminate();
    await closed;
    await expect(c.post({ type: 'info', payload: { type: 'allMids' } })).rejects.toMatchObject({
      code: 'notConnected',
    });
    await expect(c.subscribe({ type: 'trades', coin: 'ETH' })).rejects.toMatchObject({
      code: 'notConnected',
    });

    const peer2 = new Peer(await server.nextConnection());
    await once(c, 'open');
    // Give anything wrongly queued time to arrive, then prove the new socket got nothing but pings.
    await new Promise((r) => setTimeout(r, 200));
    expect(peer2.frames.filter((f) => f.method !== 'ping')).toEqual([]);
    expect(c.subscriptionCount).toBe(0);
  });

  it('detects a silent subscription as stale and resubscribes it', async () => {
    const c = client({ staleAction: 'resubscribe' });
    const peer = await connect(c);
    const quiet = c.subscribe({ type: 'l2Book', coin: 'ETH' }, { staleAfterMs: 200 });
    const busy = c.subscribe({ type: 'trades', coin: 'ETH' }, { staleAfterMs: 1_000 });
    await peer.next();
    await peer.next();
    peer.ack('subscribe', { type: 'l2Book', coin: 'ETH', nSigFigs: null, mantissa: null });
    peer.ack('subscribe', { type: 'trades', coin: 'ETH' });
    const quietKey = await quiet;
    await busy;
    const feed = setInterval(() => peer.send({ channel: 'trades', data: [{ coin: 'ETH', px: '1' }] }), 50);
    try {
      const [stale] = (await once(c, 'stale')) as [StaleInfo];
      expect(stale.key).toBe(quietKey);
      expect(stale.silentMs).toBeGreaterThanOrEqual(200);
      const resubscribed = once(c, 'resubscribed') as Promise<[ResubscribedInfo]>;
      expect(await peer.next()).toEqual({
        method: 'unsubscribe',
        subscription: { type: 'l2Book', coin: 'ETH' },
      });
      peer.ack('unsubscribe', { type: 'l2Book', coin: 'ETH', nSigFigs: null, mantissa: null });
      expect(await peer.next()).toEqual({
        method: 'subscribe',
        subscription: { type: 'l2Book', coin: 'ETH' },
      });
      peer.ack('subscribe', { type: 'l2Book', coin: 'ETH', nSigFigs: null, mantissa: null });
      expect((await resubscribed)[0]).toEqual({ reason: 'stale', keys: [quietKey], failed: [] });
    } finally {
      clearInterval(feed);
    }
  });

  it('routes renamed channels to their subscription: activeSpotAssetCtx and user', async () => {
    const c = client();
    const peer = await connect(c);
    const user = '0x00000000000000000000000000000000000000aa';
    const spot = c.subscribe({ type: 'activeAssetCtx', coin: '@107' });
    const events = c.subscribe({ type: 'userEvents', user });
    await peer.next();
    await peer.next();
    peer.ack('subscribe', { type: 'activeAssetCtx', coin: '@107' });
    peer.ack('subscribe', { type: 'userEvents', user });
    const [spotKey, eventsKey] = await Promise.all([spot, events]);
    const seen: [string, string | undefined][] = [];
    c.on('data', (channel, _data, key) => seen.push([channel, key]));
    peer.send({ channel: 'activeSpotAssetCtx', data: { coin: '@107', ctx: { markPx: '1' } } });
    peer.send({ channel: 'user', data: { fills: [] } });
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen).toEqual([
      ['activeSpotAssetCtx', spotKey],
      ['user', eventsKey],
    ]);
  });

  it("routes a frame among its channel's subscriptions only, not by a pass over all of them", async () => {
    const c = client();
    const peer = await connect(c);
    const coins = Array.from({ length: 40 }, (_, i) => `C${i}`);
    const subs = coins.flatMap((coin) => [
      { type: 'trades', coin },
      { type: 'l2Book', coin },
      { type: 'bbo', coin },
      { type: 'candle', coin, interval: '1m' },
      { type: 'activeAssetCtx', coin },
    ]);
    const pending = subs.map((sub) => c.subscribe(sub));
    for (let i = 0; i < subs.length; i++) {
      const frame = await peer.next();
      peer.ack('subscribe', frame.subscription);
    }
    const keys = await Promise.all(pending);
    const keyOf = (type: string, coin: string) =>
      keys[subs.findIndex((s) => s.type === type && s.coin === coin)];
    const unsubscribed = c.unsubscribe({ type: 'l2Book', coin: 'C7' });
    expect(await peer.next()).toEqual({
      method: 'unsubscribe',
      subscription: { type: 'l2Book', coin: 'C7' },
    });
    peer.ack('unsubscribe', { type: 'l2Book', coin: 'C7' });
    await unsubscribed;

    const seen: [string, string | undefined][] = [];
    c.on('data', (channel, _data, key) => seen.push([channel, key]));
    vi.mocked(channelsFor).mockClear();
    for (let i = 0; i < 100; i++) {
      peer.send({ channel: 'l2Book', data: { coin: 'C3', time: i, levels: [[], []] } });
    }
    peer.send({ channel: 'l2Book', data: { coin: 'C7', time: 1, levels: [[], []] } });
    peer.send({ channel: 'activeSpotAssetCtx', data: { coin: 'C9', ctx: {} } });
    peer.send({ channel: 'candle', data: { s: 'C39', i: '1m', t: 1 } });
    await vi.waitFor(() => expect(seen).toHaveLength(103));
    expect(seen.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => ['l2Book', keyOf('l2Book', 'C3')]));
    expect(seen.slice(100)).toEqual([
      ['l2Book', undefined],
      ['activeSpotAssetCtx', keyOf('activeAssetCtx', 'C9')],
      ['candle', keyOf('candle', 'C39')],
    ]);
    expect(channelsFor).not.toHaveBeenCalled();
  });

  it('a subscription can ask for a reconnect when stale, and is restored on the new socket', async () => {
    const c = client();
    const peer = await connect(c);
    const sub = c.subscribe({ type: 'allMids' }, { staleAfterMs: 150, staleAction: 'reconnect' });
    await peer.next();
    peer.ack('subscribe', { type: 'allMids' });
    await sub;
    const next = server.nextConnection();
    await once(c, 'stale');
    const peer2 = new Peer(await next);
    expect(await peer2.next()).toEqual({ method: 'subscribe', subscription: { type: 'allMids' } });
  });

  it('backs off exponentially while the server keeps dropping fresh connections', async () => {
    const arrivals: number[] = [];
    server.server.on('connection', (ws) => {
      arrivals.push(Date.now());
      ws.terminate();
    });
    const delays: number[] = [];
    const logger = {
      debug: () => {},
      info: (o: object, m: string) => m === 'reconnecting' && delays.push((o as { delayMs: number }).delayMs),
      warn: () => {},
      error: () => {},
    };
    const c = client({ backoff: { initialMs: 60, factor: 2, jitter: 0 }, logger });
    void c.connect();
    await vi.waitFor(() => expect(arrivals.length).toBeGreaterThanOrEqual(4), { timeout: 5_000 });
    // Each drop came within stableAfterMs of the open, so the backoff kept growing.
    expect(delays.slice(0, 3)).toEqual([60, 120, 240]);
    // And the server really saw the spacing (lower bounds only: handshakes add time).
    const gaps = arrivals.slice(1, 4).map((t, i) => t - (arrivals[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(55);
    expect(gaps[1]).toBeGreaterThanOrEqual(115);
    expect(gaps[2]).toBeGreaterThanOrEqual(235);
  });

  it('waits for the shared new-connection limiter even when the backoff says go', async () => {
    // Stands in for "30 per minute": 1 per 400 ms, so the test stays short.
    const limiter = new SlidingWindowCounter(1, systemClock, 400);
    const c = client({ backoff: { initialMs: 10, jitter: 0 }, connectionLimiter: limiter, random: () => 0 });
    const first = await connect(c);
    const t0 = Date.now();
    first.ws.terminate();
    await server.nextConnection();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(limiter.count()).toBe(1);
  });
});

it('rejects connect for a malformed URL instead of throwing', async () => {
  const c = new WsClient({ url: 'not a url' });
  await expect(c.connect()).rejects.toMatchObject({ code: 'protocol' });
  await c.close();
});
