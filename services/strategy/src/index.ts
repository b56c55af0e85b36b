export {
  type BacktestFill,
  type BacktestResult,
  backtest,
  type CoinSummary,
} from './backtest/backtest.js';
export { parseEventsJsonl, summaryLines } from './backtest/jsonl.js';
export { readMarketRange, type StreamRange } from './backtest/stream-source.js';
export {
  type Candle,
  type CandleBuilder,
  type CandleStep,
  candlesAdvance,
  candlesInit,
  candlesOnTrade,
  candlesReset,
} from './candles/aggregator.js';
export { absUnits, divUnits, fromUnits, mulUnits, scaleBy, toUnits, type Units } from './decimal/decimal.js';
export { StrategyError } from './errors.js';
export {
  loadSpec,
  loadStrategies,
  modulePaths,
  StrategiesFile,
  type StrategyModule,
  type StrategyModules,
  StrategySpec,
} from './host/catalog.js';
export { createHost, type HostMode, type HostState, type HostStep, type StrategyHost } from './host/host.js';
export { importStrategyModules } from './host/import-modules.js';
export {
  type Atr,
  atrInit,
  atrReset,
  atrUpdate,
  atrValue,
  atrWarm,
  type Bar,
  trueRange,
} from './indicators/atr.js';
export { type Ema, emaInit, emaReset, emaUpdate, emaValue, emaWarm } from './indicators/ema.js';
export { type Rsi, rsiInit, rsiReset, rsiUpdate, rsiValue, rsiWarm } from './indicators/rsi.js';
export { type Sma, smaInit, smaReset, smaUpdate, smaValue, smaWarm } from './indicators/sma.js';
export { applyAccount, FLAT, type Position } from './positions/position.js';
export { StrategyServiceConfig } from './runtime/config.js';
export {
  type Engine,
  type EngineOptions,
  type EngineStats,
  MarketStreamEvent,
  mergeByTime,
  startEngine,
  timeOf,
} from './runtime/engine.js';
export { type Replayed, type ReplayRange, readRange } from './runtime/replay.js';
export { kvSnapshotStore, type SnapshotStore, StrategySnapshot } from './runtime/snapshot.js';
export { signalId } from './signals/signal-id.js';
export { ExitCoinConfig, ExitConfig, type ExitState, exitManager } from './strategies/exit-manager.js';
export {
  MomentumCoinConfig,
  MomentumConfig,
  type MomentumState,
  momentumStrategy,
} from './strategies/momentum.js';
export { makeSignal, type SignalDraft } from './strategies/signal.js';
export {
  type Decision,
  eventCoin,
  gapCoins,
  type LoadedStrategy,
  loadStrategy,
  type Strategy,
  StrategyEvent,
} from './strategies/strategy.js';
export { TrendCoinConfig, TrendConfig, type TrendState, trendStrategy } from './strategies/trend.js';
