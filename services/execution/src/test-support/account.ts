// Fixtures of the account the venue reports: a clearinghouse state and a fill.
import type { FillRecorded } from '@hyperflow/contracts';
import type { ClearinghouseState } from '@hyperflow/hyperliquid';
import { T0 } from './fakes.js';

export const ACCOUNT = '0xab00000000000000000000000000000000000001';

/** one ETH position of `szi` */
export function clearinghouse(szi = '-0.5'): ClearinghouseState {
  const summary = { accountValue: '1000', totalMarginUsed: '0', totalNtlPos: '0', totalRawUsd: '1000' };
  return {
    assetPositions: [
      {
        type: 'oneWay',
        position: {
          coin: 'ETH',
          szi,
          entryPx: '3000',
          leverage: { type: 'cross', value: 5 },
          liquidationPx: null,
          marginUsed: '300',
          positionValue: '1500',
          returnOnEquity: '0',
          unrealizedPnl: '1.5',
          cumFunding: { allTime: '0', sinceChange: '0', sinceOpen: '0' },
        },
      },
    ],
    marginSummary: summary,
    crossMarginSummary: summary,
    withdrawable: '700',
    time: T0,
  } as unknown as ClearinghouseState;
}

export function fill(over: Partial<FillRecorded> = {}): FillRecorded {
  return {
    type: 'fill',
    v: 1,
    net: 'sim',
    id: 'fill:1',
    user: ACCOUNT,
    coin: 'ETH',
    side: 'buy',
    px: '3000',
    sz: '0.1',
    oid: 7,
    tid: 70,
    hash: '0x0',
    fee: '0.1',
    feeToken: 'USDC',
    closedPnl: '0',
    startPosition: '0',
    dir: 'Open Long',
    crossed: true,
    exchTsMs: T0,
    ...over,
  };
}
