import { CandleInterval, PositiveDecimal, type SignalEmitted, type TradeEvent } from '@hyperflow/contracts';
import { assertNever } from '@hyperflow/core';
import { z } from 'zod';
import {
  type Candle,
  type CandleBuilder,
  candlesInit,
  candlesOnTrade,
  candlesReset,
} from '../candles/aggregator.js';
import { fromUnits, toUnits, unitsToNumber } from '../decimal/decimal.js';
import { type Atr, atrInit, atrReset, atrUpdate, atrValue } from '../indicators/atr.js';
import { type Ema, emaInit, emaReset, emaUpdate, emaValue } from '../indicators/ema.js';
import { applyAccount, FLAT, type Position } from '../positions/position.js';
import { makeSignal } from './signal.js';
import { type Decision, gapCoins, type Strategy, type StrategyEvent } from './strategy.js';

export const TrendCoinConfig = z
  .object({
    /** candles built from trades, on the venue's boundaries */
    interval: CandleInterval.default('1m'),
    /** a closed candle waits this long for late trades before it counts */
    graceMs: z.number().int().nonnegative().default(0),
    fastPeriod: z.number().int().positive().default(9),
    slowPeriod: z.number().int().positive().default(21),
    atrPeriod: z.number().int().positive().default(14),
    /** minimum volatility to enter: ATR ÷ close (0.002 = 0.2%); a statistic, not money */
    minAtrRatio: z.number().nonnegative().default(0),
    /** position size in base units, entered long on a cross up and short on a cross down */
    size: PositiveDecimal.refine((s) => toUnits(s) > 0n, 'size must be positive'),
    allowShort: z.boolean().default(true),
    /** limit/postOnly signals are priced at the triggering trade's price, verbatim */
    style: z.enum(['market', 'limit', 'postOnly']).default('market'),
    ttlMs: z.number().int().positive().default(30_000),
  })
  .refine((c) => c.fastPeriod < c.slowPeriod, {
    message: 'fastPeriod must be below slowPeriod',
    path: ['fastPeriod'],
  });
export type TrendCoinConfig = z.infer<typeof TrendCoinConfig>;

export const TrendConfig = z.object({ coins: z.record(z.string().min(1), TrendCoinConfig) });
export type TrendConfig = z.infer<typeof TrendConfig>;

export interface TrendCoinState {
  readonly cfg: TrendCoinConfig;
  readonly candles: CandleBuilder;
  readonly fast: Ema;
  readonly slow: Ema;
  readonly atr: Atr;
  /** last side of the fast EMA against the slow one; null while cold */
  readonly trend: 'up' | 'down' | null;
  readonly position: Position;
}

export interface TrendState {
  readonly coins: Readonly<Record<string, TrendCoinState>>;
}

/**
 * EMA crossover on candles aggregated from trades. On a cross up it targets `+size`, on a cross
 * down `-size` (or flat without shorts); below the volatility floor it only flattens a position
 * against the new trend. No signal while any indicator is cold (start, after a gap), on the first
 * warm candle (no cross seen yet), or when the position already is the target (position-aware:
 * no duplicate entries). A target of 0 is reduce-only.
 */
export function trendStrategy(name = 'trend'): Strategy<TrendState, TrendConfig> {
  return {
    name,
    init: (config) => ({
      coins: Object.fromEntries(
        Object.entries(config.coins).map(([coin, cfg]) => [
          coin,
          {
            cfg,
            candles: candlesInit(coin, cfg.interval, cfg.graceMs),
            fast: emaInit(cfg.fastPeriod),
            slow: emaInit(cfg.slowPeriod),
            atr: atrInit(cfg.atrPeriod),
            trend: null,
            position: FLAT,
          },
        ]),
      ),
    }),
    decide: (state, event, now) => decideTrend(name, state, event, now),
  };
}

function decideTrend(name: string, state: TrendState, e: StrategyEvent, now: number): Decision<TrendState> {
  const none = { state, signals: [] };
  switch (e.type) {
    case 'trade': {
      const c = state.coins[e.coin];
      if (c === undefined) return none;
      const step = candlesOnTrade(c.candles, e);
      let next: TrendCoinState = { ...c, candles: step.state };
      const signals: SignalEmitted[] = [];
      for (const candle of step.closed) {
        const r = onCandle(name, next, candle, e, now);
        next = r.state;
        if (r.signal !== null) signals.push(r.signal);
      }
      return { state: withCoin(state, e.coin, next), signals };
    }
    case 'gap': {
      const hit = gapCoins(e, Object.keys(state.coins), ['trades']);
      if (hit.length === 0) return none;
      let coins = state.coins;
      for (const coin of hit) {
        const c = coins[coin] as TrendCoinState;
        coins = {
          ...coins,
          [coin]: {
            ...c,
            candles: candlesReset(c.candles, e.toMs),
            fast: emaReset(c.fast),
            slow: emaReset(c.slow),
            atr: atrReset(c.atr),
            trend: null,
          },
        };
      }
      return { state: { coins }, signals: [] };
    }
    case 'fill':
    case 'position': {
      const c = state.coins[e.coin];
      if (c === undefined) return none;
      return { state: withCoin(state, e.coin, { ...c, position: applyAccount(c.position, e) }), signals: [] };
    }
    case 'balance':
    case 'book':
    case 'bbo':
    case 'candle':
    case 'ctx':
    case 'mids':
      return none;
    default:
      return assertNever(e, 'event');
  }
}

function onCandle(
  name: string,
  c: TrendCoinState,
  candle: Candle,
  trigger: TradeEvent,
  now: number,
): { state: TrendCoinState; signal: SignalEmitted | null } {
  const close = unitsToNumber(toUnits(candle.c));
  const fast = emaUpdate(c.fast, close);
  const slow = emaUpdate(c.slow, close);
  const atr = atrUpdate(c.atr, {
    h: unitsToNumber(toUnits(candle.h)),
    l: unitsToNumber(toUnits(candle.l)),
    c: close,
  });
  const f = emaValue(fast);
  const s = emaValue(slow);
  const a = atrValue(atr);
  const cold = f === null || s === null || a === null;
  const trend = cold ? null : f > s ? 'up' : f < s ? 'down' : c.trend;
  const next: TrendCoinState = { ...c, fast, slow, atr, trend };
  if (cold || c.trend === null || trend === c.trend || trend === null) return { state: next, signal: null };

  const cfg = c.cfg;
  const current = toUnits(c.position.szi);
  const size = toUnits(cfg.size);
  const volatile = a / close >= cfg.minAtrRatio;
  let target: bigint | null;
  if (volatile) target = trend === 'up' ? size : cfg.allowShort ? -size : 0n;
  else target = (trend === 'up' && current < 0n) || (trend === 'down' && current > 0n) ? 0n : null;
  if (target === null || target === current) return { state: next, signal: null };

  const fmt = (x: number) => x.toPrecision(8);
  const signal = makeSignal(
    {
      strategy: name,
      coin: candle.coin,
      trigger,
      tag: `c${candle.openTsMs}`,
      side: target > current ? 'buy' : 'sell',
      targetPosition: fromUnits(target),
      style: cfg.style,
      ...(cfg.style === 'market' ? {} : { limitPx: trigger.px }),
      reduceOnly: target === 0n,
      reason:
        `EMA${cfg.fastPeriod} ${fmt(f)} crossed ${trend === 'up' ? 'above' : 'below'} EMA${cfg.slowPeriod} ${fmt(s)} ` +
        `on the ${candle.interval} candle ${candle.openTsMs} close ${candle.c}; ATR/close ${fmt(a / close)}` +
        `${volatile ? '' : ` below the ${cfg.minAtrRatio} floor: flatten only`}`,
      moreCauses: [candle.last],
      ttlMs: cfg.ttlMs,
    },
    now,
  );
  return { state: next, signal };
}

const withCoin = (s: TrendState, coin: string, c: TrendCoinState): TrendState => ({
  coins: { ...s.coins, [coin]: c },
});
