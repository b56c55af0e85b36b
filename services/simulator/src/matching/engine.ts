import { postOnlyText, REFUSAL, withAsset } from '@hyperflow/hyperliquid/internal';
import { CandleStore } from '../market/candles.js';
import { abs, formatDecimal, minBig, mul, parseDecimal, SCALE } from '../market/decimal.js';
import { mix32, pseudoHash } from '../market/prng.js';
import { checkNotional, checkPrice, checkSize } from '../market/rules.js';
import type { MarketSpec } from '../market/universe.js';
import { type Account, applyPerpFill, type Leverage, newAccount } from './accounts.js';
import { Book } from './book.js';
import type {
  BasicOrderWire,
  CancelStatusWire,
  EngineEvent,
  LedgerEntry,
  Order,
  OrderStatusName,
  OrderStatusWire,
  PlaceOrder,
  PlaceStatusWire,
  Side,
  Tif,
  WsFill,
  WsFunding,
  WsTrade,
} from './types.js';

/** An order that passed every rule, with its parsed price and (reduce-only: cut) size. */
interface Checked {
  readonly m: MarketSpec;
  readonly px: bigint;
  readonly sz: bigint;
}

/** Synthetic participants: the market maker and the random taker flow. */
export const MAKER_ADDRESS = '0x00000000000000000000000000000000000000aa';
export const TAKER_ADDRESS = '0x00000000000000000000000000000000000000bb';

// venue base tier fees: taker 0.045 %, maker 0.015 % (as a fraction × 1e8)
const TAKER_FEE = 45_000n;
const MAKER_FEE = 15_000n;
const RECENT_TRADES = 500;
const MAX_FILLS_PER_USER = 10_000; // venue: only the 10000 most recent fills can be reached

export interface EngineOptions {
  readonly markets: readonly MarketSpec[];
  readonly defaultLeverage?: number;
}

/**
 * The matching engine: books, user orders, accounts, fills. Pure: time arrives as an argument,
 * effects leave through `drainEvents()`.
 */
export class Engine {
  readonly markets = new Map<string, MarketSpec>();
  private readonly byAsset = new Map<number, MarketSpec>();
  private readonly books = new Map<string, Book>();
  private readonly orders = new Map<number, Order>();
  private readonly cloids = new Map<string, number>();
  private readonly triggers: Order[] = [];
  /** normalTpsl children waiting for their parent to fill, by parent oid */
  private readonly children = new Map<number, PlaceOrder[]>();
  private readonly accounts = new Map<string, Account>();
  private readonly fills = new Map<string, WsFill[]>();
  private readonly recent = new Map<string, WsTrade[]>();
  private readonly lastPx = new Map<string, bigint>();
  private readonly dayVlm = new Map<string, { ntl: bigint; base: bigint }>();
  readonly candles = new CandleStore();
  readonly ledger: LedgerEntry[] = [];
  private events: EngineEvent[] = [];
  private nextOid = 1_000_000;
  private readonly defaultLeverage: number;

  constructor(opts: EngineOptions) {
    for (const m of opts.markets) {
      this.markets.set(m.coin, m);
      this.byAsset.set(m.asset, m);
      this.books.set(m.coin, new Book());
      const px = parseDecimal(m.initialPx);
      if (px !== undefined) this.lastPx.set(m.coin, px);
    }
    this.defaultLeverage = opts.defaultLeverage ?? 20;
  }

  // ---------- accounts ----------

  fund(user: string, usdc: bigint): void {
    const a = this.accounts.get(user);
    if (a) a.usdc += usdc;
    else this.accounts.set(user, newAccount(usdc));
  }

  /** Credits a spot balance (a token already on spot; standard mode keeps it apart from perp USDC). */
  fundSpot(user: string, token: string, amount: bigint): void {
    if (!this.accounts.has(user)) this.accounts.set(user, newAccount(0n));
    const spot = this.accounts.get(user)?.spot;
    spot?.set(token, (spot.get(token) ?? 0n) + amount);
  }

  /** Tells the account streams that a user's state changed outside an order. */
  touch(user: string): void {
    this.events.push({ type: 'accountChanged', user });
  }

  /**
   * venue: funding is paid every hour on every open perp position: a long pays szi × mark × rate
   * when the rate is positive, a short receives it. `rate` is scaled like every decimal.
   */
  applyFunding(now: number, rate: bigint): void {
    for (const [user, acct] of this.accounts) {
      if (!this.isUser(user)) continue;
      for (const [coin, p] of acct.positions) {
        if (this.markets.get(coin)?.kind !== 'perp') continue;
        const pay = mul(mul(p.szi, this.markPx(coin)), rate);
        acct.usdc -= pay;
        const funding: WsFunding = {
          time: now,
          coin,
          usdc: formatDecimal(-pay, 1),
          szi: formatDecimal(p.szi, 1),
          fundingRate: formatDecimal(rate),
          nSamples: null,
        };
        this.events.push({ type: 'userFunded', user, funding });
      }
    }
  }

  /** venue: spot `hold` = what open spot orders lock (a buy its quote, a sell its base) */
  spotHolds(user: string): Map<string, bigint> {
    const held = new Map<string, bigint>();
    for (const o of this.openOrders(user)) {
      const m = this.markets.get(o.coin);
      if (m?.kind !== 'spot') continue;
      const token = o.side === 'B' ? m.quote : m.base;
      held.set(token, (held.get(token) ?? 0n) + (o.side === 'B' ? mul(o.limitPx, o.sz) : o.sz));
    }
    return held;
  }

  hasAccount(user: string): boolean {
    return this.accounts.has(user);
  }

  account(user: string): Account | undefined {
    return this.accounts.get(user);
  }

  leverageOf(user: string, coin: string): Leverage {
    const m = this.markets.get(coin);
    const lev = this.accounts.get(user)?.leverage.get(coin);
    return lev ?? { isCross: true, value: Math.min(this.defaultLeverage, m?.maxLeverage ?? 1) };
  }

  /** venue: updateLeverage; integer leverage up to the asset's max */
  updateLeverage(user: string, asset: number, isCross: boolean, leverage: number): string | undefined {
    const m = this.byAsset.get(asset);
    if (m?.kind !== 'perp') return REFUSAL.invalidAsset;
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > m.maxLeverage)
      return REFUSAL.invalidLeverage;
    this.accounts.get(user)?.leverage.set(m.coin, { isCross, value: leverage });
    return undefined;
  }

  // ---------- queries ----------

  market(asset: number): MarketSpec | undefined {
    return this.byAsset.get(asset);
  }

  book(coin: string): Book | undefined {
    return this.books.get(coin);
  }

  /** Mid of the book, else the last trade, else the configured start price. */
  midPx(coin: string): bigint | undefined {
    return this.books.get(coin)?.mid() ?? this.lastPx.get(coin);
  }

  markPx(coin: string): bigint {
    return this.midPx(coin) ?? 0n;
  }

  dayVolume(coin: string): { ntl: bigint; base: bigint } {
    return this.dayVlm.get(coin) ?? { ntl: 0n, base: 0n };
  }

  openInterest(coin: string): bigint {
    let oi = 0n;
    for (const a of this.accounts.values()) {
      const p = a.positions.get(coin);
      if (p && p.szi > 0n) oi += p.szi;
    }
    return oi;
  }

  recentTrades(coin: string): WsTrade[] {
    return [...(this.recent.get(coin) ?? [])];
  }

  userFills(user: string): WsFill[] {
    return [...(this.fills.get(user) ?? [])];
  }

  openOrders(user: string): Order[] {
    return [...this.orders.values()].filter((o) => o.user === user && o.status === 'open');
  }

  /** Every order of a user the engine still knows, newest first (venue: historicalOrders). */
  orderHistory(user: string): Order[] {
    return [...this.orders.values()]
      .filter((o) => o.user === user)
      .sort((a, b) => b.timestamp - a.timestamp || b.oid - a.oid);
  }

  findOrder(user: string, oidOrCloid: number | string): Order | undefined {
    const oid = typeof oidOrCloid === 'number' ? oidOrCloid : this.cloids.get(`${user}|${oidOrCloid}`);
    const o = oid === undefined ? undefined : this.orders.get(oid);
    return o && o.user === user ? o : undefined;
  }

  drainEvents(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  // ---------- user commands ----------

  /** Places one user order; the ledger records it as an order (with its oid) or as a reject. */
  placeOrder(req: PlaceOrder, now: number): PlaceStatusWire {
    const placed = this.place(req, now);
    if (!('error' in placed)) return placed;
    // venue: every per-order error ends in " asset=<asset id>"
    const r = { error: withAsset(placed.error, req.asset) };
    this.ledger.push({ kind: 'reject', time: now, user: req.user, asset: req.asset, error: r.error });
    return r;
  }

  private place(req: PlaceOrder, now: number): PlaceStatusWire {
    const ok = this.check(req, undefined);
    return 'error' in ok ? ok : this.commit(req, ok, now);
  }

  /**
   * Every rule an order must pass before anything changes: tick, lot, notional, margin, balance,
   * reduce-only and the post-only cross. `replacing` is the order a modify would cancel: its
   * margin and balance holds do not count against the new one.
   */
  private check(req: PlaceOrder, replacing: Order | undefined): Checked | { error: string } {
    const m = this.byAsset.get(req.asset);
    if (!m) return { error: REFUSAL.invalidAsset };
    const pxErr = checkPrice(req.px, m);
    if (pxErr) return { error: pxErr };
    const szErr = checkSize(req.sz, m);
    if (szErr) return { error: szErr };
    if (req.trigger && checkPrice(req.trigger.triggerPx, m)) return { error: REFUSAL.invalidTpsl };
    const px = parseDecimal(req.px) ?? 0n;
    let sz = parseDecimal(req.sz) ?? 0n;
    const acct = this.accounts.get(req.user);
    if (!acct) return { error: REFUSAL.margin };

    if (req.reduceOnly) {
      const szi = acct.positions.get(m.coin)?.szi ?? 0n;
      if (m.kind === 'spot' || szi === 0n || szi > 0n === req.isBuy) {
        return { error: REFUSAL.reduceOnly };
      }
      // a reduce-only order never flips the position: it is cut to the position size (triggers too)
      if (!req.trigger) sz = minBig(sz, abs(szi));
    } else {
      // reduce-only orders may close dust below the minimum (venue rule undocumented either way);
      // a TWAP's suborders answer to the TWAP's own minimum
      const ntlErr = req.twapId === undefined ? checkNotional(px, sz, m) : undefined;
      if (ntlErr) return { error: ntlErr };
      if (m.kind === 'perp' && !this.hasMarginFor(req.user, acct, m, px, sz, replacing)) {
        return { error: REFUSAL.margin };
      }
      if (m.kind === 'spot' && !this.hasSpotBalanceFor(req.user, acct, m, req.isBuy, px, sz, replacing)) {
        return { error: REFUSAL.spotBalance };
      }
    }

    if (req.tif === 'Alo' && !req.trigger) {
      const book = this.bookOf(m);
      const best = req.isBuy ? book.bestAsk() : book.bestBid();
      if (best !== undefined && (req.isBuy ? best <= px : best >= px)) {
        const bid = book.bestBid();
        const ask = book.bestAsk();
        const fmt = (v: bigint | undefined) => (v === undefined ? 'None' : formatDecimal(v, 1));
        return { error: postOnlyText(fmt(bid), fmt(ask)) };
      }
    }
    return { m, px, sz };
  }

  private commit(req: PlaceOrder, { m, px, sz }: Checked, now: number): PlaceStatusWire {
    const side: Side = req.isBuy ? 'B' : 'A';
    const o: Order = {
      oid: this.nextOid++,
      coin: m.coin,
      asset: m.asset,
      side,
      limitPx: px,
      sz,
      origSz: sz,
      user: req.user,
      timestamp: now,
      cloid: req.cloid,
      reduceOnly: req.reduceOnly,
      tif: req.tif,
      trigger: req.trigger
        ? {
            isMarket: req.trigger.isMarket,
            triggerPx: parseDecimal(req.trigger.triggerPx) ?? 0n,
            tpsl: req.trigger.tpsl,
          }
        : undefined,
      status: 'open',
      statusTimestamp: now,
      twapId: req.twapId,
    };
    this.orders.set(o.oid, o);
    if (o.cloid) this.cloids.set(`${o.user}|${o.cloid}`, o.oid);
    this.ledger.push({ kind: 'order', time: now, user: o.user, oid: o.oid, coin: o.coin });

    if (o.trigger) {
      this.triggers.push(o);
      this.emitUpdate(o);
      return { resting: withCloid({ oid: o.oid }, o.cloid) };
    }
    return this.execute(o, m, now);
  }

  /**
   * venue normalTpsl: a parent order with TP/SL children. Children arm (as trigger orders) once the
   * parent has filled; until then they answer "waitingForFill", afterwards "waitingForTrigger".
   */
  placeWithChildren(parent: PlaceOrder, children: readonly PlaceOrder[], now: number): OrderStatusWire[] {
    const first = this.placeOrder(parent, now);
    if ('error' in first) return [first, ...children.map(() => first)];
    if ('resting' in first) {
      this.children.set(first.resting.oid, [...children]);
      return [first, ...children.map((): OrderStatusWire => 'waitingForFill')];
    }
    return [first, ...children.map((c) => this.armChild(c, now))];
  }

  private armChild(c: PlaceOrder, now: number): OrderStatusWire {
    const r = this.placeOrder(c, now);
    return 'error' in r ? r : 'waitingForTrigger';
  }

  /**
   * venue modify: the new order is checked first and a refusal leaves the original resting; then
   * the original is canceled and the new order placed (with a new oid). Without `alwaysPlace` the
   * new order must be a non-trigger Alo or a non-executable Gtc, whose TIF becomes Alo (doc §3.2),
   * and a missing original refuses the modify; with it the new order is placed under its own TIF
   * even when the original is gone.
   */
  modify(
    user: string,
    ref: number | string,
    req: PlaceOrder,
    alwaysPlace: boolean,
    now: number,
  ): PlaceStatusWire {
    const found = this.findOrder(user, ref);
    const target = found?.status === 'open' ? found : undefined;
    const refuse = (text: string): PlaceStatusWire => {
      const error = withAsset(text, req.asset);
      this.ledger.push({ kind: 'reject', time: now, user, asset: req.asset, error });
      return { error };
    };
    if (!target && !alwaysPlace) return refuse(REFUSAL.modifyMissing);
    let next = req;
    if (!alwaysPlace) {
      // venue: the text for an Ioc or trigger modify without always-place is not documented [UNCONFIRMED]
      if (req.trigger || req.tif === 'Ioc') return refuse(REFUSAL.modifyNeedsAlwaysPlace);
      // an executable Gtc is refused like the Alo it becomes (post-only text) [UNCONFIRMED]
      next = { ...req, tif: 'Alo' };
    }
    const ok = this.check(next, target);
    if ('error' in ok) return refuse(ok.error);
    if (target) {
      this.close(target, 'canceled', now);
      this.ledger.push({ kind: 'cancel', time: now, user, oid: target.oid, coin: target.coin });
    }
    const placed = this.commit(next, ok, now);
    return 'error' in placed ? refuse(placed.error) : placed;
  }

  cancel(user: string, asset: number, oidOrCloid: number | string, now: number): CancelStatusWire {
    const o = this.findOrder(user, oidOrCloid);
    // venue: every per-cancel error ends in " asset=<asset id>"
    if (!o || o.asset !== asset || o.status !== 'open')
      return { error: withAsset(REFUSAL.cancelMissing, asset) };
    this.close(o, 'canceled', now);
    this.ledger.push({ kind: 'cancel', time: now, user, oid: o.oid, coin: o.coin });
    return 'success';
  }

  /** Cancels every open order of a user (venue: scheduleCancel fires with status scheduledCancel). */
  cancelAll(user: string, status: OrderStatusName, now: number): void {
    for (const o of this.openOrders(user)) {
      this.close(o, status, now);
      this.ledger.push({ kind: 'cancel', time: now, user, oid: o.oid, coin: o.coin });
    }
  }

  // ---------- synthetic market ----------

  /** Replaces the maker's quotes on one coin; quotes that cross user orders trade against them. */
  requote(coin: string, quotes: readonly { side: Side; px: bigint; sz: bigint }[], now: number): void {
    const m = this.markets.get(coin);
    if (!m) return;
    const book = this.bookOf(m);
    book.removeWhere((o) => o.user === MAKER_ADDRESS);
    for (const q of quotes)
      this.execute(this.syntheticOrder(m, MAKER_ADDRESS, q.side, q.px, q.sz, 'Gtc', now), m, now);
  }

  /** A synthetic taker order (Ioc): the flow that prints trades. */
  take(coin: string, side: Side, px: bigint, sz: bigint, now: number): void {
    const m = this.markets.get(coin);
    if (!m) return;
    this.execute(this.syntheticOrder(m, TAKER_ADDRESS, side, px, sz, 'Ioc', now), m, now);
  }

  /** Fires trigger orders whose condition the mark price meets (venue: tp/sl on mark). */
  checkTriggers(now: number): void {
    for (const o of [...this.triggers]) {
      const t = o.trigger;
      if (!t || o.status !== 'open') continue;
      const mark = this.markPx(o.coin);
      // a sell sl fires as price falls, a sell tp as it rises; mirrored for buys
      const falling = (o.side === 'A') === (t.tpsl === 'sl');
      if (falling ? mark > t.triggerPx : mark < t.triggerPx) continue;
      this.triggers.splice(this.triggers.indexOf(o), 1);
      const m = this.markets.get(o.coin);
      if (!m) continue;
      o.status = 'triggered';
      o.statusTimestamp = now;
      this.emitUpdate(o);
      o.trigger = undefined;
      o.tif = t.isMarket ? 'Ioc' : 'Gtc';
      o.status = 'open';
      if (o.reduceOnly) {
        const szi = this.accounts.get(o.user)?.positions.get(o.coin)?.szi ?? 0n;
        if (szi === 0n || szi > 0n === (o.side === 'B')) {
          this.close(o, 'reduceOnlyCanceled', now, false);
          continue;
        }
        o.sz = minBig(o.sz, abs(szi));
      }
      this.execute(o, m, now);
    }
  }

  // ---------- internals ----------

  private bookOf(m: MarketSpec): Book {
    let b = this.books.get(m.coin);
    if (!b) {
      b = new Book();
      this.books.set(m.coin, b);
    }
    return b;
  }

  private syntheticOrder(
    m: MarketSpec,
    user: string,
    side: Side,
    px: bigint,
    sz: bigint,
    tif: Tif,
    now: number,
  ): Order {
    return {
      oid: this.nextOid++,
      coin: m.coin,
      asset: m.asset,
      side,
      limitPx: px,
      sz,
      origSz: sz,
      user,
      timestamp: now,
      cloid: undefined,
      reduceOnly: false,
      tif,
      trigger: undefined,
      status: 'open',
      statusTimestamp: now,
    };
  }

  private isUser(user: string): boolean {
    return user !== MAKER_ADDRESS && user !== TAKER_ADDRESS;
  }

  private hasMarginFor(
    user: string,
    acct: Account,
    m: MarketSpec,
    px: bigint,
    sz: bigint,
    replacing: Order | undefined,
  ): boolean {
    let value = acct.usdc;
    let used = 0n;
    for (const [coin, p] of acct.positions) {
      const mark = this.markPx(coin);
      value += mul(mark - p.entryPx, p.szi);
      used += mul(abs(p.szi), mark) / BigInt(this.leverageOf(user, coin).value);
    }
    for (const o of this.openOrders(user)) {
      if (!o.reduceOnly && o !== replacing)
        used += mul(o.limitPx, o.sz) / BigInt(this.leverageOf(user, o.coin).value);
    }
    const need = mul(px, sz) / BigInt(this.leverageOf(user, m.coin).value);
    return value - used >= need;
  }

  /** Spot: a buy holds quote (px × sz), a sell holds base, counting what open orders already hold. */
  private hasSpotBalanceFor(
    user: string,
    acct: Account,
    m: MarketSpec,
    isBuy: boolean,
    px: bigint,
    sz: bigint,
    replacing: Order | undefined,
  ): boolean {
    let held = 0n;
    for (const o of this.openOrders(user)) {
      const om = this.markets.get(o.coin);
      if (om?.kind !== 'spot' || o === replacing) continue;
      if (isBuy && o.side === 'B' && om.quote === m.quote) held += mul(o.limitPx, o.sz);
      if (!isBuy && o.side === 'A' && om.base === m.base) held += o.sz;
    }
    const have = acct.spot.get(isBuy ? m.quote : m.base) ?? 0n;
    return have - held >= (isBuy ? mul(px, sz) : sz);
  }

  /** Matches a taker against the book, then rests, cancels or rejects the remainder by its tif. */
  private execute(o: Order, m: MarketSpec, now: number): PlaceStatusWire {
    const book = this.bookOf(m);
    const opp = book.side(o.side === 'B' ? 'A' : 'B');
    let filled = 0n;
    let notional = 0n;
    const hash = pseudoHash(o.oid, 7);
    while (o.sz > 0n) {
      const r = opp[0];
      if (!r || (o.side === 'B' ? r.limitPx > o.limitPx : r.limitPx < o.limitPx)) break;
      if (r.user === o.user) {
        // venue: self-trade prevention expires the resting order
        opp.shift();
        if (this.isUser(r.user)) this.close(r, 'selfTradeCanceled', now, false);
        continue;
      }
      const q = minBig(o.sz, r.sz);
      this.print(o, r, r.limitPx, q, hash, now);
      o.sz -= q;
      r.sz -= q;
      filled += q;
      notional += mul(r.limitPx, q);
      if (r.sz === 0n) {
        opp.shift();
        if (this.isUser(r.user)) this.close(r, 'filled', now, false);
      }
    }
    const cloidOf = <T extends object>(x: T) => withCloid(x, o.cloid);
    const avgPx = filled > 0n ? formatDecimal((notional * SCALE) / filled, 1) : '0';
    if (o.sz === 0n) {
      this.close(o, 'filled', now, false);
      return { filled: cloidOf({ totalSz: formatDecimal(filled, 1), avgPx, oid: o.oid }) };
    }
    if (o.tif === 'Ioc') {
      if (filled === 0n) {
        this.orders.delete(o.oid);
        if (o.cloid) this.cloids.delete(`${o.user}|${o.cloid}`);
        // an Ioc that never traded is a reject, not an accepted order
        const at = this.ledger.findLastIndex((l) => l.kind === 'order' && l.oid === o.oid);
        if (at >= 0) this.ledger.splice(at, 1);
        return { error: REFUSAL.iocNoMatch };
      }
      this.close(o, 'canceled', now, false);
      return { filled: cloidOf({ totalSz: formatDecimal(filled, 1), avgPx, oid: o.oid }) };
    }
    book.insert(o);
    if (this.isUser(o.user)) this.emitUpdate(o);
    return { resting: cloidOf({ oid: o.oid }) };
  }

  private close(o: Order, status: OrderStatusName, now: number, unbook = true): void {
    if (unbook) {
      this.books.get(o.coin)?.remove(o);
      const ti = this.triggers.indexOf(o);
      if (ti >= 0) this.triggers.splice(ti, 1);
    }
    o.status = status;
    o.statusTimestamp = now;
    if (this.isUser(o.user)) this.emitUpdate(o);
    const kids = this.children.get(o.oid);
    if (kids) {
      this.children.delete(o.oid);
      // venue: children arm when the parent fills and die with it otherwise
      if (status === 'filled') for (const c of kids) this.armChild(c, now);
    }
  }

  private print(taker: Order, maker: Order, px: bigint, sz: bigint, hash: string, now: number): void {
    const buyer = taker.side === 'B' ? taker : maker;
    const seller = taker.side === 'B' ? maker : taker;
    // venue: tid is a 50-bit hash of (buyer_oid, seller_oid)
    const tid = mix32(buyer.oid) * 262_144 + (mix32(seller.oid ^ 0x5bd1e995) >>> 14);
    const m = this.markets.get(taker.coin);
    const trade: WsTrade = {
      coin: taker.coin,
      side: taker.side,
      px: formatDecimal(px, 1),
      sz: formatDecimal(sz, 1),
      hash,
      time: now,
      tid,
      users: [buyer.user, seller.user],
    };
    const list = this.recent.get(taker.coin) ?? [];
    list.push(trade);
    if (list.length > RECENT_TRADES) list.shift();
    this.recent.set(taker.coin, list);
    this.lastPx.set(taker.coin, px);
    const v = this.dayVlm.get(taker.coin) ?? { ntl: 0n, base: 0n };
    v.ntl += mul(px, sz);
    v.base += sz;
    this.dayVlm.set(taker.coin, v);
    this.candles.record(taker.coin, now, px, sz);
    this.events.push({ type: 'tradePrinted', coin: taker.coin, trade });
    if (m) {
      this.fillFor(taker, m, px, sz, true, hash, tid, now);
      this.fillFor(maker, m, px, sz, false, hash, tid, now);
    }
  }

  private fillFor(
    o: Order,
    m: MarketSpec,
    px: bigint,
    sz: bigint,
    crossed: boolean,
    hash: string,
    tid: number,
    now: number,
  ): void {
    if (!this.isUser(o.user)) return;
    const acct = this.accounts.get(o.user);
    if (!acct) return;
    const ntl = mul(px, sz);
    const fee = mul(ntl, crossed ? TAKER_FEE : MAKER_FEE);
    acct.cumVlm += ntl;
    let startPosition: bigint;
    let closedPnl = 0n;
    let dir: string;
    if (m.kind === 'perp') {
      const eff = applyPerpFill(acct, m.coin, o.side === 'B' ? sz : -sz, px);
      startPosition = eff.startPosition;
      closedPnl = eff.closedPnl;
      dir = eff.dir;
      acct.usdc -= fee;
    } else {
      startPosition = acct.spot.get(m.base) ?? 0n;
      const sign = o.side === 'B' ? 1n : -1n;
      acct.spot.set(m.base, startPosition + sign * sz);
      acct.spot.set(m.quote, (acct.spot.get(m.quote) ?? 0n) - sign * ntl - fee);
      dir = o.side === 'B' ? 'Buy' : 'Sell';
    }
    const fill: WsFill = {
      coin: m.coin,
      px: formatDecimal(px, 1),
      sz: formatDecimal(sz, 1),
      side: o.side,
      time: now,
      startPosition: formatDecimal(startPosition, 1),
      dir,
      closedPnl: formatDecimal(closedPnl, 1),
      hash,
      oid: o.oid,
      crossed,
      fee: formatDecimal(fee, 1),
      tid,
      feeToken: 'USDC',
      ...(o.cloid ? { cloid: o.cloid } : {}),
      ...(o.twapId === undefined ? {} : { twapId: o.twapId }),
    };
    const list = this.fills.get(o.user) ?? [];
    list.push(fill);
    if (list.length > MAX_FILLS_PER_USER) list.shift();
    this.fills.set(o.user, list);
    this.ledger.push({
      kind: 'fill',
      time: now,
      user: o.user,
      oid: o.oid,
      coin: m.coin,
      px: fill.px,
      sz: fill.sz,
    });
    this.events.push({ type: 'userFilled', user: o.user, fill });
  }

  private emitUpdate(o: Order): void {
    this.events.push({
      type: 'orderUpdated',
      user: o.user,
      update: { order: basicOrderWire(o), status: o.status, statusTimestamp: o.statusTimestamp },
    });
  }
}

/** venue: openOrders / orderUpdates order shape; cloid and reduceOnly only when set */
export function basicOrderWire(o: Order): BasicOrderWire {
  return {
    coin: o.coin,
    side: o.side,
    limitPx: formatDecimal(o.limitPx, 1),
    sz: formatDecimal(o.sz, 1),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: formatDecimal(o.origSz, 1),
    ...(o.cloid ? { cloid: o.cloid } : {}),
    ...(o.reduceOnly ? { reduceOnly: true } : {}),
  };
}

function withCloid<T extends object>(x: T, cloid: string | undefined): T & { cloid?: string } {
  return cloid ? { ...x, cloid } : x;
}
