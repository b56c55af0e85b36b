import { loadStrategies } from '../host/catalog.js';
import { createHost, type StrategyHost } from '../host/host.js';

/** The strategies document the tests and the example fixture use. */
export const EXAMPLE_STRATEGIES = {
  strategies: [
    {
      kind: 'trend',
      name: 'trend',
      config: { coins: { BTC: { interval: '1m', fastPeriod: 3, slowPeriod: 8, atrPeriod: 5, size: '0.1' } } },
    },
    { kind: 'exits', name: 'exits', config: { coins: { BTC: { stopLoss: '0.01', trailingStop: '0.004' } } } },
  ],
} as const;

export const exampleHost = (): StrategyHost => createHost(loadStrategies(EXAMPLE_STRATEGIES));
