/** The strategy package's one error: bad config, a strategy that broke its contract, a bad input file. */
export class StrategyError extends Error {
  override name = 'StrategyError';
}
