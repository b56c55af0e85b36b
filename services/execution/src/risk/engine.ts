// The risk engine: pure. Its state is evolved from facts the service observes (control commands,
// mids, feed health, our own order lifecycle, positions), and `checkOrder` answers whether one
// order may go out. No clock, no I/O: time comes in as `atMs` / `nowMs`.
import type { ControlCommand } from '@hyperflow/contracts';
import { abs, bps, type Fixed, fx, mul, str, ZERO } from '../decimal/fixed.js';
import { assertNever } from '../errors.js';

export type RiskMode = 'ACTIVE' | 'REDUCE_ONLY' | 'HALTED';

/** Why the mode is what it is. Modes an operator set are only left by an operator. */
export type ModeCause = 'initial' | 'operator' | 'feed' | 'rejects';

export interface RiskLimits {
  /** USD, one order at its limit price */
  readonly maxOrderNotional: string;
  /** USD, |position| at the mid after the order (and same-side open orders), per coin */
  readonly maxPositionNotionalPerCoin: string;
  /** USD, sum over coins of |position| at the mid after the order */
  readonly maxTotalPositionNotional: string;
  readonly maxOpenOrders: number;
  readonly maxOrdersPerMinute: number;
  /** fat-finger band: the order price must be within this many bps of the current mid */
  readonly priceBandBps: number;
  /** a mid older than this is no reference: priced orders are refused */
  readonly maxMidAgeMs: number;
  /** USD; venue: "Order must have minimum value of $10." */
  readonly minNotional: string;
  /** this many venue rejects in a row halt trading until an operator resumes */
  readonly maxConsecutiveRejects: number;
}

export interface OpenOrder {
  readonly coin: string;
  readonly side: 'buy' | 'sell';
  readonly sz: Fixed;
  readonly reduceOnly: boolean;
}

export interface RiskState {
  readonly mode: RiskMode;
  readonly modeCause: ModeCause;
  readonly modeReason: string;
  /** signed size per coin, base units */
  readonly positions: ReadonlyMap<string, Fixed>;
  readonly mids: ReadonlyMap<string, { readonly px: Fixed; readonly atMs: number }>;
  /** orders counted against limits: accepted by risk and not yet finished, by order id */
  readonly openOrders: ReadonlyMap<string, OpenOrder>;
  /** when recent orders were opened (ms), pruned to the last minute */
  readonly recentOrderTimes: readonly number[];
  readonly consecutiveRejects: number;
  readonly disabledStrategies: ReadonlySet<string>;
  /** feed subscriptions currently lost (instance + subscription key) */
  readonly feedsDown: ReadonlySet<string>;
}

/** What the risk engine learns from; every one is a fact already observed. */
export type RiskFact =
  | { readonly type: 'controlReceived'; readonly command: ControlCommand }
  /** the mode last published (exec.risk), read back on start */
  | {
      readonly type: 'modeRestored';
      readonly mode: RiskMode;
      readonly reason: string;
      /** absent: a record from before causes were kept, taken as the operator's */
      readonly cause?: ModeCause;
    }
  | { readonly type: 'midsObserved'; readonly mids: Readonly<Record<string, string>>; readonly atMs: number }
  | { readonly type: 'feedLost'; readonly key: string; readonly detail: string }
  /** `key` restored; a key ending in `/*` restores every key of that instance */
  | { readonly type: 'feedRestored'; readonly key: string }
  | { readonly type: 'positionObserved'; readonly coin: string; readonly szi: string }
  | {
      readonly type: 'orderOpened';
      readonly orderId: string;
      readonly coin: string;
      readonly side: 'buy' | 'sell';
      readonly sz: string;
      readonly reduceOnly: boolean;
      readonly atMs: number;
    }
  | {
      readonly type: 'orderFilled';
      readonly orderId: string;
      readonly coin: string;
      readonly side: 'buy' | 'sell';
      readonly fillSz: string;
      readonly complete: boolean;
    }
  /** finished without (more) fills: canceled, expired, resolved as never placed */
  | { readonly type: 'orderClosed'; readonly orderId: string }
  | { readonly type: 'orderRejectedByVenue'; readonly orderId: string; readonly error: string }
  | { readonly type: 'orderAcceptedByVenue'; readonly orderId: string };

/** One order as it would be sent (after tick/lot rounding). */
export interface RiskOrder {
  readonly strategy: string;
  readonly coin: string;
  readonly side: 'buy' | 'sell';
  /** decimal string, base units */
  readonly sz: string;
  /** decimal string: the limit price sent (for a market order, the aggressive IOC limit) */
  readonly px: string;
  readonly reduceOnly: boolean;
}

export type RiskRule =
  | 'mode'
  | 'strategyEnabled'
  | 'reduceOnlyMode'
  | 'minNotional'
  | 'maxOrderNotional'
  | 'priceBand'
  | 'maxPositionPerCoin'
  | 'maxTotalPosition'
  | 'maxOpenOrders'
  | 'ordersPerMinute';

export type RiskVerdict =
  | { readonly ok: true; readonly checks: readonly RiskRule[] }
  | {
      readonly ok: false;
      readonly rule: RiskRule;
      readonly reason: string;
      readonly checks: readonly RiskRule[];
    };

export interface ModeChange {
  readonly state: RiskMode;
  readonly previous: RiskMode;
  readonly reason: string;
  readonly cause: ModeCause;
}

const MINUTE_MS = 60_000;

export function initialRiskState(mode: RiskMode = 'ACTIVE', reason = 'start'): RiskState {
  return {
    mode,
    modeCause: 'initial',
    modeReason: reason,
    positions: new Map(),
    mids: new Map(),
    openOrders: new Map(),
    recentOrderTimes: [],
    consecutiveRejects: 0,
    disabledStrategies: new Set(),
    feedsDown: new Set(),
  };
}

function withMode(s: RiskState, mode: RiskMode, cause: ModeCause, reason: string): RiskState {
  return { ...s, mode, modeCause: cause, modeReason: reason };
}

function without<K, V>(m: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!m.has(key)) return m;
  const next = new Map(m);
  next.delete(key);
  return next;
}

function signed(side: 'buy' | 'sell', sz: Fixed): Fixed {
  return side === 'buy' ? sz : -sz;
}

/** Applies one fact. Pure. */
export function evolveRisk(s: RiskState, fact: RiskFact, limits: RiskLimits): RiskState {
  switch (fact.type) {
    case 'controlReceived': {
      const c = fact.command;
      const why = `${c.by}: ${c.reason}`;
      switch (c.type) {
        case 'halt':
          return withMode(s, 'HALTED', 'operator', why);
        case 'resume':
          return { ...withMode(s, 'ACTIVE', 'operator', why), consecutiveRejects: 0 };
        case 'reduceOnly':
          return withMode(s, 'REDUCE_ONLY', 'operator', why);
        case 'enableStrategy': {
          const next = new Set(s.disabledStrategies);
          next.delete(c.strategy);
          return { ...s, disabledStrategies: next };
        }
        case 'disableStrategy':
          return { ...s, disabledStrategies: new Set([...s.disabledStrategies, c.strategy]) };
        default:
          return assertNever(c, 'control command');
      }
    }
    case 'modeRestored':
      return withMode(
        s,
        fact.mode,
        fact.cause ?? (fact.mode === 'ACTIVE' ? 'initial' : 'operator'),
        fact.reason,
      );
    case 'midsObserved': {
      const mids = new Map(s.mids);
      for (const [coin, px] of Object.entries(fact.mids)) mids.set(coin, { px: fx(px), atMs: fact.atMs });
      return { ...s, mids };
    }
    case 'feedLost': {
      const feedsDown = new Set([...s.feedsDown, fact.key]);
      const next = { ...s, feedsDown };
      // without market data no price band can be checked: only exits until it is back
      return s.mode === 'ACTIVE'
        ? withMode(next, 'REDUCE_ONLY', 'feed', `market data lost: ${fact.key} (${fact.detail})`)
        : next;
    }
    case 'feedRestored': {
      const prefix = fact.key.endsWith('/*') ? fact.key.slice(0, -1) : undefined;
      const feedsDown = new Set(
        [...s.feedsDown].filter((k) => (prefix === undefined ? k !== fact.key : !k.startsWith(prefix))),
      );
      const next = { ...s, feedsDown };
      return feedsDown.size === 0 && s.modeCause === 'feed'
        ? withMode(next, 'ACTIVE', 'feed', 'market data restored')
        : next;
    }
    case 'positionObserved':
      return { ...s, positions: new Map(s.positions).set(fact.coin, fx(fact.szi)) };
    case 'orderOpened': {
      const openOrders = new Map(s.openOrders).set(fact.orderId, {
        coin: fact.coin,
        side: fact.side,
        sz: fx(fact.sz),
        reduceOnly: fact.reduceOnly,
      });
      const recentOrderTimes = [...s.recentOrderTimes.filter((t) => t > fact.atMs - MINUTE_MS), fact.atMs];
      return { ...s, openOrders, recentOrderTimes };
    }
    case 'orderFilled': {
      const pos = (s.positions.get(fact.coin) ?? ZERO) + signed(fact.side, fx(fact.fillSz));
      const positions = new Map(s.positions).set(fact.coin, pos);
      const open = s.openOrders.get(fact.orderId);
      let openOrders = s.openOrders;
      if (fact.complete) openOrders = without(s.openOrders, fact.orderId);
      else if (open !== undefined) {
        const left = open.sz - fx(fact.fillSz);
        openOrders =
          left > ZERO
            ? new Map(s.openOrders).set(fact.orderId, { ...open, sz: left })
            : without(s.openOrders, fact.orderId);
      }
      return { ...s, positions, openOrders, consecutiveRejects: 0 };
    }
    case 'orderClosed':
      return { ...s, openOrders: without(s.openOrders, fact.orderId) };
    case 'orderRejectedByVenue': {
      const consecutiveRejects = s.consecutiveRejects + 1;
      const next = { ...s, openOrders: without(s.openOrders, fact.orderId), consecutiveRejects };
      return consecutiveRejects >= limits.maxConsecutiveRejects && s.mode !== 'HALTED'
        ? withMode(
            next,
            'HALTED',
            'rejects',
            `${consecutiveRejects} venue rejects in a row, last: ${fact.error}`,
          )
        : next;
    }
    case 'orderAcceptedByVenue':
      return s.consecutiveRejects === 0 ? s : { ...s, consecutiveRejects: 0 };
    default:
      return assertNever(fact, 'risk fact');
  }
}

/** The mode change between two states, if any (to publish as RiskStateChanged). */
export function modeChange(before: RiskState, after: RiskState): ModeChange | undefined {
  return before.mode === after.mode
    ? undefined
    : { state: after.mode, previous: before.mode, reason: after.modeReason, cause: after.modeCause };
}

/** Whether the order only shrinks an existing position (never flips or opens one). */
export function reducesPosition(s: RiskState, coin: string, side: 'buy' | 'sell', sz: Fixed): boolean {
  const pos = s.positions.get(coin) ?? ZERO;
  if (sz <= ZERO) return false;
  return side === 'sell' ? pos > ZERO && sz <= pos : pos < ZERO && sz <= -pos;
}

/** The mid of a coin if it is fresh enough to be a price reference. */
export function freshMid(s: RiskState, coin: string, nowMs: number, limits: RiskLimits): Fixed | undefined {
  const m = s.mids.get(coin);
  return m !== undefined && nowMs - m.atMs <= limits.maxMidAgeMs ? m.px : undefined;
}

/** Decides whether one order may go out. Pure: rules in a fixed order, the first failure wins. */
export function checkOrder(s: RiskState, order: RiskOrder, nowMs: number, limits: RiskLimits): RiskVerdict {
  const checks: RiskRule[] = [];
  const sz = fx(order.sz);
  const px = fx(order.px);
  const reduces = reducesPosition(s, order.coin, order.side, sz);
  const orderNotional = mul(px, sz);
  const fail = (rule: RiskRule, reason: string): RiskVerdict => ({ ok: false, rule, reason, checks });
  const pass = (rule: RiskRule) => checks.push(rule);

  if (s.mode === 'HALTED') return fail('mode', `trading is halted (${s.modeReason})`);
  pass('mode');
  if (s.disabledStrategies.has(order.strategy)) {
    return fail('strategyEnabled', `strategy ${order.strategy} is disabled`);
  }
  pass('strategyEnabled');
  if (s.mode === 'REDUCE_ONLY' && !reduces) {
    return fail(
      'reduceOnlyMode',
      `reduce-only mode (${s.modeReason}) and the order does not reduce a position`,
    );
  }
  pass('reduceOnlyMode');
  if (orderNotional < fx(limits.minNotional)) {
    return fail(
      'minNotional',
      `order value ${str(orderNotional)} is below the minimum ${limits.minNotional}`,
    );
  }
  pass('minNotional');
  if (orderNotional > fx(limits.maxOrderNotional)) {
    return fail(
      'maxOrderNotional',
      `order value ${str(orderNotional)} exceeds the maximum ${limits.maxOrderNotional}`,
    );
  }
  pass('maxOrderNotional');
  const mid = freshMid(s, order.coin, nowMs, limits);
  if (mid === undefined) {
    return fail(
      'priceBand',
      `no mid for ${order.coin} within ${limits.maxMidAgeMs} ms to check the price against`,
    );
  }
  const band = bps(mid, limits.priceBandBps);
  if (abs(px - mid) > band) {
    return fail(
      'priceBand',
      `price ${order.px} is more than ${limits.priceBandBps} bps from the mid ${str(mid)}`,
    );
  }
  pass('priceBand');
  if (!reduces) {
    const pos = s.positions.get(order.coin) ?? ZERO;
    let pending = ZERO;
    for (const o of s.openOrders.values()) {
      if (o.coin === order.coin && o.side === order.side && !o.reduceOnly) pending += signed(o.side, o.sz);
    }
    const projected = pos + pending + signed(order.side, sz);
    const coinNotional = mul(abs(projected), mid);
    if (coinNotional > fx(limits.maxPositionNotionalPerCoin)) {
      return fail(
        'maxPositionPerCoin',
        `${order.coin} position would reach ${str(projected)} (${str(coinNotional)} USD), above ${limits.maxPositionNotionalPerCoin}`,
      );
    }
    pass('maxPositionPerCoin');
    let total = coinNotional;
    for (const [coin, szi] of s.positions) {
      if (coin === order.coin) continue;
      // the last known mid, however old: a position with no recent price still counts
      const ref = s.mids.get(coin)?.px;
      if (ref !== undefined) total += mul(abs(szi), ref);
    }
    if (total > fx(limits.maxTotalPositionNotional)) {
      return fail(
        'maxTotalPosition',
        `total position would reach ${str(total)} USD, above ${limits.maxTotalPositionNotional}`,
      );
    }
    pass('maxTotalPosition');
  }
  if (s.openOrders.size >= limits.maxOpenOrders) {
    return fail('maxOpenOrders', `${s.openOrders.size} orders open, the maximum is ${limits.maxOpenOrders}`);
  }
  pass('maxOpenOrders');
  const lastMinute = s.recentOrderTimes.filter((t) => t > nowMs - MINUTE_MS).length;
  if (lastMinute >= limits.maxOrdersPerMinute) {
    return fail(
      'ordersPerMinute',
      `${lastMinute} orders in the last minute, the maximum is ${limits.maxOrdersPerMinute}`,
    );
  }
  pass('ordersPerMinute');
  return { ok: true, checks };
}
