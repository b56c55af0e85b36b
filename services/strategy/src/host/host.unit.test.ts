import type { ControlCommand } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { StrategyError } from '../errors.js';
import { position, trade } from '../test-support/events.js';
import { loadStrategies } from './catalog.js';
import { createHost, type HostState } from './host.js';

const host = createHost(
  loadStrategies({
    strategies: [
      { kind: 'exits', name: 'exitsA', config: { coins: { ETH: { stopLoss: '0.02' } } } },
      { kind: 'exits', name: 'exitsB', config: { coins: { ETH: { takeProfit: '0.5' } } } },
    ],
  }),
);

const cmd = (c: Record<string, unknown>): ControlCommand =>
  ({ v: 1, net: 'sim', id: 'c1', by: 'ops', reason: 'test', atMs: 1, ...c }) as ControlCommand;

/** long 1 ETH at 100, then a trade that crosses exitsA's stop */
function stopOut(state: HostState) {
  const s1 = host.decide(state, position('ETH', 1, '1', '100'), 0).state;
  return host.decide(s1, trade('ETH', 2, '97'), 0);
}

describe('strategy host', () => {
  it('given an active host, passes every strategy the event and publishes their signals', () => {
    const r = stopOut(host.init());
    expect(r.signals.map((s) => s.strategy)).toEqual(['exitsA']);
    expect(r.suppressed).toEqual([]);
  });

  it('given a disabled strategy, withholds its signals but keeps its state moving', () => {
    const off = host.control(host.init(), cmd({ type: 'disableStrategy', strategy: 'exitsA' }));
    const r = stopOut(off);
    expect(r.signals).toEqual([]);
    expect(r.suppressed.map((s) => s.strategy)).toEqual(['exitsA']);
    const on = host.control(off, cmd({ type: 'enableStrategy', strategy: 'exitsA' }));
    expect(stopOut(on).signals).toHaveLength(1);
  });

  it('given halt, withholds everything until resume; reduce-only mode passes reduce-only signals', () => {
    const halted = host.control(host.init(), cmd({ type: 'halt' }));
    expect(stopOut(halted).signals).toEqual([]);
    expect(stopOut(host.control(halted, cmd({ type: 'resume' }))).signals).toHaveLength(1);
    expect(stopOut(host.control(halted, cmd({ type: 'reduceOnly' }))).signals).toHaveLength(1);
  });

  it('ignores disabling a strategy it does not run (another instance has it)', () => {
    const s = host.init();
    expect(host.control(s, cmd({ type: 'disableStrategy', strategy: 'other' }))).toBe(s);
  });

  it('refuses two strategies with one name', () => {
    expect(() =>
      createHost(
        loadStrategies({
          strategies: [
            { kind: 'exits', config: { coins: { ETH: { stopLoss: '0.02' } } } },
            { kind: 'exits', config: { coins: { BTC: { stopLoss: '0.02' } } } },
          ],
        }),
      ),
    ).toThrow(StrategyError);
  });
});
