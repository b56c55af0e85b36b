import { describe, expect, it } from 'vitest';
import { StrategyError } from '../errors.js';
import { syntheticMarket } from '../test-support/market.js';
import { exampleHost } from '../test-support/strategies.js';
import { backtest } from './backtest.js';
import { parseEventsJsonl, summaryLines } from './jsonl.js';

describe('recorded JSONL input', () => {
  it('given a recorded file, parses every event in order (blank lines skipped)', () => {
    const events = syntheticMarket({ minutes: 3, gapAtMinute: 1 });
    const text = `${events.map((e) => JSON.stringify(e)).join('\n')}\n\n`;
    expect(parseEventsJsonl(text)).toEqual(events);
  });
  it('given a bad line, fails naming the file and line', () => {
    const good = JSON.stringify(syntheticMarket({ minutes: 1 })[0]);
    expect(() => parseEventsJsonl(`${good}\n{"type":"trade"}\n`, 'rec.jsonl')).toThrow(StrategyError);
    expect(() => parseEventsJsonl(`${good}\nnot json\n`, 'rec.jsonl')).toThrow(/^rec\.jsonl:2: /);
  });
  it('summarises signals, fills and P&L per coin', () => {
    const lines = summaryLines(backtest(exampleHost(), syntheticMarket({ minutes: 120 })));
    expect(lines[0]).toMatch(/^events 1440, signals \d+ \(withheld 0\), fills \d+, expired \d+, no-op \d+$/);
    expect(lines[1]).toMatch(/^BTC: fills \d+, position -?[\d.]+, last [\d.]+, P&L -?[\d.]+ /);
  });
});
