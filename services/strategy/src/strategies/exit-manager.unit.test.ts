import { parse, type SignalEmitted, SignalEmitted as SignalSchema } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { bbo, fill, gap, position, trade } from '../test-support/events.js';
import { ExitConfig, exitManager } from './exit-manager.js';
import type { StrategyEvent } from './strategy.js';

const exits = exitManager('exits');
const cfg = (c: Record<string, unknown>): ExitConfig => parse(ExitConfig, { coins: { ETH: c } });

function run(config: ExitConfig, events: readonly StrategyEvent[]) {
  let s = exits.init(config);
  const signals: SignalEmitted[] = [];
  for (const e of events) {
    const r = exits.decide(s, e, 5_000);
    s = r.state;
    signals.push(...r.signals);
  }
  return { state: s, signals };
}

const long = position('ETH', 1, '2', '100');
const short = position('ETH', 1, '-2', '100');

describe('exit manager', () => {
  it('given a long, when a trade crosses the stop-loss, then one reduce-only market sell of the whole position', () => {
    const ticks = [trade('ETH', 10, '98.01'), trade('ETH', 11, '98'), trade('ETH', 12, '97')];
    const { signals } = run(cfg({ stopLoss: '0.02' }), [long, ...ticks]);
    expect(signals).toHaveLength(1); // once: no repeated exits for the same position
    const s = parse(SignalSchema, signals[0]);
    expect(s).toMatchObject({
      id: `exits:ETH:${ticks[1]?.id}`,
      strategy: 'exits',
      coin: 'ETH',
      side: 'sell',
      size: '2',
      style: 'market',
      reduceOnly: true,
      createdAtMs: 5_000,
      ttlMs: 10_000,
      causes: [{ id: ticks[1]?.id, exchTsMs: 11, recvTsMs: 12 }],
    });
    expect(s.reason).toMatch(/^stop-loss: trade 98 crossed 98 /);
  });

  it('given a short, the stop-loss is above the entry and the exit is a buy', () => {
    const { signals } = run(cfg({ stopLoss: '0.02' }), [
      short,
      trade('ETH', 10, '101.99'),
      trade('ETH', 11, '102'),
    ]);
    expect(signals.map((s) => [s.side, s.size, s.causes[0]?.exchTsMs])).toEqual([['buy', '2', 11]]);
  });

  it('when the price reaches the take-profit, exits', () => {
    const { signals } = run(cfg({ takeProfit: '0.05' }), [
      long,
      trade('ETH', 10, '104.99'),
      trade('ETH', 11, '105'),
    ]);
    expect(signals.map((s) => s.reason.split(':')[0])).toEqual(['take-profit']);
    const sh = run(cfg({ takeProfit: '0.05' }), [short, trade('ETH', 10, '95')]);
    expect(sh.signals.map((s) => s.side)).toEqual(['buy']);
  });

  it('the trailing stop follows the best price since entry', () => {
    // best 110 → trail 110 × 0.97 = 106.7
    const ticks = [
      trade('ETH', 10, '105'),
      trade('ETH', 11, '110'),
      trade('ETH', 12, '106.71'),
      trade('ETH', 13, '106.7'),
    ];
    const { signals } = run(cfg({ trailingStop: '0.03' }), [long, ...ticks]);
    expect(signals.map((s) => [s.causes[0]?.exchTsMs, s.reason])).toEqual([
      [13, 'trailing stop: trade 106.7 crossed 106.7 (best 110, 0.03)'],
    ]);
  });

  it('checks bbo ticks too: a long on the bid, a short on the ask', () => {
    const l = run(cfg({ stopLoss: '0.01' }), [
      long,
      bbo('ETH', 10, '99.5', '99.6'),
      bbo('ETH', 11, '99', '99.1'),
    ]);
    expect(l.signals.map((s) => [s.causes[0]?.id, s.side])).toEqual([['bbo:ETH:11', 'sell']]);
    const s = run(cfg({ stopLoss: '0.01' }), [
      short,
      bbo('ETH', 10, '100.9', '101'),
      bbo('ETH', 11, '101', '101.1'),
    ]);
    expect(s.signals.map((x) => [x.causes[0]?.id, x.side])).toEqual([['bbo:ETH:10', 'buy']]);
  });

  it('given no position, or a flat one after the exit fills, emits nothing', () => {
    expect(run(cfg({ stopLoss: '0.02' }), [trade('ETH', 10, '1')]).signals).toEqual([]);
    const evs = [long, trade('ETH', 10, '90'), position('ETH', 20, '0', null), trade('ETH', 21, '80')];
    expect(run(cfg({ stopLoss: '0.02' }), evs).signals).toHaveLength(1);
  });

  it('a partial fill of the exit does not re-fire; a new position re-arms', () => {
    const evs = [
      long,
      trade('ETH', 10, '97'), // exit #1
      fill('ETH', 11, 'sell', '97', '1', '2'), // half of it filled
      trade('ETH', 12, '96'),
      fill('ETH', 13, 'sell', '96', '1', '1'), // flat
      fill('ETH', 14, 'buy', '96', '3', '0'), // a new long at 96: stop at 94.08
      trade('ETH', 15, '94.09'),
      trade('ETH', 16, '94.08'), // exit #2
    ];
    const { signals } = run(cfg({ stopLoss: '0.02' }), evs);
    expect(signals.map((s) => [s.causes[0]?.exchTsMs, s.size])).toEqual([
      [10, '2'],
      [16, '3'],
    ]);
  });

  it('fires again only once the previous exit signal expired with the position still open', () => {
    const evs = [
      long,
      trade('ETH', 10, '97'),
      trade('ETH', 10_010, '96'),
      trade('ETH', 10_011, '95'),
      trade('ETH', 20_011, '95'),
    ];
    const { signals } = run(cfg({ stopLoss: '0.02', ttlMs: 10_000 }), evs);
    expect(signals.map((s) => s.causes[0]?.exchTsMs)).toEqual([10, 10_011]);
  });

  it('keeps firing after a gap marker (a protective exit is never silenced)', () => {
    const { signals } = run(cfg({ stopLoss: '0.02' }), [long, gap('ETH', 1, 50), trade('ETH', 60, '90')]);
    expect(signals).toHaveLength(1);
  });

  it('ignores coins it is not configured for', () => {
    const evs = [position('BTC', 1, '1', '100'), trade('BTC', 10, '1')];
    expect(run(cfg({ stopLoss: '0.02' }), evs).signals).toEqual([]);
  });

  it('rejects a config without any exit', () => {
    expect(() => cfg({})).toThrow(/at least one/);
    expect(() => cfg({ stopLoss: '1.5' })).toThrow();
  });
});
