import type { InfoClient } from '@hyperflow/hyperliquid';
import type { RestSource } from './rest.js';

/** The venue package's `/info` client as the ingestor's RestSource (budgeted by its hooks). */
export function infoRest(client: InfoClient): RestSource {
  return {
    recentTrades: (coin) => client.recentTrades(coin),
    candleSnapshot: (range) => client.candleSnapshot(range),
    l2Book: (args) => client.l2Book(args),
    allMids: () => client.allMids(),
  };
}
