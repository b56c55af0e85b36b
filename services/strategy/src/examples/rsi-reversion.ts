/**
 * Example user strategy, loaded by path from a strategies document:
 *
 *   { "kind": "module", "name": "rsi", "path": "./rsi-reversion.ts",
 *     "config": { "coins": { "BTC": { "interval": "5m", "rsiPeriod": 14, "size": "0.01" } } } }
 *
 * Mean reversion: target +size when the RSI of closed candles falls below `oversold`, −size above
 * `overbought`, flat when it crosses back through 50. Outside this repository import the same
 * names from '@hyperflow/strategy'. Pure: no I/O, no clock, no randomness.
 */
import { CandleInterval, PositiveDecimal } from '@hyperflow/contracts';
import { z } from 'zod';
import { type CandleBuilder, candlesInit, candlesOnTrade, candlesReset } from '../candles/aggregator.js';
import { fromUnits, toUnits } from '../decimal/decimal.js';
import type { StrategyModule } from '../host/catalog.js';
import { type Rsi, rsiInit, rsiReset, rsiUpdate, rsiValue } from '../indicators/rsi.js';
import { applyAccount, FLAT, type Position } from '../positions/position.js';
import { makeSignal } from '../strategies/signal.js';
import { gapCoins, type Strategy } from '../strategies/strategy.js';

const CoinConfig = z.object({
  interval: CandleInterval.default('5m'),
  rsiPeriod: z.number().int().positive().default(14),
  oversold: z.number().min(0).max(50).default(30),
  overbought: z.number().min(50).max(100).default(70),
  size: PositiveDecimal,
  ttlMs: z.number().int().positive().default(30_000),
});
type CoinConfig = z.infer<typeof CoinConfig>;

export const RsiConfig = z.object({ coins: z.record(z.string().min(1), CoinConfig) });
export type RsiConfig = z.infer<typeof RsiConfig>;

interface CoinState {
  readonly cfg: CoinConfig;
  readonly candles: CandleBuilder;
  readonly rsi: Rsi;
  readonly position: Position;
}
export interface RsiState {
  readonly coins: Readonly<Record<string, CoinState>>;
}

function create(name: string): Strategy<RsiState, RsiConfig> {
  return {
    name,
    init: (config) => ({
      coins: Object.fromEntries(
        Object.entries(config.coins).map(([coin, cfg]) => [
          coin,
          { cfg, candles: candlesInit(coin, cfg.interval), rsi: rsiInit(cfg.rsiPeriod), position: FLAT },
        ]),
      ),
    }),
    decide: (state, e, now) => {
      const none = { state, signals: [] };
      if (e.type === 'gap') {
        let coins = state.coins;
        for (const coin of gapCoins(e, Object.keys(coins), ['trades'])) {
          const c = coins[coin] as CoinState;
          coins = {
            ...coins,
            [coin]: { ...c, candles: candlesReset(c.candles, e.toMs), rsi: rsiReset(c.rsi) },
          };
        }
        return { state: { coins }, signals: [] };
      }
      if (e.type === 'fill' || e.type === 'position') {
        const c = state.coins[e.coin];
        if (c === undefined) return none;
        return {
          state: { coins: { ...state.coins, [e.coin]: { ...c, position: applyAccount(c.position, e) } } },
          signals: [],
        };
      }
      if (e.type !== 'trade') return none;
      const c = state.coins[e.coin];
      if (c === undefined) return none;
      const step = candlesOnTrade(c.candles, e);
      let next: CoinState = { ...c, candles: step.state };
      const signals = [];
      for (const candle of step.closed) {
        const before = rsiValue(next.rsi);
        const rsi = rsiUpdate(next.rsi, Number(candle.c));
        next = { ...next, rsi };
        const v = rsiValue(rsi);
        if (v === null) continue;
        const size = toUnits(c.cfg.size);
        let target: bigint | null = null;
        if (v < c.cfg.oversold) target = size;
        else if (v > c.cfg.overbought) target = -size;
        else if (before !== null && (before - 50) * (v - 50) < 0) target = 0n;
        const current = toUnits(next.position.szi);
        if (target === null || target === current) continue;
        signals.push(
          makeSignal(
            {
              strategy: name,
              coin: e.coin,
              trigger: e,
              tag: `c${candle.openTsMs}`,
              side: target > current ? 'buy' : 'sell',
              targetPosition: fromUnits(target),
              style: 'market',
              reduceOnly: target === 0n,
              reason: `RSI${c.cfg.rsiPeriod} ${v.toFixed(2)} on the ${candle.interval} candle ${candle.openTsMs}`,
              moreCauses: [candle.last],
              ttlMs: c.cfg.ttlMs,
            },
            now,
          ),
        );
      }
      return { state: { coins: { ...state.coins, [e.coin]: next } }, signals };
    },
  };
}

const module: StrategyModule<RsiState, RsiConfig> = { configSchema: RsiConfig, create };
export default module;
