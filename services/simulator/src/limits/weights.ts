// venue (doc §7.1): info weights; extras per items returned are charged with ceil (conservative).
const WEIGHT_2 = new Set([
  'l2Book',
  'allMids',
  'clearinghouseState',
  'orderStatus',
  'spotClearinghouseState',
  'exchangeStatus',
]);
const PER_20_ITEMS = new Set([
  'recentTrades',
  'historicalOrders',
  'userFills',
  'userFillsByTime',
  'userFunding',
  'userNonFundingLedgerUpdates',
  'twapHistory',
  'userTwapSliceFills',
]);

export function infoBaseWeight(type: string): number {
  if (WEIGHT_2.has(type)) return 2;
  if (type === 'userRole') return 60;
  return 20;
}

export function infoExtraWeight(type: string, items: number): number {
  if (PER_20_ITEMS.has(type)) return Math.ceil(items / 20);
  if (type === 'candleSnapshot') return Math.ceil(items / 60);
  return 0;
}

/** venue: exchange weight = 1 + floor(batch_length / 40) */
export function exchangeWeight(batchLength: number): number {
  return 1 + Math.floor(batchLength / 40);
}
