import { EventEmitter } from 'node:events';
import { jsonBoundsProblem } from '@hyperflow/contracts';
import {
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  systemTimers,
  type TimerHandle,
  type Timers,
} from '@hyperflow/core';
import WebSocket from 'ws';
import { type BackoffOptions, backoffDelayMs } from './backoff.js';
import {
  Envelope,
  ErrorData,
  GREETING,
  PostResponseData,
  SubscriptionResponseData,
  WS_FRAME_LIMITS,
} from './envelope.js';
import { CapExceededError, WsError } from './errors.js';
import { type Random, withFields } from './runtime.js';
import type { SlidingWindowCounter } from './sliding-window.js';
import {
  channelsFor,
  isSubsetOf,
  matchesHints,
  normalizeSubscription,
  routingHints,
  type SubscriptionObject,
  subscriptionKey,
} from './subscription.js';

/** venue: the server closes a connection it has not heard from in 60 s */
const VENUE_IDLE_CLOSE_MS = 60_000;

/** What to do when a subscription has been silent for its `staleAfterMs`. */
export type StaleAction = 'none' | 'resubscribe' | 'reconnect';

export interface WsClientOptions {
  /** e.g. `wss://api.hyperliquid.xyz/ws` */
  url: string;
  /** for logs, e.g. `pool#3` */
  name?: string;
  logger?: Logger;
  clock?: Clock;
  timers?: Timers;
  random?: Random;
  /** keep-alive ping period (default 30 000; must stay below the venue's 60 s idle close) */
  pingIntervalMs?: number;
  /** a ping without a pong within this is a half-open socket: terminate and reconnect (default 10 000) */
  pongTimeoutMs?: number;
  /** the handshake must complete within this (default 10 000) */
  connectTimeoutMs?: number;
  /** subscribe/unsubscribe ack timeout (default 10 000) */
  ackTimeoutMs?: number;
  /** default post timeout (default 10 000) */
  postTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** shared per-IP limiter for new connections (venue: 30 per minute); the pool passes one */
  connectionLimiter?: SlidingWindowCounter;
  /** shared per-IP limiter for sent frames (venue: 2000 per minute across connections) */
  messageLimiter?: SlidingWindowCounter;
  /** default reaction to a silent subscription (default `resubscribe`) */
  staleAction?: StaleAction;
  /**
   * A connection that stayed open this long resets the backoff (default 10 000 ms); one dropped
   * sooner keeps growing it, so a server that accepts and drops at once is not hammered.
   */
  stableAfterMs?: number;
  /** post id source; the pool shares one so ids are unique across its connections */
  nextPostId?: () => number;
}

export interface SubscribeOptions {
  /**
   * Emit `stale` when no data arrived for this long (ms). Off by default: bbo and candle are
   * quiet by nature, and orderUpdates / userEvents send nothing until something happens.
   */
  staleAfterMs?: number;
  /** ack timeout for this call (default: the client's `ackTimeoutMs`) */
  timeoutMs?: number;
  /** reaction to staleness for this subscription (default: the client's `staleAction`) */
  staleAction?: StaleAction;
}

/** A `post` request body: `{ type: 'info', payload: {...} }` or `{ type: 'action', payload: {...} }`. */
export interface WsPostRequest {
  type: 'info' | 'action';
  payload: unknown;
}

/** The successful `response` of a post frame; error responses reject instead. */
export interface WsPostResponse {
  type: 'info' | 'action';
  payload: unknown;
}

export interface CloseInfo {
  code: number;
  reason: string;
  willReconnect: boolean;
}

export interface StaleInfo {
  key: string;
  subscription: SubscriptionObject;
  /** ms since the last data frame (or the ack, if none came) */
  silentMs: number;
}

/** The window during which the client had no connection, epoch ms. */
export interface GapInfo {
  from: number;
  to: number;
}

export interface ResubscribedInfo {
  reason: 'reconnect' | 'stale';
  keys: string[];
  failed: { key: string; error: Error }[];
}

export interface WsClientEvents {
  open: [];
  close: [CloseInfo];
  /** a data frame; `key` is the subscription it belongs to when that can be told from the frame */
  data: [channel: string, data: unknown, key: string | undefined];
  stale: [StaleInfo];
  gap: [GapInfo];
  error: [Error];
  resubscribed: [ResubscribedInfo];
}

const NO_ENTRIES: readonly SubEntry[] = [];

interface SubEntry {
  readonly key: string;
  readonly sub: SubscriptionObject;
  readonly staleAfterMs: number | undefined;
  readonly staleAction: StaleAction;
  /** acked at least once: kept across reconnects */
  acked: boolean;
  lastDataAt: number;
  staleTimer: TimerHandle | undefined;
  /** the in-flight first subscribe, so a duplicate call shares it */
  firstSubscribe: Promise<string> | undefined;
}

interface PendingOp {
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly sub: SubscriptionObject;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  readonly timer: TimerHandle;
}

interface PendingPost {
  readonly resolve: (r: WsPostResponse) => void;
  readonly reject: (err: Error) => void;
  readonly timer: TimerHandle;
}

type State = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

// venue: error-channel texts that answer a subscribe/unsubscribe (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket); the cap ones carry no echo.
const SUBSCRIPTION_ERROR =
  /^(Already subscribed|Already unsubscribed|Invalid subscription|Error parsing JSON|Cannot subscribe|Cannot track)/;
const POST_ERROR = /too many pending post requests id=(\d+)/;

/**
 * One WebSocket connection to the venue, kept alive: pings, a pong watchdog, reconnect with
 * backoff, automatic resubscribe, per-subscription staleness, correlated `post` requests.
 * Calls made while disconnected fail at once: nothing is queued and sent later.
 */
export class WsClient extends EventEmitter<WsClientEvents> {
  private readonly url: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly random: Random;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly postTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly connectionLimiter: SlidingWindowCounter | undefined;
  private readonly messageLimiter: SlidingWindowCounter | undefined;
  private readonly staleAction: StaleAction;
  private readonly stableAfterMs: number;

  private state: State = 'idle';
  private ws: WebSocket | undefined;
  private attempt = 0;
  private openedAt = 0;
  private downSince: number | undefined;
  private readonly subs = new Map<string, SubEntry>();
  /**
   * `subs` by the channel their data arrives on, in subscription order: a data frame is routed
   * among its channel's subscriptions only, not by a pass over all of them (1000 per frame at the
   * venue's per-IP cap, thousands of frames a second).
   */
  private readonly byChannel = new Map<string, SubEntry[]>();
  private readonly ops: PendingOp[] = [];
  private readonly posts = new Map<number, PendingPost>();
  private readonly nextPostId: () => number;
  private connectWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private pingTimer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  private reconnectTimer: TimerHandle | undefined;

  constructor(options: WsClientOptions) {
    super();
    this.url = options.url;
    this.log =
      options.logger && options.name
        ? withFields(options.logger, { conn: options.name })
        : (options.logger ?? silentLogger);
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.random = options.random ?? Math.random;
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.postTimeoutMs = options.postTimeoutMs ?? 10_000;
    this.backoff = options.backoff ?? {};
    this.connectionLimiter = options.connectionLimiter;
    this.messageLimiter = options.messageLimiter;
    this.staleAction = options.staleAction ?? 'resubscribe';
    this.stableAfterMs = options.stableAfterMs ?? 10_000;
    let postId = 0;
    this.nextPostId = options.nextPostId ?? (() => ++postId);
    if (this.pingIntervalMs >= VENUE_IDLE_CLOSE_MS) {
      throw new RangeError(
        `pingIntervalMs must be below the venue's 60 s idle close: ${this.pingIntervalMs}`,
      );
    }
  }

  /** True while the socket is open and calls can be sent. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Subscriptions held (acked or pending first ack). */
  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** Posts awaiting a response. */
  get inFlightPosts(): number {
    return this.posts.size;
  }

  /** The subscriptions held, by key. */
  subscriptions(): ReadonlyMap<string, SubscriptionObject> {
    return new Map([...this.subs].map(([k, e]) => [k, e.sub]));
  }

  /** Opens the connection (and keeps it open until {@link close}); resolves on the first open. */
  connect(): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new WsError('clientClosed', 'client is closed'));
    if (this.state === 'open') return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    if (this.state === 'idle') this.openSocket();
    return p;
  }

  /**
   * Subscribes and resolves with the subscription key once the venue acks it (request ⊆ echo).
   * Rejects at once if disconnected, with `subscriptionRejected` if the venue answers on the
   * error channel, and on timeout. Once acked, the subscription is restored after every reconnect.
   */
  subscribe(subscription: SubscriptionObject, options: SubscribeOptions = {}): Promise<string> {
    const sub = normalizeSubscription(subscription);
    const key = subscriptionKey(sub);
    const existing = this.subs.get(key);
    if (existing) return existing.firstSubscribe ?? Promise.resolve(key);
    if (!this.isOpen) return Promise.reject(this.notOpenError('subscribe'));
    const entry: SubEntry = {
      key,
      sub,
      staleAfterMs: options.staleAfterMs,
      staleAction: options.staleAction ?? this.staleAction,
      acked: false,
      lastDataAt: this.clock.now(),
      staleTimer: undefined,
      firstSubscribe: undefined,
    };
    let sent: Promise<void>;
    try {
      sent = this.sendOp('subscribe', sub, options.timeoutMs ?? this.ackTimeoutMs);
    } catch (err) {
      return Promise.reject(err);
    }
    this.addEntry(entry);
    entry.firstSubscribe = sent.then(
      () => {
        entry.firstSubscribe = undefined;
        this.onAcked(entry);
        return key;
      },
      (err: unknown) => {
        if (this.subs.get(key) === entry) this.dropEntry(entry);
        throw err;
      },
    );
    return entry.firstSubscribe;
  }

  /**
   * Unsubscribes with the same subscription object used to subscribe (venue rule). If the socket
   * is down there is nothing to tell the venue: the subscription is just not restored.
   */
  async unsubscribe(
    subscriptionOrKey: SubscriptionObject | string,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const key =
      typeof subscriptionOrKey === 'string' ? subscriptionOrKey : subscriptionKey(subscriptionOrKey);
    const entry = this.subs.get(key);
    if (!entry) return;
    this.dropEntry(entry);
    if (!this.isOpen) return;
    try {
      await this.sendOp('unsubscribe', entry.sub, options.timeoutMs ?? this.ackTimeoutMs);
    } catch (err) {
      if (err instanceof WsError && err.venueMessage?.startsWith('Already unsubscribed')) return;
      throw err;
    }
  }

  /**
   * Sends an info or signed-action request over the socket and resolves with its response,
   * correlated by id. Rejects at once if disconnected or when the socket closes, on timeout, and
   * with `postRejected` when the venue answers `type: "error"`.
   */
  post(request: WsPostRequest, options: { timeoutMs?: number } = {}): Promise<WsPostResponse> {
    if (!this.isOpen) return Promise.reject(this.notOpenError('post'));
    const id = this.nextPostId();
    try {
      this.send({ method: 'post', id, request }, 'post');
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = options.timeoutMs ?? this.postTimeoutMs;
    return new Promise<WsPostResponse>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        if (!this.posts.delete(id)) return;
        reject(new WsError('timeout', `post id=${id} got no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.posts.set(id, { resolve, reject, timer });
    });
  }

  /** Closes for good: pending calls fail with `clientClosed`, no reconnect. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimer('reconnectTimer');
    const err = new WsError('clientClosed', 'client is closed');
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
    this.failPending(err);
    for (const entry of [...this.subs.values()]) this.dropEntry(entry);
    const ws = this.ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      // A graceful close handshake, but never wait on a dead peer.
      const hard = this.timers.setTimeout(() => ws.terminate(), 1_000);
      ws.once('close', () => this.timers.clearTimeout(hard));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client closed');
    });
  }

  // --- connection lifecycle ---

  private openSocket(): void {
    this.reconnectTimer = undefined;
    if (this.state === 'closed') return;
    if (this.connectionLimiter && !this.connectionLimiter.tryTake()) {
      // venue: 30 new connections per minute per IP; wait for a slot rather than be refused.
      const waitMs = this.connectionLimiter.waitMs() + Math.round(this.random() * 250);
      this.log.warn({ waitMs, url: this.url }, 'connection rate cap reached, delaying connect');
      this.state = 'waiting';
      this.reconnectTimer = this.timers.setTimeout(() => this.openSocket(), waitMs);
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      // A malformed URL: no retry will fix it.
      this.state = 'idle';
      const error = new WsError('protocol', `cannot open ${this.url}`, undefined, { cause: err });
      for (const w of this.connectWaiters.splice(0)) w.reject(error);
      this.emitError(error);
      return;
    }
    this.state = 'connecting';
    this.ws = ws;
    this.connectTimer = this.timers.setTimeout(() => {
      this.log.warn({ url: this.url, timeoutMs: this.connectTimeoutMs }, 'connect timed out');
      ws.terminate();
    }, this.connectTimeoutMs);
    ws.on('open', () => this.ws === ws && this.onOpen());
    ws.on('message', (data, isBinary) => this.ws === ws && this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.ws === ws && this.onSocketClose(code, reason.toString()));
    // 'close' always follows 'error'; the error itself is only worth a log line.
    ws.on('error', (err) => this.log.debug({ err, url: this.url }, 'socket error'));
  }

  private onOpen(): void {
    this.clearTimer('connectTimer');
    this.state = 'open';
    this.openedAt = this.clock.now();
    this.log.info({ url: this.url }, 'connected');
    this.schedulePing();
    for (const w of this.connectWaiters.splice(0)) w.resolve();
    this.emit('open');
    if (this.downSince !== undefined) {
      const gap: GapInfo = { from: this.downSince, to: this.clock.now() };
      this.downSince = undefined;
      this.emit('gap', gap);
    }
    if (this.subs.size > 0) void this.resubscribe([...this.subs.values()], 'reconnect');
  }

  private onSocketClose(code: number, reason: string): void {
    const wasOpen = this.state === 'open';
    this.ws = undefined;
    this.clearTimer('connectTimer');
    this.clearTimer('pingTimer');
    this.clearTimer('pongTimer');
    if (wasOpen) {
      const now = this.clock.now();
      this.downSince ??= now;
      if (now - this.openedAt >= this.stableAfterMs) this.attempt = 0;
    }
    this.failPending(new WsError('connectionClosed', `connection closed (code ${code})`));
    for (const entry of [...this.subs.values()]) {
      this.clearStale(entry);
      // A subscription never acked is the caller's to retry; it was rejected above.
      if (!entry.acked) this.dropEntry(entry);
    }
    const willReconnect = this.state !== 'closed';
    this.log.warn({ url: this.url, code, reason, willReconnect }, 'connection closed');
    this.emit('close', { code, reason, willReconnect });
    if (willReconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delayMs = backoffDelayMs(this.attempt++, this.random, this.backoff);
    this.state = 'waiting';
    this.log.info({ url: this.url, delayMs, attempt: this.attempt }, 'reconnecting');
    this.reconnectTimer = this.timers.setTimeout(() => this.openSocket(), delayMs);
  }

  private failPending(err: WsError): void {
    for (const op of this.ops.splice(0)) {
      this.timers.clearTimeout(op.timer);
      op.reject(err);
    }
    for (const [id, p] of this.posts) {
      this.timers.clearTimeout(p.timer);
      this.posts.delete(id);
      p.reject(err);
    }
  }

  // --- keep-alive ---

  private schedulePing(): void {
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = undefined;
      if (!this.isOpen) return;
      try {
        this.send({ method: 'ping' }, 'ping');
      } catch (err) {
        this.log.warn({ err }, 'ping not sent');
      }
      this.pongTimer ??= this.timers.setTimeout(() => {
        this.pongTimer = undefined;
        // venue: a socket that stops answering is half-open; only a new connection recovers it.
        this.log.warn({ url: this.url, pongTimeoutMs: this.pongTimeoutMs }, 'no pong, terminating socket');
        this.ws?.terminate();
      }, this.pongTimeoutMs);
      this.schedulePing();
    }, this.pingIntervalMs);
  }

  // --- inbound ---

  private onMessage(raw: WebSocket.RawData, isBinary: boolean): void {
    const text = isBinary ? '' : raw.toString();
    const outOfBounds = jsonBoundsProblem(text, WS_FRAME_LIMITS);
    if (outOfBounds !== undefined) {
      // refused before JSON.parse builds it: the whole text goes with the error, for a dead letter
      this.emitError(
        new WsError('protocol', `frame out of bounds (${outOfBounds}): ${text.slice(0, 200)}`, text),
      );
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // venue: a plain-text greeting follows the handshake; it is not an error.
      if (text.trim() === GREETING) {
        this.log.debug({ url: this.url }, 'greeting');
        return;
      }
      this.emitError(new WsError('protocol', `non-JSON frame: ${text.slice(0, 200)}`, text));
      return;
    }
    const envelope = Envelope.safeParse(value);
    if (!envelope.success) {
      this.emitError(new WsError('protocol', `frame without channel: ${text.slice(0, 200)}`, text));
      return;
    }
    const { channel, data } = envelope.data;
    switch (channel) {
      case 'pong':
        this.clearTimer('pongTimer');
        return;
      case 'subscriptionResponse':
        this.onAck(data);
        return;
      case 'error':
        this.onVenueError(data);
        return;
      case 'post':
        this.onPostResponse(data);
        return;
      default:
        this.onData(channel, data);
        return;
    }
  }

  private onAck(data: unknown): void {
    const ack = SubscriptionResponseData.safeParse(data);
    if (!ack.success) {
      this.emitError(new WsError('protocol', 'malformed subscriptionResponse'));
      return;
    }
    const i = this.ops.findIndex(
      (op) => op.kind === ack.data.method && isSubsetOf(op.sub, ack.data.subscription),
    );
    const op = i >= 0 ? this.ops.splice(i, 1)[0] : undefined;
    if (!op) {
      this.log.debug({ ack: ack.data }, 'unmatched subscriptionResponse');
      return;
    }
    this.timers.clearTimeout(op.timer);
    op.resolve();
  }

  private onVenueError(data: unknown): void {
    const parsed = ErrorData.safeParse(data);
    const message = parsed.success ? parsed.data : JSON.stringify(data);
    const postId = POST_ERROR.exec(message)?.[1];
    if (postId !== undefined) {
      const p = this.posts.get(Number(postId));
      if (p) {
        this.posts.delete(Number(postId));
        this.timers.clearTimeout(p.timer);
        p.reject(new WsError('postRejected', `post id=${postId} rejected: ${message}`, message));
        return;
      }
    }
    const op = this.opForError(message);
    if (op) {
      this.ops.splice(this.ops.indexOf(op), 1);
      this.timers.clearTimeout(op.timer);
      op.reject(new WsError('subscriptionRejected', `${op.kind} rejected: ${message}`, message));
      return;
    }
    this.emitError(new WsError('venueError', `venue error: ${message}`, message));
  }

  /** The pending subscribe/unsubscribe an error-channel message refers to, if it can be told. */
  private opForError(message: string): PendingOp | undefined {
    if (!SUBSCRIPTION_ERROR.test(message)) return undefined;
    const kind = message.startsWith('Already unsubscribed')
      ? 'unsubscribe'
      : message.startsWith('Cannot')
        ? 'subscribe'
        : undefined;
    const candidates = this.ops.filter((op) => kind === undefined || op.kind === kind);
    const brace = message.indexOf('{');
    if (brace >= 0) {
      try {
        const echoed = JSON.parse(message.slice(brace)) as Record<string, unknown> | null;
        // The echo is either the subscription or the whole request carrying it.
        const echoSub =
          echoed && typeof echoed === 'object' && 'subscription' in echoed ? echoed.subscription : echoed;
        const hit = candidates.find((op) => isSubsetOf(op.sub, echoSub));
        if (hit) return hit;
      } catch {
        // Not JSON (the venue may print its own debug format): fall through to the unambiguous case.
      }
    }
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  private onPostResponse(data: unknown): void {
    const post = PostResponseData.safeParse(data);
    if (!post.success) {
      this.emitError(new WsError('protocol', 'malformed post response'));
      return;
    }
    const { id, response } = post.data;
    const pending = this.posts.get(id);
    if (!pending) {
      this.log.debug({ id }, 'post response for no pending post (timed out?)');
      return;
    }
    this.posts.delete(id);
    this.timers.clearTimeout(pending.timer);
    switch (response.type) {
      case 'error': {
        const text =
          typeof response.payload === 'string' ? response.payload : JSON.stringify(response.payload);
        pending.reject(new WsError('postRejected', `post id=${id} rejected: ${text}`, text));
        return;
      }
      case 'info':
      case 'action':
        pending.resolve({ type: response.type, payload: response.payload });
        return;
      default: {
        const never: never = response.type;
        throw new WsError('protocol', `unknown post response type ${String(never)}`);
      }
    }
  }

  private onData(channel: string, data: unknown): void {
    const hints = routingHints(data);
    let match: SubEntry | undefined;
    let ambiguous = false;
    for (const entry of this.byChannel.get(channel) ?? NO_ENTRIES) {
      if (!matchesHints(entry.sub, hints)) continue;
      if (match) ambiguous = true;
      match = entry;
    }
    const key = match && !ambiguous ? match.key : undefined;
    if (match && !ambiguous) match.lastDataAt = this.clock.now();
    this.emit('data', channel, data, key);
  }

  // --- subscriptions ---

  /** Sends a subscribe/unsubscribe frame and resolves on its ack. Throws synchronously if unsent. */
  private sendOp(
    kind: 'subscribe' | 'unsubscribe',
    sub: SubscriptionObject,
    timeoutMs: number,
  ): Promise<void> {
    this.send({ method: kind, subscription: sub }, kind);
    return new Promise<void>((resolve, reject) => {
      const op: PendingOp = {
        kind,
        sub,
        resolve,
        reject,
        timer: this.timers.setTimeout(() => {
          const i = this.ops.indexOf(op);
          if (i < 0) return;
          this.ops.splice(i, 1);
          reject(new WsError('timeout', `${kind} ${JSON.stringify(sub)} not acked within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.ops.push(op);
    });
  }

  private onAcked(entry: SubEntry): void {
    entry.acked = true;
    entry.lastDataAt = this.clock.now();
    this.armStale(entry);
  }

  private async resubscribe(entries: SubEntry[], reason: ResubscribedInfo['reason']): Promise<void> {
    const ws = this.ws;
    const failed: ResubscribedInfo['failed'] = [];
    const keys: string[] = [];
    await Promise.all(
      entries.map(async (entry) => {
        try {
          if (reason === 'stale') {
            await this.sendOp('unsubscribe', entry.sub, this.ackTimeoutMs).catch((err: unknown) => {
              // Already unsubscribed is fine: the goal is a fresh subscribe.
              if (!(err instanceof WsError && err.code === 'subscriptionRejected')) throw err;
            });
          }
          await this.sendOp('subscribe', entry.sub, this.ackTimeoutMs).catch((err: unknown) => {
            // venue: "Already subscribed" means the venue kept it; that is success here.
            if (!(err instanceof WsError && err.venueMessage?.startsWith('Already subscribed'))) throw err;
          });
          if (this.subs.get(entry.key) !== entry) return;
          keys.push(entry.key);
          this.onAcked(entry);
        } catch (err) {
          failed.push({ key: entry.key, error: err as Error });
          // Rejected by the venue: it will never be accepted, so stop restoring it.
          if (err instanceof WsError && err.code === 'subscriptionRejected') this.dropEntry(entry);
        }
      }),
    );
    // A newer connection runs its own resubscribe; this result would be stale news.
    if (this.ws !== ws) return;
    for (const f of failed) this.log.warn({ key: f.key, err: f.error }, 'resubscribe failed');
    this.emit('resubscribed', { reason, keys, failed });
  }

  private armStale(entry: SubEntry): void {
    this.clearStale(entry);
    const staleAfterMs = entry.staleAfterMs;
    if (staleAfterMs === undefined) return;
    const check = (): void => {
      entry.staleTimer = undefined;
      if (this.subs.get(entry.key) !== entry || !this.isOpen) return;
      const silentMs = this.clock.now() - entry.lastDataAt;
      if (silentMs < staleAfterMs) {
        entry.staleTimer = this.timers.setTimeout(check, staleAfterMs - silentMs);
        return;
      }
      this.onStale(entry, silentMs);
    };
    entry.staleTimer = this.timers.setTimeout(check, staleAfterMs);
  }

  private onStale(entry: SubEntry, silentMs: number): void {
    this.log.warn({ key: entry.key, silentMs, action: entry.staleAction }, 'subscription stale');
    this.emit('stale', { key: entry.key, subscription: entry.sub, silentMs });
    switch (entry.staleAction) {
      case 'none':
        entry.lastDataAt = this.clock.now();
        this.armStale(entry);
        return;
      case 'resubscribe':
        // venue (sharp edge 8.1): a stream can stop while the socket stays up; a fresh subscribe revives it.
        void this.resubscribe([entry], 'stale');
        return;
      case 'reconnect':
        this.ws?.terminate();
        return;
      default: {
        const never: never = entry.staleAction;
        throw new WsError('protocol', `unknown stale action ${String(never)}`);
      }
    }
  }

  private clearStale(entry: SubEntry): void {
    if (entry.staleTimer !== undefined) this.timers.clearTimeout(entry.staleTimer);
    entry.staleTimer = undefined;
  }

  private addEntry(entry: SubEntry): void {
    this.subs.set(entry.key, entry);
    for (const channel of channelsFor(entry.sub.type)) {
      const list = this.byChannel.get(channel);
      if (list) list.push(entry);
      else this.byChannel.set(channel, [entry]);
    }
  }

  private dropEntry(entry: SubEntry): void {
    this.clearStale(entry);
    if (this.subs.get(entry.key) !== entry) return;
    this.subs.delete(entry.key);
    for (const channel of channelsFor(entry.sub.type)) {
      const list = this.byChannel.get(channel);
      const i = list?.indexOf(entry) ?? -1;
      if (list === undefined || i < 0) continue;
      list.splice(i, 1);
      if (list.length === 0) this.byChannel.delete(channel);
    }
  }

  // --- outbound ---

  private send(frame: object, kind: 'subscribe' | 'unsubscribe' | 'post' | 'ping'): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw this.notOpenError(kind);
    if (this.messageLimiter) {
      // Pings always go: without them the venue closes the connection, which costs more.
      if (kind === 'ping') this.messageLimiter.force();
      else if (!this.messageLimiter.tryTake()) {
        throw new CapExceededError('messagesPerMinute', this.messageLimiter.limit, `${kind} not sent`);
      }
    }
    ws.send(JSON.stringify(frame));
  }

  private notOpenError(what: string): WsError {
    return this.state === 'closed'
      ? new WsError('clientClosed', `${what}: client is closed`)
      : new WsError('notConnected', `${what}: not connected (state ${this.state}); nothing was sent`);
  }

  private emitError(err: Error): void {
    // EventEmitter throws on an unheard 'error'; a stray venue message must not crash the process.
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.log.warn({ err }, 'unhandled ws client error');
  }

  private clearTimer(name: 'pingTimer' | 'pongTimer' | 'connectTimer' | 'reconnectTimer'): void {
    const t = this[name];
    if (t !== undefined) this.timers.clearTimeout(t);
    this[name] = undefined;
  }
}
