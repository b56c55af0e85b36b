import type { FillRecorded, SignalEmitted, TradeEvent } from '@hyperflow/contracts';
import { absUnits, fromUnits, mulUnits, toUnits, type Units } from '../decimal/decimal.js';
import type { HostState, StrategyHost } from '../host/host.js';
import type { StrategyEvent } from '../strategies/strategy.js';

/** The account the backtest fills into; fills are fed back to the strategies as account events. */
const BACKTEST_USER = `0x${'0'.repeat(40)}`;

export interface BacktestFill {
  readonly signalId: string;
  readonly strategy: string;
  readonly coin: string;
  readonly side: 'buy' | 'sell';
  readonly px: string;
  readonly sz: string;
  readonly atMs: number;
}

export interface CoinSummary {
  readonly coin: string;
  readonly fills: number;
  /** signed, base units */
  readonly position: string;
  readonly lastPx: string | null;
  /** quote units: cash from fills plus the position marked at the last trade; fees ignored */
  readonly pnl: string;
}

export interface BacktestResult {
  readonly events: number;
  readonly signals: readonly SignalEmitted[];
  readonly suppressed: readonly SignalEmitted[];
  readonly fills: readonly BacktestFill[];
  /** signals with nothing to do (target already held, reduce-only while flat) or past their TTL */
  readonly unfilled: readonly { readonly signalId: string; readonly why: 'noop' | 'expired' }[];
  readonly coins: readonly CoinSummary[];
  readonly state: HostState;
}

interface Book {
  position: Units;
  cash: Units;
  lastPx: string | null;
  fills: number;
}

/**
 * Replays events through the same strategy host as live, then fills every published signal at
 * the price of the next trade of its coin (market, limit and postOnly alike; no slippage, no fees,
 * no partial fills), unless that trade comes after the signal's TTL. A `targetPosition` signal
 * trades the difference to the target; a reduce-only one never more than the position. Each fill
 * is fed back to the strategies as a FillRecorded before that trade, so they stay position-aware
 * exactly as they would live. `now` is each market event's receive time, so two runs over the
 * same file give identical output. With `simulateFills: false` it is a pure replay: the signals
 * exactly as the live service decides them over the same events with no account feed.
 */
export function backtest(
  host: StrategyHost,
  events: Iterable<StrategyEvent>,
  opts: { readonly simulateFills?: boolean } = {},
): BacktestResult {
  const simulate = opts.simulateFills ?? true;
  let state = host.init();
  let now = 0;
  let count = 0;
  const signals: SignalEmitted[] = [];
  const suppressed: SignalEmitted[] = [];
  const fills: BacktestFill[] = [];
  const unfilled: { signalId: string; why: 'noop' | 'expired' }[] = [];
  const pending = new Map<string, SignalEmitted[]>();
  const books = new Map<string, Book>();
  const book = (coin: string): Book => {
    let b = books.get(coin);
    if (b === undefined) {
      b = { position: 0n, cash: 0n, lastPx: null, fills: 0 };
      books.set(coin, b);
    }
    return b;
  };

  const step = (e: StrategyEvent) => {
    const r = host.decide(state, e, now);
    state = r.state;
    signals.push(...r.signals);
    suppressed.push(...r.suppressed);
    if (simulate) for (const s of r.signals) pending.set(s.coin, [...(pending.get(s.coin) ?? []), s]);
  };

  const fillPending = (t: TradeEvent) => {
    const queue = pending.get(t.coin);
    if (queue === undefined) return;
    pending.delete(t.coin);
    for (const s of queue) {
      if (t.recvTsMs > s.createdAtMs + s.ttlMs) {
        unfilled.push({ signalId: s.id, why: 'expired' });
        continue;
      }
      const b = book(t.coin);
      let delta: Units;
      if (s.targetPosition !== undefined) delta = toUnits(s.targetPosition) - b.position;
      else delta = s.side === 'buy' ? toUnits(s.size ?? '0') : -toUnits(s.size ?? '0');
      if (s.reduceOnly) {
        const reducing = b.position !== 0n && delta !== 0n && b.position > 0n !== delta > 0n;
        delta = reducing ? (absUnits(delta) > absUnits(b.position) ? -b.position : delta) : 0n;
      }
      if (delta === 0n) {
        unfilled.push({ signalId: s.id, why: 'noop' });
        continue;
      }
      const side = delta > 0n ? 'buy' : 'sell';
      const sz = fromUnits(absUnits(delta));
      const start = b.position;
      b.position += delta;
      b.cash -= mulUnits(delta, toUnits(t.px));
      b.fills += 1;
      fills.push({
        signalId: s.id,
        strategy: s.strategy,
        coin: t.coin,
        side,
        px: t.px,
        sz,
        atMs: t.exchTsMs,
      });
      const fill: FillRecorded = {
        type: 'fill',
        v: 1,
        net: t.net,
        id: `backtest-fill:${s.id}`.slice(0, 200),
        user: BACKTEST_USER,
        coin: t.coin,
        side,
        px: t.px,
        sz,
        oid: fills.length,
        tid: t.tid,
        hash: t.hash,
        fee: '0',
        feeToken: 'USDC',
        closedPnl: '0',
        startPosition: fromUnits(start),
        dir: 'backtest',
        crossed: true,
        exchTsMs: t.exchTsMs,
      };
      step(fill);
    }
  };

  for (const e of events) {
    count += 1;
    if ('recvTsMs' in e) now = Math.max(now, e.recvTsMs);
    if (e.type === 'trade') {
      fillPending(e);
      book(e.coin).lastPx = e.px;
    }
    step(e);
  }

  const coins = [...books.entries()]
    .filter(([, b]) => b.fills > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([coin, b]) => ({
      coin,
      fills: b.fills,
      position: fromUnits(b.position),
      lastPx: b.lastPx,
      pnl: fromUnits(b.cash + (b.lastPx === null ? 0n : mulUnits(b.position, toUnits(b.lastPx)))),
    }));
  return { events: count, signals, suppressed, fills, unfilled, coins, state };
}
