import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WsClientEvents, WsClientOptions, WsPostResponse } from './client.js';
import { CapExceededError } from './errors.js';
import { type PoolConnection, VENUE_WS_CAPS, WsPool, type WsPoolOptions } from './pool.js';
import type { SubscriptionObject } from './subscription.js';

/** A connection that opens and acks at once; posts stay in flight until the test settles them. */
class FakeConnection extends EventEmitter<WsClientEvents> implements PoolConnection {
  readonly subs: SubscriptionObject[] = [];
  readonly posts: ((r: WsPostResponse) => void)[] = [];
  isOpen = false;
  constructor(readonly options: WsClientOptions) {
    super();
  }
  get inFlightPosts(): number {
    return this.posts.length;
  }
  async connect(): Promise<void> {
    this.isOpen = true;
  }
  async subscribe(sub: SubscriptionObject): Promise<string> {
    this.subs.push(sub);
    return JSON.stringify(sub);
  }
  async unsubscribe(): Promise<void> {}
  post(): Promise<WsPostResponse> {
    return new Promise((resolve) => this.posts.push(resolve));
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

function pool(options: Partial<WsPoolOptions> = {}) {
  const conns: FakeConnection[] = [];
  const p = new WsPool({
    url: 'ws://unused',
    createConnection: (o) => {
      const c = new FakeConnection(o);
      conns.push(c);
      return c;
    },
    ...options,
  });
  return { pool: p, conns };
}

const user = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;

describe('WsPool caps', () => {
  it('uses the venue caps by default', () => {
    expect(pool().pool.caps).toEqual(VENUE_WS_CAPS);
    expect(VENUE_WS_CAPS).toEqual({
      connections: 10,
      connectionsPerMinute: 30,
      subscriptions: 1000,
      users: 10,
      messagesPerMinute: 2000,
      inFlightPosts: 100,
    });
  });

  it('spreads 1000 subscriptions over 10 connections and refuses the 1001st, naming the cap', async () => {
    const { pool: p, conns } = pool();
    for (let i = 0; i < 1000; i++) await p.subscribe({ type: 'trades', coin: `C${i}` });
    expect(conns.map((c) => c.subs.length)).toEqual(Array(10).fill(100));
    const err = await p.subscribe({ type: 'trades', coin: 'ONE-TOO-MANY' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CapExceededError);
    expect(err).toMatchObject({ cap: 'subscriptions', limit: 1000 });
    expect((err as Error).message).toMatch(/subscriptions=1000/);
    // Re-subscribing something already held is not a new subscription.
    await expect(p.subscribe({ type: 'trades', coin: 'C5' })).resolves.toBeTypeOf('string');
    await p.unsubscribe({ type: 'trades', coin: 'C5' });
    await expect(p.subscribe({ type: 'trades', coin: 'ONE-TOO-MANY' })).resolves.toBeTypeOf('string');
  });

  it('refuses an 11th connection', async () => {
    const { pool: p } = pool({ subscriptionsPerConnection: 1, caps: { subscriptions: 50 } });
    for (let i = 0; i < 10; i++) await p.subscribe({ type: 'bbo', coin: `C${i}` });
    await expect(p.subscribe({ type: 'bbo', coin: 'X' })).rejects.toMatchObject({
      cap: 'connections',
      limit: 10,
    });
    expect(p.connectionCount).toBe(10);
  });

  it('refuses an 11th distinct user, but not more subscriptions for a tracked one', async () => {
    const { pool: p } = pool();
    for (let i = 0; i < 10; i++) await p.subscribe({ type: 'userFills', user: user(i) });
    await expect(p.subscribe({ type: 'userFills', user: user(10) })).rejects.toMatchObject({
      cap: 'users',
      limit: 10,
    });
    await p.subscribe({ type: 'userFundings', user: user(3).toUpperCase().replace('0X', '0x') });
    expect(p.userCount).toBe(10);
    await p.unsubscribe({ type: 'userFills', user: user(0) });
    await p.subscribe({ type: 'userFills', user: user(10) });
    expect(p.userCount).toBe(10);
  });

  it('refuses the 101st in-flight post and frees the slot when one settles', async () => {
    const { pool: p, conns } = pool();
    const posts = Array.from({ length: 100 }, () => p.post({ type: 'info', payload: { type: 'allMids' } }));
    await Promise.resolve();
    await expect(p.post({ type: 'info', payload: {} })).rejects.toMatchObject({
      cap: 'inFlightPosts',
      limit: 100,
    });
    conns[0]?.posts[0]?.({ type: 'info', payload: 1 });
    await posts[0];
    expect(p.inFlightPosts).toBe(99);
    const again = p.post({ type: 'info', payload: {} });
    expect(p.inFlightPosts).toBe(100);
    void again;
  });

  it('gives every connection the same per-IP limiters and post id sequence', async () => {
    const { pool: p, conns } = pool({ subscriptionsPerConnection: 1 });
    await p.subscribe({ type: 'bbo', coin: 'A' });
    await p.subscribe({ type: 'bbo', coin: 'B' });
    const [a, b] = conns;
    expect(a?.options.messageLimiter).toBeDefined();
    expect(a?.options.messageLimiter).toBe(b?.options.messageLimiter);
    expect(a?.options.messageLimiter?.limit).toBe(2000);
    expect(a?.options.connectionLimiter).toBe(b?.options.connectionLimiter);
    expect(a?.options.connectionLimiter?.limit).toBe(30);
    // Post ids come from one pool-wide sequence.
    expect([a?.options.nextPostId?.(), b?.options.nextPostId?.(), a?.options.nextPostId?.()]).toEqual([
      1, 2, 3,
    ]);
  });

  it('never puts two users’ orderUpdates on one connection (the frames carry no user)', async () => {
    const { pool: p, conns } = pool();
    await p.subscribe({ type: 'orderUpdates', user: user(1) });
    await p.subscribe({ type: 'orderUpdates', user: user(2) });
    await p.subscribe({ type: 'trades', coin: 'BTC' });
    expect(conns.map((c) => c.subs.map((s) => s.type))).toEqual([
      ['orderUpdates', 'trades'],
      ['orderUpdates'],
    ]);
  });
});
