import { Decimal, type MarketEvent, type SignalEmitted } from '@hyperflow/contracts';
import { assertNever } from '@hyperflow/core';
import { z } from 'zod';
import { absUnits, fromUnits, scaleBy, toUnits, type Units } from '../decimal/decimal.js';
import { applyAccount, FLAT, type Position } from '../positions/position.js';
import { makeSignal } from './signal.js';
import type { Decision, Strategy, StrategyEvent } from './strategy.js';

/** A fraction of the price as a decimal string: "0.02" = 2%. */
const Fraction = Decimal.refine((s) => toUnits(s) > 0n && toUnits(s) < toUnits('1'), 'must be in (0, 1)');

export const ExitCoinConfig = z
  .object({
    /** exit when the price moves this fraction against the entry */
    stopLoss: Fraction.optional(),
    /** exit when the price moves this fraction in favour of the entry */
    takeProfit: Fraction.optional(),
    /** exit when the price falls back this fraction from the best price since entry */
    trailingStop: Fraction.optional(),
    ttlMs: z.number().int().positive().default(10_000),
  })
  .refine((c) => c.stopLoss !== undefined || c.takeProfit !== undefined || c.trailingStop !== undefined, {
    message: 'set at least one of stopLoss, takeProfit, trailingStop',
  });
export type ExitCoinConfig = z.infer<typeof ExitCoinConfig>;

export const ExitConfig = z.object({ coins: z.record(z.string().min(1), ExitCoinConfig) });
export type ExitConfig = z.infer<typeof ExitConfig>;

export interface ExitCoinState {
  readonly cfg: ExitCoinConfig;
  readonly position: Position;
  /** best price since the position opened (highest long, lowest short); decimal string */
  readonly peak: string | null;
  /**
   * exchange time of the tick that fired an exit for this position: no other exit until the
   * position closes, grows or flips, or until that signal's TTL has passed with the position
   * still open (the exit was withheld, rejected or expired: fire again)
   */
  readonly exitedAtMs: number | null;
}

export interface ExitState {
  readonly coins: Readonly<Record<string, ExitCoinState>>;
}

/**
 * Real-time exits: on every trade and bbo tick of a coin with an open position, checks the
 * stop-loss and take-profit (against the entry price) and the trailing stop (against the best
 * price since entry), and emits one reduce-only market signal for the whole position the moment
 * the price crosses, once per position (again only if the position is still open after that
 * signal's TTL). A long is valued at the trade price or the best bid, a short at the trade
 * price or the best ask. All comparisons are exact decimal arithmetic.
 *
 * Gap markers do not silence it: a protective exit must fire on the first tick after a hole.
 */
export function exitManager(name = 'exits'): Strategy<ExitState, ExitConfig> {
  return {
    name,
    init: (config) => ({
      coins: Object.fromEntries(
        Object.entries(config.coins).map(([coin, cfg]) => [
          coin,
          { cfg, position: FLAT, peak: null, exitedAtMs: null },
        ]),
      ),
    }),
    decide: (state, event, now) => decideExit(name, state, event, now),
  };
}

function decideExit(name: string, state: ExitState, e: StrategyEvent, now: number): Decision<ExitState> {
  const none = { state, signals: [] };
  switch (e.type) {
    case 'fill':
    case 'position': {
      const c = state.coins[e.coin];
      if (c === undefined) return none;
      return { state: withCoin(state, e.coin, onPosition(c, applyAccount(c.position, e))), signals: [] };
    }
    case 'trade':
    case 'bbo': {
      const c = state.coins[e.coin];
      if (c === undefined) return none;
      const r = onTick(name, c, e, now);
      return r.state === c ? none : { state: withCoin(state, e.coin, r.state), signals: r.signals };
    }
    case 'gap':
    case 'balance':
    case 'book':
    case 'candle':
    case 'ctx':
    case 'mids':
      return none;
    default:
      return assertNever(e, 'event');
  }
}

function onPosition(c: ExitCoinState, next: Position): ExitCoinState {
  const before = toUnits(c.position.szi);
  const after = toUnits(next.szi);
  if (after === 0n) return { ...c, position: FLAT, peak: null, exitedAtMs: null };
  const fresh = before === 0n || before > 0n !== after > 0n || absUnits(after) > absUnits(before);
  // a new, grown or flipped position: re-arm, and trail from its entry
  if (fresh) return { ...c, position: next, peak: next.entryPx, exitedAtMs: null };
  return { ...c, position: next };
}

function tickPrice(e: Extract<MarketEvent, { type: 'trade' | 'bbo' }>, long: boolean): string | null {
  if (e.type === 'trade') return e.px;
  const level = long ? e.bid : e.ask;
  return level === null ? null : level.px;
}

function onTick(
  name: string,
  c: ExitCoinState,
  e: Extract<MarketEvent, { type: 'trade' | 'bbo' }>,
  now: number,
): { state: ExitCoinState; signals: SignalEmitted[] } {
  const szi = toUnits(c.position.szi);
  if (szi === 0n) return { state: c, signals: [] };
  if (c.exitedAtMs !== null && e.exchTsMs <= c.exitedAtMs + c.cfg.ttlMs) return { state: c, signals: [] };
  const long = szi > 0n;
  const pxStr = tickPrice(e, long);
  if (pxStr === null) return { state: c, signals: [] };
  const px = toUnits(pxStr);
  const better = (a: Units, b: Units) => (long ? a > b : a < b);
  const peak = c.peak === null || better(px, toUnits(c.peak)) ? pxStr : c.peak;
  const entry = c.position.entryPx === null ? null : toUnits(c.position.entryPx);
  const cfg = c.cfg;
  // the exit level `fraction` away from `ref`: below it for a long's stop, above it for a short's
  const level = (ref: Units, fraction: string, against: boolean): Units =>
    scaleBy(ref, against === long ? -toUnits(fraction) : toUnits(fraction));
  const crossedAgainst = (lvl: Units) => (long ? px <= lvl : px >= lvl);
  const crossedFor = (lvl: Units) => (long ? px >= lvl : px <= lvl);

  let reason: string | null = null;
  if (entry !== null && cfg.stopLoss !== undefined) {
    const lvl = level(entry, cfg.stopLoss, true);
    if (crossedAgainst(lvl))
      reason = `stop-loss: ${e.type} ${pxStr} crossed ${fromUnits(lvl)} (entry ${c.position.entryPx}, ${cfg.stopLoss})`;
  }
  if (reason === null && entry !== null && cfg.takeProfit !== undefined) {
    const lvl = level(entry, cfg.takeProfit, false);
    if (crossedFor(lvl))
      reason = `take-profit: ${e.type} ${pxStr} crossed ${fromUnits(lvl)} (entry ${c.position.entryPx}, ${cfg.takeProfit})`;
  }
  if (reason === null && cfg.trailingStop !== undefined) {
    const lvl = level(toUnits(peak), cfg.trailingStop, true);
    if (crossedAgainst(lvl))
      reason = `trailing stop: ${e.type} ${pxStr} crossed ${fromUnits(lvl)} (best ${peak}, ${cfg.trailingStop})`;
  }
  if (reason === null) return { state: peak === c.peak ? c : { ...c, peak }, signals: [] };

  const signal = makeSignal(
    {
      strategy: name,
      coin: e.coin,
      trigger: e,
      side: long ? 'sell' : 'buy',
      size: fromUnits(absUnits(szi)),
      style: 'market',
      reduceOnly: true,
      reason,
      ttlMs: cfg.ttlMs,
    },
    now,
  );
  return { state: { ...c, peak, exitedAtMs: e.exchTsMs }, signals: [signal] };
}

const withCoin = (s: ExitState, coin: string, c: ExitCoinState): ExitState => ({
  coins: { ...s.coins, [coin]: c },
});
