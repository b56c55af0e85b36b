import { toSafeInteger, toScaledInteger, toWireNonNegativeDecimal } from './decimal.js';
import { SigningError } from './errors.js';
import { type Hex, isCloid, toWireAddress, toWireCloid } from './hex.js';

// Wire shapes of doc 3.2. Key order in these builders IS the hashed msgpack order (doc 4.3):
// every object below is built by literal construction, and optional keys are set only when present.

export type Network = 'mainnet' | 'testnet';
export type Tif = 'Gtc' | 'Ioc' | 'Alo';
export type Tpsl = 'tp' | 'sl';

export type OrderTypeWire =
  | { readonly limit: { readonly tif: Tif } }
  | { readonly trigger: { readonly isMarket: boolean; readonly triggerPx: string; readonly tpsl: Tpsl } };

export interface OrderWire {
  /** asset id */
  readonly a: number;
  /** is buy */
  readonly b: boolean;
  /** limit price, wire decimal */
  readonly p: string;
  /** size, wire decimal */
  readonly s: string;
  /** reduce only */
  readonly r: boolean;
  readonly t: OrderTypeWire;
  /** cloid, lowercase */
  readonly c?: Hex;
}

/** `{p}` is the priority-fee grouping: fee = p / 1e8 of notional (doc 3.2). */
export type Grouping = 'na' | 'normalTpsl' | 'positionTpsl' | { readonly p: number };

export interface BuilderWire {
  /** builder address, lowercase */
  readonly b: Hex;
  /** fee in tenths of a basis point */
  readonly f: number;
}

export interface OrderAction {
  readonly type: 'order';
  readonly orders: readonly OrderWire[];
  readonly grouping: Grouping;
  readonly builder?: BuilderWire;
}
export interface CancelAction {
  readonly type: 'cancel';
  readonly cancels: readonly { readonly a: number; readonly o: number }[];
  readonly f?: true;
}
export interface CancelByCloidAction {
  readonly type: 'cancelByCloid';
  readonly cancels: readonly { readonly asset: number; readonly cloid: Hex }[];
  readonly f?: true;
}
export interface ModifyAction {
  readonly type: 'modify';
  readonly oid: number | Hex;
  readonly order: OrderWire;
  readonly a?: true;
}
export interface BatchModifyAction {
  readonly type: 'batchModify';
  readonly modifies: readonly { readonly oid: number | Hex; readonly order: OrderWire }[];
  readonly a?: true;
}
export interface ScheduleCancelAction {
  readonly type: 'scheduleCancel';
  /** ms; absent clears the schedule */
  readonly time?: number;
}
export interface UpdateLeverageAction {
  readonly type: 'updateLeverage';
  readonly asset: number;
  readonly isCross: boolean;
  readonly leverage: number;
}
export interface UpdateIsolatedMarginAction {
  readonly type: 'updateIsolatedMargin';
  readonly asset: number;
  readonly isBuy: boolean;
  /** signed USD × 1e6 */
  readonly ntli: number;
}
export interface NoopAction {
  readonly type: 'noop';
}

/** Every L1 action this package builds (signed with the phantom agent, doc 4.1–4.2). */
export type L1Action =
  | OrderAction
  | CancelAction
  | CancelByCloidAction
  | ModifyAction
  | BatchModifyAction
  | ScheduleCancelAction
  | UpdateLeverageAction
  | UpdateIsolatedMarginAction
  | NoopAction;

// ---------------------------------------------------------------- inputs

export type OrderKind =
  | { readonly kind: 'limit'; readonly tif: Tif }
  | {
      readonly kind: 'trigger';
      /** decimal string */
      readonly triggerPx: string;
      /** true: market when triggered; false: limit at `price` */
      readonly isMarket: boolean;
      readonly tpsl: Tpsl;
    };

export interface OrderInput {
  /** venue asset id (perp index, 10000 + spot index, or HIP-3 id) */
  readonly asset: number;
  readonly isBuy: boolean;
  /** limit price, decimal string already rounded to the tick */
  readonly price: string;
  /** size, decimal string already rounded to the lot */
  readonly size: string;
  readonly reduceOnly?: boolean;
  readonly type: OrderKind;
  /** 0x + 32 hex */
  readonly cloid?: string;
}

export interface BuilderInput {
  readonly address: string;
  /** tenths of a basis point (10 = 1 bp) */
  readonly fee: number;
}

const TIFS: ReadonlySet<string> = new Set<Tif>(['Gtc', 'Ioc', 'Alo']);
const TPSLS: ReadonlySet<string> = new Set<Tpsl>(['tp', 'sl']);
// venue: priority-fee grouping p is a uint ≤ 1e8 (doc 3.2)
const MAX_PRIORITY_FEE = 100_000_000;

function assetId(value: number, field: string): number {
  const n = toSafeInteger(value, field);
  if (n < 0) throw new SigningError('invalid-integer', `${field}: must be ≥ 0, got ${n}`);
  return n;
}

function positiveInt(value: number, field: string): number {
  const n = toSafeInteger(value, field);
  if (n <= 0) throw new SigningError('invalid-integer', `${field}: must be > 0, got ${n}`);
  return n;
}

function bool(value: boolean, field: string): boolean {
  if (typeof value !== 'boolean') throw new SigningError('invalid-action', `${field}: must be a boolean`);
  return value;
}

function nonEmpty<T>(items: readonly T[], field: string): readonly T[] {
  if (!Array.isArray(items) || items.length === 0) {
    // venue: an empty batch fails pre-validation for the whole request (doc 3.3)
    throw new SigningError('invalid-action', `${field}: must be a non-empty array`);
  }
  return items;
}

function orderType(kind: OrderKind, field: string): OrderTypeWire {
  switch (kind.kind) {
    case 'limit':
      if (!TIFS.has(kind.tif))
        throw new SigningError('invalid-action', `${field}.tif: unknown tif ${kind.tif}`);
      return { limit: { tif: kind.tif } };
    case 'trigger':
      if (!TPSLS.has(kind.tpsl))
        throw new SigningError('invalid-action', `${field}.tpsl: unknown ${kind.tpsl}`);
      // venue: key order isMarket, triggerPx, tpsl (doc 3.2, verified by the SDK vectors)
      return {
        trigger: {
          isMarket: bool(kind.isMarket, `${field}.isMarket`),
          triggerPx: toWireNonNegativeDecimal(kind.triggerPx, `${field}.triggerPx`),
          tpsl: kind.tpsl,
        },
      };
    default: {
      const never: never = kind;
      throw new SigningError('invalid-action', `${field}: unknown order kind ${JSON.stringify(never)}`);
    }
  }
}

/** One order in wire form (`a,b,p,s,r,t,c`), cloid only when given. */
export function orderWire(input: OrderInput, field = 'order'): OrderWire {
  const base = {
    a: assetId(input.asset, `${field}.asset`),
    b: bool(input.isBuy, `${field}.isBuy`),
    p: toWireNonNegativeDecimal(input.price, `${field}.price`),
    s: toWireNonNegativeDecimal(input.size, `${field}.size`),
    r: bool(input.reduceOnly ?? false, `${field}.reduceOnly`),
    t: orderType(input.type, `${field}.type`),
  };
  return input.cloid === undefined ? base : { ...base, c: toWireCloid(input.cloid, `${field}.cloid`) };
}

function grouping(value: Grouping, orders: readonly OrderWire[]): Grouping {
  if (typeof value === 'object' && value !== null) {
    const p = toSafeInteger(value.p, 'grouping.p');
    if (p < 0 || p > MAX_PRIORITY_FEE) {
      throw new SigningError('invalid-action', `grouping.p: must be in [0, ${MAX_PRIORITY_FEE}], got ${p}`);
    }
    // venue: priority fees only when every order is IOC, or every order is a non-reduce-only ALO (doc 3.2)
    const tif = (o: OrderWire) => ('limit' in o.t ? o.t.limit.tif : undefined);
    const allIoc = orders.every((o) => tif(o) === 'Ioc');
    const allAlo = orders.every((o) => tif(o) === 'Alo' && !o.r);
    if (!allIoc && !allAlo) {
      throw new SigningError(
        'invalid-action',
        'grouping.p: every order must be IOC, or every order a non-reduce-only ALO',
      );
    }
    return { p };
  }
  switch (value) {
    case 'na':
      return value;
    case 'normalTpsl':
    case 'positionTpsl':
      // venue: TP/SL children must be reduce-only, else the whole batch fails pre-validation (doc 3.2)
      for (const [i, o] of orders.entries()) {
        if ('trigger' in o.t && !o.r) {
          throw new SigningError(
            'invalid-action',
            `orders[${i}]: a TP/SL order in ${value} must be reduce-only`,
          );
        }
      }
      return value;
    default: {
      const never: never = value;
      throw new SigningError('invalid-action', `grouping: unknown ${JSON.stringify(never)}`);
    }
  }
}

/** `{type:"order", orders, grouping, builder?}`. */
export function orderAction(input: {
  readonly orders: readonly OrderInput[];
  readonly grouping?: Grouping;
  readonly builder?: BuilderInput;
}): OrderAction {
  const orders = nonEmpty(input.orders, 'orders').map((o, i) => orderWire(o, `orders[${i}]`));
  const action = { type: 'order' as const, orders, grouping: grouping(input.grouping ?? 'na', orders) };
  if (input.builder === undefined) return action;
  const fee = toSafeInteger(input.builder.fee, 'builder.fee');
  if (fee < 0) throw new SigningError('invalid-integer', `builder.fee: must be ≥ 0, got ${fee}`);
  return { ...action, builder: { b: toWireAddress(input.builder.address, 'builder.address'), f: fee } };
}

/** `{type:"cancel", cancels:[{a,o}], f?}`. */
export function cancelAction(
  cancels: readonly { readonly asset: number; readonly oid: number }[],
  options: { readonly fast?: boolean } = {},
): CancelAction {
  const wire = nonEmpty(cancels, 'cancels').map((c, i) => ({
    a: assetId(c.asset, `cancels[${i}].asset`),
    o: positiveInt(c.oid, `cancels[${i}].oid`),
  }));
  // venue: f must be absent when false; an action hashed with f:false is rejected (doc 3.2)
  return options.fast === true
    ? { type: 'cancel', cancels: wire, f: true }
    : { type: 'cancel', cancels: wire };
}

/** `{type:"cancelByCloid", cancels:[{asset,cloid}], f?}`. */
export function cancelByCloidAction(
  cancels: readonly { readonly asset: number; readonly cloid: string }[],
  options: { readonly fast?: boolean } = {},
): CancelByCloidAction {
  const wire = nonEmpty(cancels, 'cancels').map((c, i) => ({
    asset: assetId(c.asset, `cancels[${i}].asset`),
    cloid: toWireCloid(c.cloid, `cancels[${i}].cloid`),
  }));
  return options.fast === true
    ? { type: 'cancelByCloid', cancels: wire, f: true }
    : { type: 'cancelByCloid', cancels: wire };
}

/** An order id as the venue takes it: an integer oid or a cloid. */
export type OrderRef = number | string;

function orderRef(value: OrderRef, field: string): number | Hex {
  if (typeof value === 'string') {
    if (!isCloid(value)) throw new SigningError('invalid-hex', `${field}: a string oid must be a cloid`);
    return toWireCloid(value, field);
  }
  return positiveInt(value, field);
}

/** `{type:"modify", oid, order, a?}`; `alwaysPlace` places the new order even if the cancel fails. */
export function modifyAction(input: {
  readonly oid: OrderRef;
  readonly order: OrderInput;
  readonly alwaysPlace?: boolean;
}): ModifyAction {
  const base = { type: 'modify' as const, oid: orderRef(input.oid, 'oid'), order: orderWire(input.order) };
  // venue: a must be absent when false (doc 3.2)
  return input.alwaysPlace === true ? { ...base, a: true } : base;
}

/** `{type:"batchModify", modifies:[{oid, order}], a?}`. */
export function batchModifyAction(
  modifies: readonly { readonly oid: OrderRef; readonly order: OrderInput }[],
  options: { readonly alwaysPlace?: boolean } = {},
): BatchModifyAction {
  const wire = nonEmpty(modifies, 'modifies').map((m, i) => ({
    oid: orderRef(m.oid, `modifies[${i}].oid`),
    order: orderWire(m.order, `modifies[${i}].order`),
  }));
  return options.alwaysPlace === true
    ? { type: 'batchModify', modifies: wire, a: true }
    : { type: 'batchModify', modifies: wire };
}

/**
 * `{type:"scheduleCancel", time?}` (dead-man's switch). Omit `time` to clear it. The venue wants
 * time ≥ now + 5 s; that needs a clock, so the caller checks it.
 */
export function scheduleCancelAction(input: { readonly time?: number } = {}): ScheduleCancelAction {
  return input.time === undefined
    ? { type: 'scheduleCancel' }
    : { type: 'scheduleCancel', time: positiveInt(input.time, 'time') };
}

/** `{type:"updateLeverage", asset, isCross, leverage}` (integer leverage). */
export function updateLeverageAction(input: {
  readonly asset: number;
  readonly isCross: boolean;
  readonly leverage: number;
}): UpdateLeverageAction {
  return {
    type: 'updateLeverage',
    asset: assetId(input.asset, 'asset'),
    isCross: bool(input.isCross, 'isCross'),
    leverage: positiveInt(input.leverage, 'leverage'),
  };
}

/** `{type:"updateIsolatedMargin", asset, isBuy, ntli}`; `usd` is a signed decimal, ntli = usd × 1e6 exactly. */
export function updateIsolatedMarginAction(input: {
  readonly asset: number;
  readonly isBuy: boolean;
  /** decimal string, USD; negative removes margin */
  readonly usd: string;
}): UpdateIsolatedMarginAction {
  return {
    type: 'updateIsolatedMargin',
    asset: assetId(input.asset, 'asset'),
    isBuy: bool(input.isBuy, 'isBuy'),
    // venue: ntli = float_to_usd_int(usd), an int of USD × 1e6 (doc 3.2, 4.5)
    ntli: toSafeInteger(toScaledInteger(input.usd, 6, 'usd'), 'ntli'),
  };
}

/** `{type:"noop"}`: burns a nonce, which kills an in-flight action signed with it. */
export function noopAction(): NoopAction {
  return { type: 'noop' };
}

// ---------------------------------------------------------------- user-signed actions (doc 3.4, 4.4)

export type HyperliquidChain = 'Mainnet' | 'Testnet';

/** The Python SDK's choice (Arbitrum Sepolia); any chain id works if the domain uses the same one. */
export const DEFAULT_SIGNATURE_CHAIN_ID: Hex = '0x66eee';

interface UserSignedBase {
  /** hex chain id; the EIP-712 domain's chainId must equal it */
  readonly signatureChainId: Hex;
  readonly hyperliquidChain: HyperliquidChain;
}
export interface UsdSendAction extends UserSignedBase {
  readonly type: 'usdSend';
  readonly destination: Hex;
  readonly amount: string;
  /** ms; must equal the envelope nonce */
  readonly time: number;
}
export interface Withdraw3Action extends UserSignedBase {
  readonly type: 'withdraw3';
  readonly destination: Hex;
  readonly amount: string;
  /** ms; must equal the envelope nonce */
  readonly time: number;
}
export interface ApproveAgentAction extends UserSignedBase {
  readonly type: 'approveAgent';
  readonly agentAddress: Hex;
  /** absent for the unnamed agent (signed as "") */
  readonly agentName?: string;
  readonly nonce: number;
}
export interface ApproveBuilderFeeAction extends UserSignedBase {
  readonly type: 'approveBuilderFee';
  /** percent string, e.g. "0.001%" */
  readonly maxFeeRate: string;
  readonly builder: Hex;
  readonly nonce: number;
}

/** Moves USDC between the spot and perp balances (standard account mode). */
export interface UsdClassTransferAction extends UserSignedBase {
  readonly type: 'usdClassTransfer';
  /** decimal USDC, or `"<amount> subaccount:0x…"` to move a sub-account's USDC */
  readonly amount: string;
  readonly toPerp: boolean;
  /** must equal the envelope nonce */
  readonly nonce: number;
}

export type UserSignedAction =
  | UsdSendAction
  | Withdraw3Action
  | UsdClassTransferAction
  | ApproveAgentAction
  | ApproveBuilderFeeAction;

export interface UserSignedInput {
  readonly network: Network;
  /** defaults to {@link DEFAULT_SIGNATURE_CHAIN_ID} */
  readonly signatureChainId?: string;
}

function userBase(input: UserSignedInput): UserSignedBase {
  const id = input.signatureChainId ?? DEFAULT_SIGNATURE_CHAIN_ID;
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(id) || /^0x0+$/.test(id)) {
    throw new SigningError('invalid-hex', `signatureChainId: not a hex chain id: ${JSON.stringify(id)}`);
  }
  return {
    signatureChainId: `0x${BigInt(id).toString(16)}`,
    hyperliquidChain: networkChain(input.network),
  };
}

/** "Mainnet" | "Testnet": the user-signed replay guard between networks. */
export function networkChain(network: Network): HyperliquidChain {
  switch (network) {
    case 'mainnet':
      return 'Mainnet';
    case 'testnet':
      return 'Testnet';
    default: {
      const never: never = network;
      throw new SigningError('invalid-action', `network: unknown ${JSON.stringify(never)}`);
    }
  }
}

function positiveAmount(value: string, field: string): string {
  const wire = toWireNonNegativeDecimal(value, field);
  if (wire === '0') throw new SigningError('invalid-decimal', `${field}: must be > 0`);
  return wire;
}

/** USDC transfer to another address on Hyperliquid. */
export function usdSendAction(
  input: UserSignedInput & { readonly destination: string; readonly amount: string; readonly time: number },
): UsdSendAction {
  return {
    type: 'usdSend',
    ...userBase(input),
    destination: toWireAddress(input.destination, 'destination'),
    amount: positiveAmount(input.amount, 'amount'),
    time: positiveInt(input.time, 'time'),
  };
}

/** Withdrawal to Arbitrum via the bridge. */
export function withdraw3Action(
  input: UserSignedInput & { readonly destination: string; readonly amount: string; readonly time: number },
): Withdraw3Action {
  return {
    type: 'withdraw3',
    ...userBase(input),
    destination: toWireAddress(input.destination, 'destination'),
    amount: positiveAmount(input.amount, 'amount'),
    time: positiveInt(input.time, 'time'),
  };
}

/**
 * Spot ⇄ perp USDC (doc 3.4). For a sub-account the master signs and the sub-account rides in the
 * amount (`"1 subaccount:0x…"`); the envelope carries no vaultAddress.
 */
export function usdClassTransferAction(
  input: UserSignedInput & {
    readonly amount: string;
    readonly toPerp: boolean;
    readonly nonce: number;
    readonly subAccount?: string;
  },
): UsdClassTransferAction {
  const amount = positiveAmount(input.amount, 'amount');
  return {
    type: 'usdClassTransfer',
    ...userBase(input),
    amount:
      input.subAccount === undefined
        ? amount
        : `${amount} subaccount:${toWireAddress(input.subAccount, 'subAccount')}`,
    toPerp: bool(input.toPerp, 'toPerp'),
    nonce: positiveInt(input.nonce, 'nonce'),
  };
}

/** Registers an agent (API) wallet; the master signs it. */
export function approveAgentAction(
  input: UserSignedInput & {
    readonly agentAddress: string;
    readonly agentName?: string;
    readonly nonce: number;
  },
): ApproveAgentAction {
  const base = {
    type: 'approveAgent' as const,
    ...userBase(input),
    agentAddress: toWireAddress(input.agentAddress, 'agentAddress'),
  };
  const nonce = positiveInt(input.nonce, 'nonce');
  // venue: the unnamed agent is signed with agentName "" and sent without the key (doc 3.4)
  return input.agentName === undefined || input.agentName === ''
    ? { ...base, nonce }
    : { ...base, agentName: input.agentName, nonce };
}

const FEE_RATE = /^\d+(?:\.\d+)?%$/;

/** Approves a builder to charge up to `maxFeeRate` (a percent string such as "0.001%"). */
export function approveBuilderFeeAction(
  input: UserSignedInput & { readonly maxFeeRate: string; readonly builder: string; readonly nonce: number },
): ApproveBuilderFeeAction {
  if (!FEE_RATE.test(input.maxFeeRate)) {
    throw new SigningError(
      'invalid-action',
      `maxFeeRate: a percent string like "0.001%", got ${input.maxFeeRate}`,
    );
  }
  return {
    type: 'approveBuilderFee',
    ...userBase(input),
    maxFeeRate: input.maxFeeRate,
    builder: toWireAddress(input.builder, 'builder'),
    nonce: positiveInt(input.nonce, 'nonce'),
  };
}

/** The action's own nonce field (`time` or `nonce`), which must equal the envelope nonce. */
export function userSignedNonce(action: UserSignedAction): number {
  switch (action.type) {
    case 'usdSend':
    case 'withdraw3':
      return action.time;
    case 'usdClassTransfer':
    case 'approveAgent':
    case 'approveBuilderFee':
      return action.nonce;
    default: {
      const never: never = action;
      throw new SigningError('invalid-action', `unknown user-signed action ${JSON.stringify(never)}`);
    }
  }
}
