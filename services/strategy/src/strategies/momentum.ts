import { Decimal, type TradeEvent } from '@hyperflow/contracts';
import { z } from 'zod';
import { absUnits, divUnits, toUnits } from '../decimal/decimal.js';
import { makeSignal } from './signal.js';
import type { Decision, Strategy, StrategyEvent } from './strategy.js';
import { gapCoins } from './strategy.js';

const Fraction = Decimal.refine((s) => toUnits(s) > 0n && toUnits(s) < toUnits('1'), 'must be in (0, 1)');

/**
 * Tick momentum: when a trade prints `threshold` away from the reference price, target a position of
 * `size` in the direction of the move (or against it with `reversion`); the trade becomes the new
 * reference. It decides on every tick, so it shows the pipeline's tick-to-order path in seconds
 * (demos, end-to-end tests, benchmarks); it is not a strategy to run with money.
 */
export const MomentumCoinConfig = z.object({
  /** move from the reference price that triggers, as a fraction: "0.0005" = 5 bps */
  threshold: Fraction,
  /** target position size in base units */
  size: Decimal.refine((s) => toUnits(s) > 0n, 'must be positive'),
  /** trade against the move instead of with it */
  reversion: z.boolean().default(false),
  /** no new signal for this long after one, by exchange time */
  cooldownMs: z.number().int().min(0).default(1_000),
  style: z.enum(['market', 'limit', 'postOnly']).default('market'),
  ttlMs: z.number().int().positive().default(5_000),
});
export type MomentumCoinConfig = z.infer<typeof MomentumCoinConfig>;

export const MomentumConfig = z.object({ coins: z.record(z.string().min(1), MomentumCoinConfig) });
export type MomentumConfig = z.infer<typeof MomentumConfig>;

export interface MomentumCoinState {
  readonly cfg: MomentumCoinConfig;
  /** reference price, decimal string; null until the first trade (or after a gap) */
  readonly ref: string | null;
  readonly lastSignalMs: number | null;
  readonly target: 'long' | 'short' | 'flat';
}
export type MomentumState = Readonly<Record<string, MomentumCoinState>>;

export function momentumStrategy(name: string): Strategy<MomentumState, MomentumConfig> {
  return {
    name,
    init: (config) =>
      Object.fromEntries(
        Object.entries(config.coins).map(([coin, cfg]) => [
          coin,
          { cfg, ref: null, lastSignalMs: null, target: 'flat' },
        ]),
      ),
    decide: (state, event, now) => decideMomentum(name, state, event, now),
  };
}

function decideMomentum(
  name: string,
  state: MomentumState,
  e: StrategyEvent,
  now: number,
): Decision<MomentumState> {
  if (e.type === 'gap') {
    // a hole in the tape: the reference price may be stale, start again from the next trade
    const hit = gapCoins(e, Object.keys(state), ['trades']);
    if (hit.length === 0) return { state, signals: [] };
    const next = { ...state };
    for (const coin of hit) next[coin] = { ...(state[coin] as MomentumCoinState), ref: null };
    return { state: next, signals: [] };
  }
  if (e.type !== 'trade') return { state, signals: [] };
  const s = state[e.coin];
  if (s === undefined) return { state, signals: [] };
  return onTrade(name, e.coin, s, e, now, state);
}

function onTrade(
  name: string,
  coin: string,
  s: MomentumCoinState,
  t: TradeEvent,
  now: number,
  state: MomentumState,
): Decision<MomentumState> {
  if (s.ref === null) return { state: { ...state, [coin]: { ...s, ref: t.px } }, signals: [] };
  const ref = toUnits(s.ref);
  const move = divUnits(toUnits(t.px) - ref, ref);
  if (absUnits(move) < toUnits(s.cfg.threshold)) return { state, signals: [] };
  const cooling = s.lastSignalMs !== null && t.exchTsMs - s.lastSignalMs < s.cfg.cooldownMs;
  const up = move > 0n;
  const want: 'long' | 'short' = up !== s.cfg.reversion ? 'long' : 'short';
  if (cooling || want === s.target) return { state: { ...state, [coin]: { ...s, ref: t.px } }, signals: [] };
  const side = want === 'long' ? 'buy' : 'sell';
  const signal = makeSignal(
    {
      strategy: name,
      coin,
      trigger: t,
      side,
      targetPosition: want === 'long' ? s.cfg.size : `-${s.cfg.size}`,
      style: s.cfg.style,
      ...(s.cfg.style === 'market' ? {} : { limitPx: t.px }),
      reduceOnly: false,
      reason: `price ${up ? 'rose' : 'fell'} from ${s.ref} to ${t.px} (threshold ${s.cfg.threshold})`,
      ttlMs: s.cfg.ttlMs,
    },
    now,
  );
  return {
    state: { ...state, [coin]: { ...s, ref: t.px, lastSignalMs: t.exchTsMs, target: want } },
    signals: [signal],
  };
}
