// On start: what the venue says the account holds (positions, balance, open orders) becomes the
// risk book's view, and positions and the balance are published on `acct.` for other consumers.
// Pure mapping here; the caller fetches and publishes.
import type { BalanceChanged, Net, PositionChanged } from '@hyperflow/contracts';
import type { ClearinghouseState, OpenOrders } from '@hyperflow/hyperliquid';
import type { RiskFact } from '../risk/engine.js';

export interface AccountSnapshot {
  readonly facts: readonly RiskFact[];
  readonly positions: readonly PositionChanged[];
  readonly balance: BalanceChanged;
}

export function accountSnapshot(input: {
  readonly net: Net;
  readonly account: string;
  readonly state: ClearinghouseState;
  readonly openOrders: OpenOrders;
  readonly atMs: number;
}): AccountSnapshot {
  const { net, account, state, atMs } = input;
  const user = account.toLowerCase();
  const at = Math.floor(state.time ?? atMs);
  const facts: RiskFact[] = [];
  const positions: PositionChanged[] = [];
  for (const { position: p } of state.assetPositions) {
    facts.push({ type: 'positionObserved', coin: p.coin, szi: p.szi });
    positions.push({
      type: 'position',
      v: 1,
      net,
      id: `position:${user}:${p.coin}:${at}`,
      user,
      coin: p.coin,
      szi: p.szi,
      entryPx: p.entryPx,
      unrealizedPnl: p.unrealizedPnl,
      atMs: at,
    });
  }
  for (const o of input.openOrders) {
    facts.push({
      type: 'orderOpened',
      // our orders carry their order id as cloid; anyone else's is counted by oid
      orderId: typeof o.cloid === 'string' ? o.cloid.toLowerCase() : `oid-${o.oid}`,
      coin: o.coin,
      side: o.side === 'B' ? 'buy' : 'sell',
      sz: o.sz,
      reduceOnly: o.reduceOnly === true,
      atMs: o.timestamp,
    });
  }
  const balance: BalanceChanged = {
    type: 'balance',
    v: 1,
    net,
    id: `balance:${user}:${at}`,
    user,
    accountValue: state.marginSummary.accountValue,
    withdrawable: state.withdrawable,
    atMs: at,
  };
  return { facts, positions, balance };
}
