import { ContractError, parse } from '@hyperflow/contracts';
import { StrategyError } from '../errors.js';
import { StrategyEvent } from '../strategies/strategy.js';
import type { BacktestResult } from './backtest.js';

/**
 * A recorded JSONL file (one MarketEvent, gap marker or account event per line, in order) as
 * events. Fails fast on the first bad line, naming it: a backtest over silently skipped data lies.
 */
export function parseEventsJsonl(text: string, source = 'input'): StrategyEvent[] {
  const events: StrategyEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      events.push(parse(StrategyEvent, JSON.parse(line), 'event'));
    } catch (err) {
      const why = err instanceof ContractError || err instanceof SyntaxError ? err.message : String(err);
      throw new StrategyError(`${source}:${i + 1}: ${why}`, { cause: err });
    }
  }
  return events;
}

/** The human summary printed after the signals. */
export function summaryLines(r: BacktestResult): string[] {
  const expired = r.unfilled.filter((u) => u.why === 'expired').length;
  const lines = [
    `events ${r.events}, signals ${r.signals.length} (withheld ${r.suppressed.length}), fills ${r.fills.length}, expired ${expired}, no-op ${r.unfilled.length - expired}`,
  ];
  for (const c of r.coins) {
    lines.push(
      `${c.coin}: fills ${c.fills}, position ${c.position}, last ${c.lastPx ?? '-'}, P&L ${c.pnl} (marked at the last trade, no fees)`,
    );
  }
  return lines;
}
