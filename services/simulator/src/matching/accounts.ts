import { abs, div, minBig, mul } from '../market/decimal.js';

export interface Position {
  /** signed size, scaled */
  szi: bigint;
  entryPx: bigint;
}

export interface Leverage {
  isCross: boolean;
  value: number;
}

/**
 * One user's accounts in the venue's standard mode: the perp margin account and the spot balances
 * are separate; USDC moves between them only by usdClassTransfer (a deposit lands on perps).
 */
export interface Account {
  /** perp USDC balance (realized), scaled; spot USDC is `spot.get('USDC')`, never counted twice */
  usdc: bigint;
  readonly positions: Map<string, Position>;
  readonly leverage: Map<string, Leverage>;
  /** lifetime traded notional (venue: drives the address request budget) */
  cumVlm: bigint;
  readonly spot: Map<string, bigint>;
}

export function newAccount(usdc: bigint): Account {
  return { usdc, positions: new Map(), leverage: new Map(), cumVlm: 0n, spot: new Map() };
}

export interface FillEffect {
  startPosition: bigint;
  closedPnl: bigint;
  dir: string;
}

/** Applies a perp fill of signed size `d` at `px` to a position; returns what the fill wire reports. */
export function applyPerpFill(acct: Account, coin: string, d: bigint, px: bigint): FillEffect {
  const pos = acct.positions.get(coin) ?? { szi: 0n, entryPx: 0n };
  const start = pos.szi;
  let closedPnl = 0n;
  let dir: string;
  if (start === 0n || start > 0n === d > 0n) {
    const total = abs(start) + abs(d);
    pos.entryPx = div(mul(abs(start), pos.entryPx) + mul(abs(d), px), total);
    dir = d > 0n ? 'Open Long' : 'Open Short';
  } else {
    const closing = minBig(abs(d), abs(start));
    closedPnl = mul(px - pos.entryPx, closing) * (start > 0n ? 1n : -1n);
    if (abs(d) > abs(start)) {
      pos.entryPx = px;
      dir = start > 0n ? 'Long > Short' : 'Short > Long';
    } else dir = start > 0n ? 'Close Long' : 'Close Short';
  }
  pos.szi = start + d;
  if (pos.szi === 0n) acct.positions.delete(coin);
  else acct.positions.set(coin, pos);
  acct.usdc += closedPnl;
  return { startPosition: start, closedPnl, dir };
}
