import { z } from 'zod';
import { normalizeNumberString } from '../market/decimal.js';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const Cloid = z.string().regex(/^0x[0-9a-fA-F]{32}$/);
const Uint = z.number().int().nonnegative();

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

export const ExchangeAction = z.discriminatedUnion('type', [...L1_ACTIONS, ApproveAgent]);
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
