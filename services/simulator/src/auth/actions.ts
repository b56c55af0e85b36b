import { z } from 'zod';
import { normalizeNumberString } from '../market/decimal.js';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const Cloid = z.string().regex(/^0x[0-9a-fA-F]{32}$/);
const Uint = z.number().int().nonnegative();
const Amount = z.string().regex(/^\d+(?:\.\d+)?$/);
// venue: a master moves its sub-account's USDC with "<amount> subaccount:0x…" ([NK] schema)
const ClassAmount = z.string().regex(/^\d+(?:\.\d+)?(?:\s+subaccount:0x[0-9a-fA-F]{40})?$/);

export const OrderType = z.union([
  z.object({ limit: z.object({ tif: z.enum(['Gtc', 'Ioc', 'Alo', 'FrontendMarket']) }) }),
  z.object({
    trigger: z.object({ isMarket: z.boolean(), triggerPx: z.string(), tpsl: z.enum(['tp', 'sl']) }),
  }),
]);
export type OrderType = z.infer<typeof OrderType>;

export const OrderWire = z.object({
  a: Uint,
  b: z.boolean(),
  p: z.string(),
  s: z.string(),
  r: z.boolean(),
  t: OrderType,
  c: Cloid.optional(),
});
export type OrderWire = z.infer<typeof OrderWire>;

const Grouping = z.union([z.enum(['na', 'normalTpsl', 'positionTpsl']), z.object({ p: Uint })]);

const L1_ACTIONS = [
  z.object({
    type: z.literal('order'),
    orders: z.array(OrderWire),
    grouping: Grouping,
    builder: z.object({ b: Address, f: Uint }).optional(),
  }),
  z.object({
    type: z.literal('cancel'),
    cancels: z.array(z.object({ a: Uint, o: Uint })),
    f: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('cancelByCloid'),
    cancels: z.array(z.object({ asset: Uint, cloid: Cloid })),
    f: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('modify'),
    oid: z.union([Uint, Cloid]),
    order: OrderWire,
    a: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('batchModify'),
    modifies: z.array(z.object({ oid: z.union([Uint, Cloid]), order: OrderWire })),
    a: z.boolean().optional(),
  }),
  z.object({ type: z.literal('scheduleCancel'), time: Uint.optional() }),
  z.object({ type: z.literal('updateLeverage'), asset: Uint, isCross: z.boolean(), leverage: Uint }),
  z.object({ type: z.literal('noop') }),
  z.object({
    type: z.literal('updateIsolatedMargin'),
    asset: Uint,
    isBuy: z.boolean(),
    ntli: z.number().int(),
  }),
  z.object({ type: z.literal('reserveRequestWeight'), weight: Uint, destination: Address.optional() }),
  z.object({
    type: z.literal('twapOrder'),
    // venue: m = minutes, t = randomize. [NK] bounds m to 5..1440; the venue's answer outside them is
    // unknown [UNCONFIRMED], so the simulator refuses it as a body of the wrong shape (422)
    twap: z.object({
      a: Uint,
      b: z.boolean(),
      s: Amount,
      r: z.boolean(),
      m: Uint.min(5).max(1440),
      t: z.boolean(),
    }),
  }),
  z.object({ type: z.literal('twapCancel'), a: Uint, t: Uint }),
  // [NK]: 1 to 16 characters
  z.object({ type: z.literal('createSubAccount'), name: z.string().min(1).max(16) }),
  z.object({
    type: z.literal('subAccountTransfer'),
    subAccountUser: Address,
    isDeposit: z.boolean(),
    /** µUSDC */
    usd: Uint,
  }),
  z.object({
    type: z.literal('vaultTransfer'),
    vaultAddress: Address,
    isDeposit: z.boolean(),
    /** µUSDC */
    usd: Uint,
  }),
] as const;

/** Actions signed through the phantom agent (doc §4.1–4.2). */
export const L1Action = z.discriminatedUnion('type', [...L1_ACTIONS]);
export type L1Action = z.infer<typeof L1Action>;

/** venue: approveAgent is user-signed (EIP-712 HyperliquidSignTransaction); agentName omitted when unnamed */
export const ApproveAgent = z.object({
  type: z.literal('approveAgent'),
  signatureChainId: z.string().regex(/^0x[0-9a-fA-F]+$/),
  hyperliquidChain: z.string(),
  agentAddress: Address,
  agentName: z.string().nullish(),
  nonce: Uint,
});
export type ApproveAgent = z.infer<typeof ApproveAgent>;

const UserSignedBase = {
  signatureChainId: z.string().regex(/^0x[0-9a-fA-F]+$/),
  hyperliquidChain: z.string(),
};

/** venue: user-signed; `time` is the nonce and must equal the envelope nonce (doc §3.4) */
export const UsdSend = z.object({
  type: z.literal('usdSend'),
  ...UserSignedBase,
  destination: Address,
  amount: Amount,
  time: Uint,
});
export type UsdSend = z.infer<typeof UsdSend>;

export const Withdraw3 = z.object({
  type: z.literal('withdraw3'),
  ...UserSignedBase,
  destination: Address,
  amount: Amount,
  time: Uint,
});
export type Withdraw3 = z.infer<typeof Withdraw3>;

/** venue: amount is "1" or "1 subaccount:0x…" (the master moves a sub-account's USDC) */
export const UsdClassTransfer = z.object({
  type: z.literal('usdClassTransfer'),
  ...UserSignedBase,
  amount: ClassAmount,
  toPerp: z.boolean(),
  nonce: Uint,
});
export type UsdClassTransfer = z.infer<typeof UsdClassTransfer>;

/** Actions signed with EIP-712 HyperliquidSignTransaction, not through the phantom agent. */
export type UserSignedAction = ApproveAgent | UsdSend | Withdraw3 | UsdClassTransfer;

export const ExchangeAction = z.discriminatedUnion('type', [
  ...L1_ACTIONS,
  ApproveAgent,
  UsdSend,
  Withdraw3,
  UsdClassTransfer,
]);
export type ExchangeAction = z.infer<typeof ExchangeAction>;

export const Signature = z.object({
  r: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  s: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  v: z.number().int(),
});
export type Signature = z.infer<typeof Signature>;

/** The /exchange body. [PY] sends vaultAddress/expiresAfter as null when unset; the venue accepts it. */
export const ExchangeRequest = z.object({
  action: ExchangeAction,
  nonce: Uint,
  signature: Signature,
  vaultAddress: Address.nullish(),
  expiresAfter: Uint.nullish(),
});
export type ExchangeRequest = z.infer<typeof ExchangeRequest>;

function canonicalOrder(o: OrderWire): Record<string, unknown> {
  const t =
    'limit' in o.t
      ? { limit: { tif: o.t.limit.tif } }
      : {
          trigger: {
            isMarket: o.t.trigger.isMarket,
            triggerPx: normalizeNumberString(o.t.trigger.triggerPx),
            tpsl: o.t.trigger.tpsl,
          },
        };
  return {
    a: o.a,
    b: o.b,
    p: normalizeNumberString(o.p),
    s: normalizeNumberString(o.s),
    r: o.r,
    t,
    ...(o.c !== undefined ? { c: o.c.toLowerCase() } : {}),
  };
}

/**
 * The action as the venue re-derives it from its own parse, in its key order: numbers without
 * trailing zeros, hex lowercased, false flags dropped. Signing anything else recovers a stranger.
 */
export function canonicalAction(a: L1Action): Record<string, unknown> {
  switch (a.type) {
    case 'order':
      return {
        type: a.type,
        orders: a.orders.map(canonicalOrder),
        grouping: a.grouping,
        ...(a.builder ? { builder: { b: a.builder.b.toLowerCase(), f: a.builder.f } } : {}),
      };
    case 'cancel':
      return {
        type: a.type,
        cancels: a.cancels.map((c) => ({ a: c.a, o: c.o })),
        ...(a.f ? { f: true } : {}),
      };
    case 'cancelByCloid':
      return {
        type: a.type,
        cancels: a.cancels.map((c) => ({ asset: c.asset, cloid: c.cloid.toLowerCase() })),
        ...(a.f ? { f: true } : {}),
      };
    case 'modify':
      return {
        type: a.type,
        oid: typeof a.oid === 'string' ? a.oid.toLowerCase() : a.oid,
        order: canonicalOrder(a.order),
        ...(a.a ? { a: true } : {}),
      };
    case 'batchModify':
      return {
        type: a.type,
        modifies: a.modifies.map((m) => ({
          oid: typeof m.oid === 'string' ? m.oid.toLowerCase() : m.oid,
          order: canonicalOrder(m.order),
        })),
        ...(a.a ? { a: true } : {}),
      };
    case 'scheduleCancel':
      return { type: a.type, ...(a.time !== undefined ? { time: a.time } : {}) };
    case 'updateLeverage':
      return { type: a.type, asset: a.asset, isCross: a.isCross, leverage: a.leverage };
    case 'noop':
      return { type: a.type };
    case 'updateIsolatedMargin':
      return { type: a.type, asset: a.asset, isBuy: a.isBuy, ntli: a.ntli };
    case 'twapOrder':
      return {
        type: a.type,
        twap: {
          a: a.twap.a,
          b: a.twap.b,
          s: normalizeNumberString(a.twap.s),
          r: a.twap.r,
          m: a.twap.m,
          t: a.twap.t,
        },
      };
    case 'twapCancel':
      return { type: a.type, a: a.a, t: a.t };
    case 'createSubAccount':
      return { type: a.type, name: a.name };
    case 'subAccountTransfer':
      return {
        type: a.type,
        subAccountUser: a.subAccountUser.toLowerCase(),
        isDeposit: a.isDeposit,
        usd: a.usd,
      };
    case 'vaultTransfer':
      return {
        type: a.type,
        vaultAddress: a.vaultAddress.toLowerCase(),
        isDeposit: a.isDeposit,
        usd: a.usd,
      };
    case 'reserveRequestWeight':
      // venue: destination is part of the hash only when set
      return {
        type: a.type,
        weight: a.weight,
        ...(a.destination === undefined ? {} : { destination: a.destination.toLowerCase() }),
      };
    default: {
      const never: never = a;
      return never;
    }
  }
}
