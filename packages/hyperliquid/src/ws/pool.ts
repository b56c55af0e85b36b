import { EventEmitter } from 'node:events';
import { type Clock, systemClock, systemTimers, type TimerHandle } from '@hyperflow/core';
import {
  type GapInfo,
  type ResubscribedInfo,
  type StaleInfo,
  type SubscribeOptions,
  WsClient,
  type WsClientEvents,
  type WsClientOptions,
  type WsPostRequest,
  type WsPostResponse,
} from './client.js';
import { CapExceededError, WsError } from './errors.js';
import { SlidingWindowCounter } from './sliding-window.js';
import {
  normalizeSubscription,
  type SubscriptionObject,
  subscriptionKey,
  subscriptionUser,
  UNROUTABLE_BY_USER,
} from './subscription.js';

/** The venue's per-IP WebSocket caps (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits). */
export interface VenueWsCaps {
  /** simultaneous connections */
  connections: number;
  /** new connections per minute */
  connectionsPerMinute: number;
  /** subscriptions across all connections */
  subscriptions: number;
  /** distinct users across user-specific subscriptions */
  users: number;
  /** frames sent per minute across all connections (subscribe, unsubscribe, ping, post) */
  messagesPerMinute: number;
  /** simultaneous in-flight posts */
  inFlightPosts: number;
}

/**
 * venue: 10 connections, 30 new connections/min, 1000 subscriptions, 10 users, 2000 messages/min,
 * 100 in-flight posts. The user cap is 10 in the docs but 15 in one SDK: design for 10.
 */
export const VENUE_WS_CAPS: Readonly<VenueWsCaps> = Object.freeze({
  connections: 10,
  connectionsPerMinute: 30,
  subscriptions: 1000,
  users: 10,
  messagesPerMinute: 2000,
  inFlightPosts: 100,
});

/** What the pool needs of a connection; {@link WsClient} is the real one. */
export type PoolConnection = Pick<
  WsClient,
  'connect' | 'subscribe' | 'unsubscribe' | 'post' | 'close' | 'isOpen' | 'inFlightPosts'
> &
  Pick<EventEmitter<WsClientEvents>, 'on'>;

export interface WsPoolOptions
  extends Omit<WsClientOptions, 'connectionLimiter' | 'messageLimiter' | 'name'> {
  /** override some caps (e.g. a lower share when several processes share one IP) */
  caps?: Partial<VenueWsCaps>;
  /** subscriptions per connection before the next connection is used (default caps.subscriptions / caps.connections) */
  subscriptionsPerConnection?: number;
  /** how long a call waits for a new connection to open (default 15 000 ms) */
  openTimeoutMs?: number;
  /** builds each connection; defaults to `new WsClient(options)` */
  createConnection?: (options: WsClientOptions) => PoolConnection;
}

export interface WsPoolEvents {
  data: [channel: string, data: unknown, key: string | undefined];
  stale: [StaleInfo, connection: number];
  gap: [GapInfo, connection: number];
  resubscribed: [ResubscribedInfo, connection: number];
  open: [connection: number];
  close: [connection: number];
  error: [Error, connection: number];
}

interface Slot {
  readonly id: number;
  readonly client: PoolConnection;
  readonly keys: Set<string>;
  /** type → user, for types whose frames carry no user and so cannot share a socket across users */
  readonly unroutable: Map<string, string>;
  opened: Promise<void>;
}

interface Held {
  readonly slot: Slot;
  readonly sub: SubscriptionObject;
}

/**
 * Spreads subscriptions and posts over up to `caps.connections` clients, and refuses locally
 * (CapExceededError naming the cap) whatever would break a per-IP venue cap: the venue rejects
 * the excess without echoing the request, so the guard has to be client-side.
 */
export class WsPool extends EventEmitter<WsPoolEvents> {
  readonly caps: Readonly<VenueWsCaps>;
  private readonly options: WsPoolOptions;
  private readonly perConnection: number;
  private readonly openTimeoutMs: number;
  private readonly clock: Clock;
  private readonly connectionLimiter: SlidingWindowCounter;
  private readonly messageLimiter: SlidingWindowCounter;
  private readonly slots: Slot[] = [];
  private readonly held = new Map<string, Held>();
  /** user → number of held subscriptions naming it */
  private readonly users = new Map<string, number>();
  private inFlight = 0;
  private postId = 0;
  private closed = false;

  constructor(options: WsPoolOptions) {
    super();
    this.options = options;
    this.caps = Object.freeze({ ...VENUE_WS_CAPS, ...options.caps });
    this.perConnection =
      options.subscriptionsPerConnection ?? Math.ceil(this.caps.subscriptions / this.caps.connections);
    this.openTimeoutMs = options.openTimeoutMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
    this.connectionLimiter = new SlidingWindowCounter(this.caps.connectionsPerMinute, this.clock);
    this.messageLimiter = new SlidingWindowCounter(this.caps.messagesPerMinute, this.clock);
  }

  /** Subscriptions held or pending, across connections. */
  get subscriptionCount(): number {
    return this.held.size;
  }

  /** Distinct users named by user-specific subscriptions. */
  get userCount(): number {
    return this.users.size;
  }

  get connectionCount(): number {
    return this.slots.length;
  }

  get inFlightPosts(): number {
    return this.inFlight;
  }

  /** Frames sent in the last minute across the pool. */
  get messagesLastMinute(): number {
    return this.messageLimiter.count();
  }

  /** Subscribes on a connection with room, opening one if needed; resolves with the key once acked. */
  async subscribe(subscription: SubscriptionObject, options: SubscribeOptions = {}): Promise<string> {
    this.assertOpen();
    const sub = normalizeSubscription(subscription);
    const key = subscriptionKey(sub);
    const existing = this.held.get(key);
    if (existing) {
      await this.whenOpen(existing.slot);
      return existing.slot.client.subscribe(sub, options);
    }

    if (this.held.size >= this.caps.subscriptions) {
      throw new CapExceededError('subscriptions', this.caps.subscriptions, `cannot add ${key}`);
    }
    const user = subscriptionUser(sub);
    if (user !== undefined && !this.users.has(user) && this.users.size >= this.caps.users) {
      throw new CapExceededError(
        'users',
        this.caps.users,
        `cannot track user ${user}: already tracking ${[...this.users.keys()].join(', ')}`,
      );
    }
    const slot = this.slotFor(sub, user) ?? this.newSlot(`subscribe ${key}`);

    // Reserve before awaiting, so concurrent calls see this one in the counts.
    this.hold(key, { slot, sub }, user);
    try {
      await this.whenOpen(slot);
      await slot.client.subscribe(sub, options);
      return key;
    } catch (err) {
      this.release(key);
      throw err;
    }
  }

  /** Unsubscribes and frees the subscription's share of the caps at once. */
  async unsubscribe(
    subscriptionOrKey: SubscriptionObject | string,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const key =
      typeof subscriptionOrKey === 'string' ? subscriptionOrKey : subscriptionKey(subscriptionOrKey);
    const held = this.held.get(key);
    if (!held) return;
    this.release(key);
    await held.slot.client.unsubscribe(key, options);
  }

  /** Sends a post on the least busy open connection (opening the first one if there is none). */
  async post(request: WsPostRequest, options: { timeoutMs?: number } = {}): Promise<WsPostResponse> {
    this.assertOpen();
    if (this.inFlight >= this.caps.inFlightPosts) {
      throw new CapExceededError('inFlightPosts', this.caps.inFlightPosts, `post ${request.type} not sent`);
    }
    let slot = this.slots
      .filter((s) => s.client.isOpen)
      .sort((a, b) => a.client.inFlightPosts - b.client.inFlightPosts)[0];
    if (!slot) {
      // Fail fast rather than wait on a connection that is reconnecting; open one only if none exists.
      if (this.slots.length > 0)
        throw new WsError('notConnected', 'post: no open connection; nothing was sent');
      slot = this.newSlot(`post ${request.type}`);
    }
    this.inFlight++;
    try {
      await this.whenOpen(slot);
      return await slot.client.post(request, options);
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held.clear();
    this.users.clear();
    await Promise.all(this.slots.splice(0).map((s) => s.client.close()));
  }

  // --- placement ---

  private slotFor(sub: SubscriptionObject, user: string | undefined): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.keys.size >= this.perConnection) continue;
      // venue: orderUpdates/userEvents frames carry no user; two users on one socket are indistinguishable.
      const owner = slot.unroutable.get(sub.type);
      if (UNROUTABLE_BY_USER.has(sub.type) && owner !== undefined && owner !== user) continue;
      if (!best || slot.keys.size < best.keys.size) best = slot;
    }
    return best;
  }

  private newSlot(why: string): Slot {
    if (this.slots.length >= this.caps.connections) {
      throw new CapExceededError('connections', this.caps.connections, `no connection has room for ${why}`);
    }
    const id = this.slots.length;
    const {
      caps: _caps,
      subscriptionsPerConnection: _p,
      openTimeoutMs: _o,
      createConnection,
      ...clientOptions
    } = this.options;
    const options: WsClientOptions = {
      ...clientOptions,
      name: `pool#${id}`,
      connectionLimiter: this.connectionLimiter,
      messageLimiter: this.messageLimiter,
      // venue: a post id must be unique among outstanding posts; unique pool-wide is simplest.
      nextPostId: () => ++this.postId,
    };
    const client = createConnection ? createConnection(options) : new WsClient(options);
    const slot: Slot = { id, client, keys: new Set(), unroutable: new Map(), opened: client.connect() };
    // Handled here so an early failure is not an unhandled rejection; callers await whenOpen.
    slot.opened.catch(() => {});
    client.on('data', (channel, data, key) => this.emit('data', channel, data, key));
    client.on('stale', (info) => this.emit('stale', info, id));
    client.on('gap', (info) => this.emit('gap', info, id));
    client.on('open', () => this.emit('open', id));
    client.on('close', () => this.emit('close', id));
    client.on('error', (err) => {
      // EventEmitter throws on an unheard 'error'; a stray venue message must not crash the process.
      if (this.listenerCount('error') > 0) this.emit('error', err, id);
      else this.options.logger?.warn({ err, connection: id }, 'unhandled ws pool error');
    });
    client.on('resubscribed', (info) => {
      // A subscription the venue refused on resubscribe is gone from the client: stop counting it.
      for (const f of info.failed) {
        if (f.error instanceof WsError && f.error.code === 'subscriptionRejected') this.release(f.key);
      }
      this.emit('resubscribed', info, id);
    });
    this.slots.push(slot);
    return slot;
  }

  private async whenOpen(slot: Slot): Promise<void> {
    if (slot.client.isOpen) return;
    const timers = this.options.timers ?? systemTimers;
    let timer: TimerHandle | undefined;
    try {
      await Promise.race([
        slot.opened,
        new Promise<never>((_, reject) => {
          timer = timers.setTimeout(
            () =>
              reject(
                new WsError('timeout', `connection pool#${slot.id} not open within ${this.openTimeoutMs} ms`),
              ),
            this.openTimeoutMs,
          );
        }),
      ]);
    } finally {
      if (timer !== undefined) timers.clearTimeout(timer);
    }
    if (!slot.client.isOpen) throw new WsError('notConnected', `connection pool#${slot.id} is not open`);
  }

  private hold(key: string, held: Held, user: string | undefined): void {
    this.held.set(key, held);
    held.slot.keys.add(key);
    if (UNROUTABLE_BY_USER.has(held.sub.type) && user !== undefined)
      held.slot.unroutable.set(held.sub.type, user);
    if (user !== undefined) this.users.set(user, (this.users.get(user) ?? 0) + 1);
  }

  private release(key: string): void {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    held.slot.keys.delete(key);
    const user = subscriptionUser(held.sub);
    if (UNROUTABLE_BY_USER.has(held.sub.type) && held.slot.unroutable.get(held.sub.type) === user) {
      held.slot.unroutable.delete(held.sub.type);
    }
    if (user === undefined) return;
    const n = (this.users.get(user) ?? 1) - 1;
    if (n <= 0) this.users.delete(user);
    else this.users.set(user, n);
  }

  private assertOpen(): void {
    if (this.closed) throw new WsError('clientClosed', 'pool is closed');
  }
}
