/**
 * Template of a user strategy: copy it, rename it, fill in `decide`. Load it by path from the
 * strategies document: { "kind": "module", "name": "mine", "path": "./mine.ts", "config": { "coins": { "BTC": {} } } }
 * and backtest it with the same document: `backtest <events.jsonl> --config strategies.json`.
 *
 * Rules that make live, replay and backtest agree: decide is pure (no I/O, no Date.now(), no
 * Math.random()), returns a new state without mutating the old one, and every price or size in a
 * signal is a decimal string (from config or verbatim from an event, or computed with the decimal
 * helpers), never String(someFloat). Outside this repository import from '@hyperflow/strategy'.
 */
import { z } from 'zod';
import type { StrategyModule } from '../host/catalog.js';
import type { Strategy } from '../strategies/strategy.js';

export const TemplateConfig = z.object({
  coins: z.record(z.string().min(1), z.object({ size: z.string().default('0.01') })),
});
export type TemplateConfig = z.infer<typeof TemplateConfig>;

export interface TemplateState {
  readonly seen: number;
}

function create(name: string): Strategy<TemplateState, TemplateConfig> {
  return {
    name,
    init: () => ({ seen: 0 }),
    // build signals with makeSignal({ strategy: name, coin, trigger: event, … }, now)
    decide: (state, event) =>
      event.type === 'trade' ? { state: { seen: state.seen + 1 }, signals: [] } : { state, signals: [] },
  };
}

const module: StrategyModule<TemplateState, TemplateConfig> = { configSchema: TemplateConfig, create };
export default module;
