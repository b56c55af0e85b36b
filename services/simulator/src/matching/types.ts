/** Venue sides: B = bid/buy, A = ask/sell. */
export type Side = 'B' | 'A';
export type Tif = 'Gtc' | 'Ioc' | 'Alo';
export type Tpsl = 'tp' | 'sl';

/** venue: order status strings of orderStatus / orderUpdates (subset the simulator produces) */
export type OrderStatusName =
  | 'open'
  | 'filled'
  | 'canceled'
  | 'triggered'
  | 'rejected'
  | 'selfTradeCanceled'
  | 'scheduledCancel'
  | 'reduceOnlyCanceled';

export interface Trigger {
  readonly isMarket: boolean;
  readonly triggerPx: bigint;
  readonly tpsl: Tpsl;
}

/** An order inside the engine; sizes and prices are scaled bigints. */
export interface Order {
  readonly oid: number;
  readonly coin: string;
  readonly asset: number;
  readonly side: Side;
  readonly limitPx: bigint;
  /** remaining size */
  sz: bigint;
  readonly origSz: bigint;
  readonly user: string;
  readonly timestamp: number;
  readonly cloid: string | undefined;
  readonly reduceOnly: boolean;
  tif: Tif;
  trigger: Trigger | undefined;
  status: OrderStatusName;
  statusTimestamp: number;
  /** set on a TWAP's suborder */
  readonly twapId?: number | undefined;
}

/** A new order as the exchange action asks for it (strings still unparsed: the rules own the errors). */
export interface PlaceOrder {
  readonly user: string;
  readonly asset: number;
  readonly isBuy: boolean;
  readonly px: string;
  readonly sz: string;
  readonly reduceOnly: boolean;
  readonly tif: Tif;
  readonly trigger?:
    | { readonly isMarket: boolean; readonly triggerPx: string; readonly tpsl: Tpsl }
    | undefined;
  readonly cloid?: string | undefined;
  /** a TWAP suborder (venue: exempt from the per-order minimum; the TWAP has its own) */
  readonly twapId?: number | undefined;
}

/** venue: what placing one order answers */
export type PlaceStatusWire =
  | { resting: { oid: number; cloid?: string } }
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { error: string };

/** venue: one entry of `statuses` in an order response; bare strings for normalTpsl children */
export type OrderStatusWire = PlaceStatusWire | 'waitingForFill' | 'waitingForTrigger';

export type CancelStatusWire = 'success' | { error: string };

export interface WsLevel {
  px: string;
  sz: string;
  n: number;
}

export interface WsTrade {
  coin: string;
  side: Side;
  px: string;
  sz: string;
  hash: string;
  time: number;
  tid: number;
  users: [string, string];
}

export interface WsFill {
  coin: string;
  px: string;
  sz: string;
  side: Side;
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  feeToken: string;
  cloid?: string;
  /** venue: set on the fills of a TWAP's suborders */
  twapId?: number;
}

export interface BasicOrderWire {
  coin: string;
  side: Side;
  limitPx: string;
  sz: string;
  oid: number;
  timestamp: number;
  origSz: string;
  cloid?: string;
  reduceOnly?: boolean;
}

export interface WsOrderUpdate {
  order: BasicOrderWire;
  status: OrderStatusName;
  statusTimestamp: number;
}

/** What the engine tells the outside world after each command; the server routes them to channels. */
export type EngineEvent =
  | { readonly type: 'orderUpdated'; readonly user: string; readonly update: WsOrderUpdate }
  | { readonly type: 'userFilled'; readonly user: string; readonly fill: WsFill }
  | { readonly type: 'tradePrinted'; readonly coin: string; readonly trade: WsTrade }
  /** balances, TWAPs or sub-accounts changed outside an order (transfers, funding, TWAP state) */
  | { readonly type: 'accountChanged'; readonly user: string }
  | { readonly type: 'userFunded'; readonly user: string; readonly funding: WsFunding };

/** venue: one funding payment (userFundings, userEvents `funding`, userFunding's delta) */
export interface WsFunding {
  time: number;
  coin: string;
  /** signed: negative = paid */
  usdc: string;
  szi: string;
  fundingRate: string;
  nSamples: number | null;
}

/** Everything accepted, so tests can count orders exactly. */
export type LedgerEntry =
  | {
      readonly kind: 'order';
      readonly time: number;
      readonly user: string;
      readonly oid: number;
      readonly coin: string;
    }
  | {
      readonly kind: 'reject';
      readonly time: number;
      readonly user: string;
      readonly asset: number;
      readonly error: string;
    }
  | {
      readonly kind: 'cancel';
      readonly time: number;
      readonly user: string;
      readonly oid: number;
      readonly coin: string;
    }
  | {
      readonly kind: 'fill';
      readonly time: number;
      readonly user: string;
      readonly oid: number;
      readonly coin: string;
      readonly px: string;
      readonly sz: string;
    };
