import type {
  BboEvent,
  FeedGapDetected,
  FillRecorded,
  PositionChanged,
  TradeEvent,
} from '@hyperflow/contracts';

/** Builders of valid contract events for tests and fixtures (ids follow the ingestor's shape). */
export function trade(
  coin: string,
  exchTsMs: number,
  px: string,
  opts: { sz?: string; tid?: number; side?: 'buy' | 'sell'; recvTsMs?: number } = {},
): TradeEvent {
  const tid = opts.tid ?? exchTsMs;
  return {
    type: 'trade',
    v: 1,
    net: 'sim',
    id: `trade:${coin}:${exchTsMs}:${tid}`,
    coin,
    side: opts.side ?? 'buy',
    px,
    sz: opts.sz ?? '1',
    tid,
    hash: '0x00',
    exchTsMs,
    recvTsMs: opts.recvTsMs ?? exchTsMs + 1,
  };
}

export function bbo(coin: string, exchTsMs: number, bidPx: string, askPx: string): BboEvent {
  return {
    type: 'bbo',
    v: 1,
    net: 'sim',
    id: `bbo:${coin}:${exchTsMs}`,
    coin,
    bid: { px: bidPx, sz: '1', n: 1 },
    ask: { px: askPx, sz: '1', n: 1 },
    exchTsMs,
    recvTsMs: exchTsMs + 1,
  };
}

export function gap(
  coin: string | undefined,
  fromMs: number,
  toMs: number,
  channel = 'trades',
): FeedGapDetected {
  return {
    type: 'gap',
    v: 1,
    net: 'sim',
    id: `gap:${coin ?? 'all'}:${fromMs}:${toMs}`,
    instance: 'ing-1',
    subscriptions: [coin === undefined ? { channel } : { channel, coin }],
    fromMs,
    toMs,
    reason: 'reconnect',
    backfilled: false,
  };
}

const USER = `0x${'a'.repeat(40)}`;

export function position(coin: string, atMs: number, szi: string, entryPx: string | null): PositionChanged {
  return {
    type: 'position',
    v: 1,
    net: 'sim',
    id: `position:${coin}:${atMs}`,
    user: USER,
    coin,
    szi,
    entryPx,
    atMs,
  };
}

export function fill(
  coin: string,
  exchTsMs: number,
  side: 'buy' | 'sell',
  px: string,
  sz: string,
  startPosition: string,
): FillRecorded {
  return {
    type: 'fill',
    v: 1,
    net: 'sim',
    id: `fill:${coin}:${exchTsMs}`,
    user: USER,
    coin,
    side,
    px,
    sz,
    oid: 1,
    tid: exchTsMs,
    hash: '0x00',
    fee: '0',
    feeToken: 'USDC',
    closedPnl: '0',
    startPosition,
    dir: side === 'buy' ? 'Open Long' : 'Open Short',
    crossed: true,
    exchTsMs,
  };
}
