import { AccountEvent, FeedGapDetected, MarketEvent, type SignalEmitted } from '@hyperflow/contracts';
import { assertNever } from '@hyperflow/core';
import { z } from 'zod';

/** What a strategy sees: market data, gap markers, and our own account's fills and positions. */
export const StrategyEvent = z.union([MarketEvent, FeedGapDetected, AccountEvent]);
export type StrategyEvent = z.infer<typeof StrategyEvent>;

export interface Decision<S> {
  readonly state: S;
  readonly signals: readonly SignalEmitted[];
}

/**
 * A strategy is a pure decider: no I/O, no ambient time or randomness, so live, replay and
 * backtest give identical signals. `now` (ms) is only stamped on signals as `createdAtMs`;
 * decisions themselves run on event times. `decide` must not mutate `state`.
 */
export interface Strategy<S, C> {
  /** the instance name: `signal.strategy`, the signal subject token, the control target */
  readonly name: string;
  init(config: C): S;
  decide(state: S, event: StrategyEvent, now: number): Decision<S>;
}

/** A strategy bound to its config, its types erased, as the host runs it. */
export interface LoadedStrategy {
  readonly name: string;
  /** the coins it trades (the host shards on them) */
  readonly coins: readonly string[];
  initial(): unknown;
  decide(state: unknown, event: StrategyEvent, now: number): Decision<unknown>;
}

export function loadStrategy<S, C extends { readonly coins: Readonly<Record<string, unknown>> }>(
  strategy: Strategy<S, C>,
  config: C,
): LoadedStrategy {
  return {
    name: strategy.name,
    coins: Object.keys(config.coins),
    initial: () => strategy.init(config),
    decide: (state, event, now) => strategy.decide(state as S, event, now),
  };
}

/** The coins a gap marker concerns among `coins`, for the given venue channels. */
export function gapCoins(
  gap: FeedGapDetected,
  coins: readonly string[],
  channels: readonly string[],
): string[] {
  return coins.filter((coin) =>
    gap.subscriptions.some((s) => channels.includes(s.channel) && (s.coin === undefined || s.coin === coin)),
  );
}

/** The coin an event is about, if any (mids name many coins: none). */
export function eventCoin(e: StrategyEvent): string | undefined {
  switch (e.type) {
    case 'trade':
    case 'book':
    case 'bbo':
    case 'candle':
    case 'ctx':
    case 'fill':
    case 'position':
      return e.coin;
    case 'mids':
    case 'gap':
    case 'balance':
      return undefined;
    default:
      return assertNever(e, 'event');
  }
}
