import type { TradeEvent } from '@hyperflow/contracts';

/** A valid contract trade; override fields to vary it. */
export function trade(id: string, over: Partial<TradeEvent> = {}): TradeEvent {
  return {
    type: 'trade',
    v: 1,
    net: 'sim',
    id,
    coin: 'BTC',
    side: 'buy',
    px: '69997.5',
    sz: '0.015',
    tid: 42,
    hash: '0xabc',
    exchTsMs: 1_700_000_000_000,
    recvTsMs: 1_700_000_000_001.25,
    ...over,
  };
}
