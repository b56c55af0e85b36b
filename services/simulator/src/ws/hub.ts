import type { IncomingMessage } from 'node:http';
import { REFUSAL } from '@hyperflow/hyperliquid/internal';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { assertNever } from '../errors.js';
import {
  activeAssetData,
  allMids,
  clearinghouseState,
  frontendOrder,
  l2Book,
  ordersOn,
  perpCtx,
  spotCtx,
  spotState,
  userFunding,
  webData3,
} from '../info/info.js';
import { isCandleInterval } from '../market/candles.js';
import type { EngineEvent, WsFill, WsFunding, WsOrderUpdate, WsTrade } from '../matching/types.js';
import type { RecordedFrame } from '../replay/recording.js';
import type { Venue, VenueReply } from '../venue/venue.js';
import { parseSubscription, type Subscription, subscriptionKey, trackedUser } from './subscriptions.js';

// venue limits (doc §7.1), enforced per IP like the venue
const MAX_SUBSCRIPTIONS = 1000;
const MAX_USERS = 10;
const MAX_MESSAGES_PER_MINUTE = 2000;
const MAX_PENDING_POSTS = 100;
const GREETING = 'Websocket connection established.';

export interface HubOptions {
  readonly idleTimeoutMs: number;
  /** fast l2Book/allMids/activeAssetCtx push cadence (venue: ≥ 0.5 s between pushes) */
  readonly bookIntervalMs: number;
  /** plain (not fast) l2Book push cadence (venue 2026: at most every 5 s) */
  readonly l2BookIntervalMs: number;
  /** venue: 10 simultaneous connections per IP */
  readonly maxConnectionsPerIp: number;
  /** venue: 30 new connections per minute per IP */
  readonly maxNewConnectionsPerMinute: number;
  readonly logger: Logger;
}

interface Conn {
  readonly ws: WebSocket;
  readonly ip: string;
  readonly subs: Map<string, Subscription>;
  /** last bbo sent per coin, to send only on change */
  readonly lastBbo: Map<string, string>;
  /** last snapshot push per subscription key: the cadence is per subscription */
  readonly lastPush: Map<string, number>;
  idle: NodeJS.Timeout | undefined;
}

/** WebSocket side of the venue: subscriptions, pushes, post, ping, idle close, faults. */
export class WsHub {
  private readonly conns = new Set<Conn>();
  private readonly coins: Set<string>;
  private readonly dexes: ReadonlySet<string>;
  private readonly opened = new Map<string, number[]>();
  private readonly pendingPosts = new Map<string, number>();
  /** venue: the 2000 messages a minute are counted per IP, so reconnecting does not reset them */
  private readonly messagesByIp = new Map<string, number[]>();

  constructor(
    private readonly venue: Venue,
    private readonly opts: HubOptions,
  ) {
    this.coins = new Set(venue.engine.markets.keys());
    this.dexes = new Set((venue.state.universe.dexes ?? []).map((d) => d.name));
    venue.onEvents((events) => this.route(events));
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Connection caps per IP, checked before the upgrade (a refusal is answered with HTTP 429). */
  admit(ip: string, now: number): boolean {
    const recent = (this.opened.get(ip) ?? []).filter((t) => t > now - 60_000);
    this.opened.set(ip, recent);
    if (this.ipConns(ip).length >= this.opts.maxConnectionsPerIp) return false;
    if (recent.length >= this.opts.maxNewConnectionsPerMinute) return false;
    recent.push(now);
    return true;
  }

  accept(ws: WebSocket, req: IncomingMessage): void {
    const conn: Conn = {
      ws,
      ip: req.socket.remoteAddress ?? 'unknown',
      subs: new Map(),
      lastBbo: new Map(),
      lastPush: new Map(),
      idle: undefined,
    };
    this.conns.add(conn);
    this.touch(conn);
    // venue: a non-JSON text greeting before anything else
    ws.send(GREETING);
    ws.on('message', (data, isBinary) => {
      this.touch(conn);
      this.onMessage(conn, isBinary ? '' : data.toString());
    });
    ws.on('close', () => this.drop(conn));
    ws.on('error', (err) => this.opts.logger.debug({ err }, 'ws socket error'));
  }

  /** Replay: lets clients subscribe to coins that only the recording knows. */
  addCoins(coins: Iterable<string>): void {
    for (const c of coins) this.coins.add(c);
  }

  /** Replay: a recorded frame goes verbatim to every socket subscribed to its channel and coin. */
  deliverRecorded(frame: RecordedFrame): void {
    if (frame.channel === undefined) return;
    for (const c of this.conns) {
      if (![...c.subs.values()].some((s) => recordedMatches(s, frame))) continue;
      if (this.venue.faults.isStalled(frame.channel, frame.coin, this.venue.now())) continue;
      this.send(c, frame.text);
    }
  }

  /** Fault: close every socket without a goodbye (venue: periodic unannounced disconnects). */
  dropConnections(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Fault: one frame that is not valid JSON on every socket. */
  sendMalformed(): void {
    for (const c of this.conns) this.send(c, '{"channel":"l2Book","data":{"coin":');
  }

  close(): void {
    for (const c of this.conns) {
      this.drop(c);
      c.ws.terminate();
    }
  }

  /** After each market tick: bbo on change, and the book/mids/ctx cadence. */
  afterTick(now: number): void {
    for (const c of this.conns) {
      this.pushBbo(c, now);
      for (const [key, s] of c.subs) {
        if (s.type !== 'l2Book' && s.type !== 'allMids' && s.type !== 'activeAssetCtx') continue;
        const every =
          s.type === 'l2Book' && s.fast !== true ? this.opts.l2BookIntervalMs : this.opts.bookIntervalMs;
        if (now - (c.lastPush.get(key) ?? Number.NEGATIVE_INFINITY) >= every) this.pushSnapshot(c, s, now);
      }
    }
  }

  // ---------- inbound ----------

  private touch(c: Conn): void {
    if (c.idle) clearTimeout(c.idle);
    // venue: closes a connection that has been silent for 60 s; clients ping to stay alive
    c.idle = setTimeout(() => c.ws.close(1000, 'idle'), this.opts.idleTimeoutMs);
    c.idle.unref();
  }

  private drop(c: Conn): void {
    if (c.idle) clearTimeout(c.idle);
    this.conns.delete(c);
  }

  private ipConns(ip: string): Conn[] {
    return [...this.conns].filter((c) => c.ip === ip);
  }

  private onMessage(c: Conn, text: string): void {
    const now = this.venue.now();
    const sent = this.messagesByIp.get(c.ip) ?? [];
    const firstInWindow = sent.findIndex((t) => t > now - 60_000);
    const recent = firstInWindow < 0 ? [] : firstInWindow === 0 ? sent : sent.slice(firstInWindow);
    this.messagesByIp.set(c.ip, recent);
    if (recent.length >= MAX_MESSAGES_PER_MINUTE) {
      this.sendError(c, REFUSAL.wsMessages);
      return;
    }
    recent.push(now);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.sendError(c, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
    switch (m.method) {
      case 'ping':
        this.send(c, '{"channel":"pong"}');
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.onSubscription(c, m.method, m.subscription, text);
        return;
      case 'post':
        this.onPost(c, m, text);
        return;
      default:
        this.sendError(c, `Error parsing JSON into valid websocket request: ${text}`);
    }
  }

  private onSubscription(c: Conn, method: 'subscribe' | 'unsubscribe', raw: unknown, text: string): void {
    const parsed = parseSubscription(raw, this.coins, this.dexes);
    if (parsed.kind === 'malformed') {
      this.sendError(c, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    if (parsed.kind === 'invalid') {
      this.sendError(c, `Invalid subscription ${JSON.stringify(raw)}`);
      return;
    }
    const sub = parsed.sub;
    const key = subscriptionKey(sub);
    if (method === 'unsubscribe') {
      c.lastPush.delete(key);
      if (!c.subs.delete(key)) {
        this.sendError(c, `Already unsubscribed: ${JSON.stringify(sub)}`);
        return;
      }
      this.send(c, JSON.stringify({ channel: 'subscriptionResponse', data: { method, subscription: sub } }));
      return;
    }
    if (c.subs.has(key)) {
      this.sendError(c, `Already subscribed: ${JSON.stringify(sub)}`);
      return;
    }
    // venue: caps are per IP and the excess is rejected without echoing the request
    const peers = this.ipConns(c.ip);
    if (peers.reduce((n, p) => n + p.subs.size, 0) >= MAX_SUBSCRIPTIONS) {
      this.sendError(c, REFUSAL.wsChannels);
      return;
    }
    const user = trackedUser(sub);
    if (user) {
      const users = new Set(
        peers.flatMap((p) => [...p.subs.values()].map(trackedUser)).filter((u) => u !== undefined),
      );
      users.add(user);
      if (users.size > MAX_USERS) {
        this.sendError(c, `${REFUSAL.wsUsers}${MAX_USERS} total users.`);
        return;
      }
    }
    c.subs.set(key, sub);
    this.send(c, JSON.stringify({ channel: 'subscriptionResponse', data: { method, subscription: sub } }));
    this.pushFirst(c, sub);
  }

  private onPost(c: Conn, m: Record<string, unknown>, text: string): void {
    const id = m.id;
    const request = m.request as Record<string, unknown> | undefined;
    if (typeof id !== 'number' || typeof request !== 'object' || request === null) {
      this.sendError(c, `Error parsing JSON into valid websocket request: ${text}`);
      return;
    }
    const pending = this.pendingPosts.get(c.ip) ?? 0;
    if (pending >= MAX_PENDING_POSTS) {
      this.sendError(c, `${REFUSAL.wsPendingPosts} id=${id}`);
      return;
    }
    const answer = (response: unknown) => {
      const frame = JSON.stringify({ channel: 'post', data: { id, response } });
      const delay = this.venue.faults.latencyMs;
      if (delay <= 0) {
        this.send(c, frame);
        return;
      }
      // with added latency posts stay in flight, so the venue's in-flight cap can bite
      this.pendingPosts.set(c.ip, (this.pendingPosts.get(c.ip) ?? 0) + 1);
      setTimeout(() => {
        this.pendingPosts.set(c.ip, (this.pendingPosts.get(c.ip) ?? 1) - 1);
        this.send(c, frame);
      }, delay).unref();
    };
    const payload = request.payload as Record<string, unknown> | undefined;
    if (request.type === 'info') {
      const r = this.venue.info(payload, c.ip);
      if (r.status !== 200) answer({ type: 'error', payload: statusText(r) });
      else answer({ type: 'info', payload: { type: String(payload?.type ?? ''), data: r.body } });
      return;
    }
    if (request.type === 'action') {
      const r = this.venue.exchange(payload, c.ip);
      if (r.status !== 200) answer({ type: 'error', payload: statusText(r) });
      else answer({ type: 'action', payload: r.body });
      return;
    }
    this.sendError(c, `Error parsing JSON into valid websocket request: ${text}`);
  }

  // ---------- outbound ----------

  private send(c: Conn, text: string): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  private sendError(c: Conn, message: string): void {
    this.send(c, JSON.stringify({ channel: 'error', data: message }));
  }

  private sendData(c: Conn, channel: string, coin: string | undefined, data: unknown): void {
    // fault: a stalled channel goes silent while the socket and pongs stay up
    if (this.venue.faults.isStalled(channel, coin, this.venue.now())) return;
    this.send(c, JSON.stringify({ channel, data }));
  }

  private pushFirst(c: Conn, s: Subscription): void {
    const now = this.venue.now();
    const e = this.venue.engine;
    switch (s.type) {
      case 'l2Book':
      case 'allMids':
      case 'activeAssetCtx':
        this.pushSnapshot(c, s, now);
        return;
      case 'bbo':
        c.lastBbo.delete(s.coin);
        this.pushBbo(c, now, s.coin);
        return;
      case 'trades': {
        const trades = e.recentTrades(s.coin).slice(-10);
        if (trades.length > 0) this.sendData(c, 'trades', s.coin, trades);
        return;
      }
      case 'candle': {
        const candle = isCandleInterval(s.interval) ? e.candles.latest(s.coin, s.interval) : undefined;
        if (candle) this.sendData(c, 'candle', s.coin, candle);
        return;
      }
      case 'userFills':
        // venue: the first userFills message is a snapshot flagged isSnapshot: true
        this.sendData(c, 'userFills', undefined, {
          isSnapshot: true,
          user: s.user,
          fills: e.userFills(s.user).reverse().slice(0, 2000),
        });
        return;
      case 'clearinghouseState':
      case 'openOrders':
      case 'spotState':
      case 'activeAssetData':
      case 'twapStates':
      case 'webData3':
        this.pushAccount(c, s, now);
        return;
      case 'userFundings':
        // venue: snapshot first (the userFunding rows, without hash and type)
        this.sendData(c, 'userFundings', undefined, {
          isSnapshot: true,
          user: s.user,
          fundings: userFunding(this.venue.state, s.user, 0, now).map((f) => {
            const { type: _type, ...rest } = f.delta;
            return { time: f.time, ...rest };
          }),
        });
        return;
      case 'userTwapSliceFills':
        this.sendData(c, 'userTwapSliceFills', undefined, {
          isSnapshot: true,
          user: s.user,
          twapSliceFills: e
            .userFills(s.user)
            .filter((f) => f.twapId !== undefined)
            .reverse()
            .slice(0, 2000)
            .map((fill) => ({ fill, twapId: fill.twapId })),
        });
        return;
      case 'userTwapHistory':
        this.sendData(c, 'userTwapHistory', undefined, {
          isSnapshot: true,
          user: s.user,
          history: this.venue.state.twaps.historyOf(s.user),
        });
        return;
      case 'userNonFundingLedgerUpdates':
        this.sendData(c, 'userNonFundingLedgerUpdates', undefined, {
          isSnapshot: true,
          user: s.user,
          nonFundingLedgerUpdates: this.venue.state.ledgerUpdates.get(s.user) ?? [],
        });
        return;
      case 'orderUpdates':
      case 'userEvents':
      case 'notification':
        // venue: no snapshot on these channels; nothing arrives until something happens
        return;
      default:
        assertNever(s);
    }
  }

  /** Account state pushes (venue: sent on subscribe and whenever the account changes). */
  private pushAccount(c: Conn, s: AccountSubscription, now: number): void {
    const v = this.venue.state;
    switch (s.type) {
      case 'clearinghouseState': {
        const dex = s.dex ?? '';
        const state = clearinghouseState(v, s.user, now, dex);
        this.sendData(c, 'clearinghouseState', undefined, { dex, user: s.user, clearinghouseState: state });
        return;
      }
      case 'openOrders': {
        const dex = s.dex ?? '';
        const orders = ordersOn(v, s.user, dex).map(frontendOrder);
        this.sendData(c, 'openOrders', undefined, { dex, user: s.user, orders });
        return;
      }
      case 'spotState':
        this.sendData(c, 'spotState', undefined, { user: s.user, spotState: spotState(v, s.user) });
        return;
      case 'activeAssetData':
        this.sendData(c, 'activeAssetData', s.coin, activeAssetData(v, s.user, s.coin, now));
        return;
      case 'twapStates': {
        const dex = s.dex ?? '';
        this.sendData(c, 'twapStates', undefined, { dex, user: s.user, states: v.twaps.states(s.user, dex) });
        return;
      }
      case 'webData3':
        this.sendData(c, 'webData3', undefined, webData3(v, s.user, now));
        return;
      default:
        assertNever(s);
    }
  }

  private pushSnapshot(c: Conn, s: Subscription, now: number): void {
    const v = this.venue.state;
    c.lastPush.set(subscriptionKey(s), now);
    if (s.type === 'l2Book') {
      // venue: full snapshots of 20 levels per side, 5 with fast
      this.sendData(c, 'l2Book', s.coin, l2Book(v, s.coin, s.fast ? 5 : 20, now, s));
    } else if (s.type === 'allMids') {
      // venue: a builder dex's mids carry its name
      const dex = s.dex ?? '';
      this.sendData(
        c,
        'allMids',
        undefined,
        dex === '' ? { mids: allMids(v) } : { dex, mids: allMids(v, dex) },
      );
    } else if (s.type === 'activeAssetCtx') {
      const spot = this.venue.engine.markets.get(s.coin)?.kind === 'spot';
      // venue: spot coins answer on channel activeSpotAssetCtx
      if (spot) this.sendData(c, 'activeSpotAssetCtx', s.coin, { coin: s.coin, ctx: spotCtx(v, s.coin) });
      else this.sendData(c, 'activeAssetCtx', s.coin, { coin: s.coin, ctx: perpCtx(v, s.coin) });
    }
  }

  private pushBbo(c: Conn, now: number, only?: string): void {
    for (const s of c.subs.values()) {
      if (s.type !== 'bbo' || (only !== undefined && s.coin !== only)) continue;
      const [bids, asks] = this.venue.engine.book(s.coin)?.levels(1) ?? [[], []];
      const bbo = [bids[0] ?? null, asks[0] ?? null];
      const key = JSON.stringify(bbo);
      if (c.lastBbo.get(s.coin) === key) continue;
      c.lastBbo.set(s.coin, key);
      this.sendData(c, 'bbo', s.coin, { coin: s.coin, time: now, bbo });
    }
  }

  /** Engine events → trades, candle, orderUpdates, userFills and user frames. */
  private route(events: EngineEvent[]): void {
    const trades = new Map<string, WsTrade[]>();
    const fills = new Map<string, WsFill[]>();
    const updates = new Map<string, WsOrderUpdate[]>();
    const fundings = new Map<string, WsFunding[]>();
    const changed = new Set<string>();
    const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
      const list = m.get(k) ?? [];
      list.push(v);
      m.set(k, list);
    };
    for (const ev of events) {
      switch (ev.type) {
        case 'tradePrinted':
          push(trades, ev.coin, ev.trade);
          break;
        case 'userFilled':
          push(fills, ev.user, ev.fill);
          break;
        case 'orderUpdated':
          push(updates, ev.user, ev.update);
          break;
        case 'accountChanged':
          changed.add(ev.user);
          break;
        case 'userFunded':
          push(fundings, ev.user, ev.funding);
          changed.add(ev.user);
          break;
        default:
          assertNever(ev);
      }
    }
    const e = this.venue.engine;
    for (const c of this.conns) {
      for (const s of c.subs.values()) {
        if (s.type === 'trades') {
          const t = trades.get(s.coin);
          if (t) this.sendData(c, 'trades', s.coin, t);
        } else if (s.type === 'candle' && trades.has(s.coin) && isCandleInterval(s.interval)) {
          const candle = e.candles.latest(s.coin, s.interval);
          if (candle) this.sendData(c, 'candle', s.coin, candle);
        } else if (s.type === 'orderUpdates') {
          const u = updates.get(s.user);
          if (u) this.sendData(c, 'orderUpdates', undefined, u);
        } else if (s.type === 'userFills') {
          const f = fills.get(s.user);
          if (f) this.sendData(c, 'userFills', undefined, { user: s.user, fills: f });
        } else if (s.type === 'userEvents') {
          const f = fills.get(s.user);
          // venue: userEvents arrive on channel "user", one event kind per message
          if (f) this.sendData(c, 'user', undefined, { fills: f });
          for (const funding of fundings.get(s.user) ?? []) this.sendData(c, 'user', undefined, { funding });
        } else if (s.type === 'userFundings') {
          const f = fundings.get(s.user);
          if (f) this.sendData(c, 'userFundings', undefined, { user: s.user, fundings: f });
        } else if (s.type === 'userTwapSliceFills') {
          const f = fills.get(s.user)?.filter((x) => x.twapId !== undefined);
          if (f && f.length > 0)
            this.sendData(c, 'userTwapSliceFills', undefined, {
              user: s.user,
              twapSliceFills: f.map((fill) => ({ fill, twapId: fill.twapId })),
            });
        } else if (isAccountSubscription(s)) {
          if (updates.has(s.user) || fills.has(s.user) || changed.has(s.user))
            this.pushAccount(c, s, this.venue.now());
        }
      }
    }
  }
}

function recordedMatches(s: Subscription, f: RecordedFrame): boolean {
  switch (s.type) {
    case 'allMids':
      return f.channel === 'allMids';
    case 'activeAssetCtx':
      return (f.channel === 'activeAssetCtx' || f.channel === 'activeSpotAssetCtx') && f.coin === s.coin;
    case 'l2Book':
    case 'trades':
    case 'bbo':
    case 'candle':
      return f.channel === s.type && f.coin === s.coin;
    case 'orderUpdates':
    case 'userEvents':
    case 'userFills':
    case 'clearinghouseState':
    case 'openOrders':
    case 'twapStates':
    case 'spotState':
    case 'activeAssetData':
    case 'userFundings':
    case 'userTwapSliceFills':
    case 'userTwapHistory':
    case 'userNonFundingLedgerUpdates':
    case 'webData3':
    case 'notification':
      return false;
    default:
      return assertNever(s);
  }
}

/** Subscriptions that carry a whole account view, pushed again whenever the account changes. */
type AccountSubscription = Extract<
  Subscription,
  { type: 'clearinghouseState' | 'openOrders' | 'spotState' | 'activeAssetData' | 'twapStates' | 'webData3' }
>;

const ACCOUNT_TYPES: ReadonlySet<string> = new Set<AccountSubscription['type']>([
  'clearinghouseState',
  'openOrders',
  'spotState',
  'activeAssetData',
  'twapStates',
  'webData3',
]);

function isAccountSubscription(s: Subscription): s is AccountSubscription {
  return ACCOUNT_TYPES.has(s.type);
}

function statusText(r: VenueReply): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
  };
  const reason = reasons[r.status] ?? 'Error';
  return r.body === null ? `${r.status} ${reason}` : `${r.status} ${reason}: ${String(r.body)}`;
}
