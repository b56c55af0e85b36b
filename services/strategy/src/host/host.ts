import type { ControlCommand, SignalEmitted } from '@hyperflow/contracts';
import { StrategyError } from '../errors.js';
import type { LoadedStrategy, StrategyEvent } from '../strategies/strategy.js';

export type HostMode = 'active' | 'halted' | 'reduceOnly';

/** Every strategy's state plus the control flags. Plain data. */
export interface HostState {
  readonly strategies: Readonly<Record<string, unknown>>;
  readonly disabled: readonly string[];
  readonly mode: HostMode;
}

export interface HostStep {
  readonly state: HostState;
  /** signals to publish */
  readonly signals: readonly SignalEmitted[];
  /** signals a strategy emitted but control withheld (disabled strategy, halt, reduce-only mode) */
  readonly suppressed: readonly SignalEmitted[];
}

/**
 * Runs several strategies over one event sequence, purely. Every strategy sees every event
 * (so a disabled or halted strategy stays warm and position-aware); control only decides which
 * signals leave: none while halted, only reduce-only ones in reduce-only mode, none from a
 * disabled strategy.
 */
export interface StrategyHost {
  readonly names: readonly string[];
  init(): HostState;
  decide(state: HostState, event: StrategyEvent, now: number): HostStep;
  control(state: HostState, command: ControlCommand): HostState;
}

export function createHost(strategies: readonly LoadedStrategy[]): StrategyHost {
  const names = strategies.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new StrategyError(`two strategies are named ${JSON.stringify(dup)}`);
  return {
    names,
    init: () => ({
      strategies: Object.fromEntries(strategies.map((s) => [s.name, s.initial()])),
      disabled: [],
      mode: 'active',
    }),
    decide: (state, event, now) => {
      const next: Record<string, unknown> = {};
      const signals: SignalEmitted[] = [];
      const suppressed: SignalEmitted[] = [];
      for (const s of strategies) {
        const r = s.decide(state.strategies[s.name], event, now);
        next[s.name] = r.state;
        for (const sig of r.signals) {
          const pass =
            !state.disabled.includes(s.name) &&
            (state.mode === 'active' || (state.mode === 'reduceOnly' && sig.reduceOnly));
          (pass ? signals : suppressed).push(sig);
        }
      }
      return { state: { ...state, strategies: next }, signals, suppressed };
    },
    control: (state, c) => {
      switch (c.type) {
        case 'halt':
          return { ...state, mode: 'halted' };
        case 'resume':
          return { ...state, mode: 'active' };
        case 'reduceOnly':
          return { ...state, mode: 'reduceOnly' };
        case 'enableStrategy':
          return { ...state, disabled: state.disabled.filter((n) => n !== c.strategy) };
        case 'disableStrategy':
          // another instance's strategy is not ours to track
          if (!names.includes(c.strategy) || state.disabled.includes(c.strategy)) return state;
          return { ...state, disabled: [...state.disabled, c.strategy] };
        default: {
          const never: never = c;
          return never;
        }
      }
    },
  };
}
