// Wire schemas of venue frames, written from the doc and checked against recorded venue payloads
// (fixtures/): tests validate the simulator's frames with them.
import { z } from 'zod';

const Dec = z.string().regex(/^-?\d+(\.\d+)?$/);
const Hash = z.string().regex(/^0x[0-9a-f]{64}$/);
const Address = z.string().regex(/^0x[0-9a-f]{40}$/);

export const WsLevel = z.object({ px: Dec, sz: Dec, n: z.number().int() });
export const L2Book = z.object({
  coin: z.string(),
  time: z.number().int(),
  levels: z.tuple([z.array(WsLevel), z.array(WsLevel)]),
});
export const WsTrade = z.object({
  coin: z.string(),
  side: z.enum(['A', 'B']),
  px: Dec,
  sz: Dec,
  hash: Hash,
  time: z.number().int(),
  tid: z.number().int().nonnegative(),
  users: z.tuple([Address, Address]).optional(),
});
export const Bbo = z.object({
  coin: z.string(),
  time: z.number().int(),
  bbo: z.array(WsLevel.nullable()).max(2),
});
export const PerpCtx = z.object({
  funding: Dec,
  openInterest: Dec,
  prevDayPx: Dec,
  dayNtlVlm: Dec,
  premium: Dec.nullable(),
  oraclePx: Dec,
  markPx: Dec,
  midPx: Dec.nullable(),
  impactPxs: z.array(Dec).nullable(),
  dayBaseVlm: Dec.optional(),
});
export const SpotCtx = z.object({
  prevDayPx: Dec,
  dayNtlVlm: Dec,
  markPx: Dec,
  midPx: Dec.nullable(),
  circulatingSupply: Dec,
  coin: z.string(),
  totalSupply: Dec.optional(),
  dayBaseVlm: Dec.optional(),
});
export const Candle = z.object({
  t: z.number().int(),
  T: z.number().int(),
  s: z.string(),
  i: z.string(),
  o: Dec,
  c: Dec,
  h: Dec,
  l: Dec,
  v: Dec,
  n: z.number().int(),
});
export const WsFill = z.object({
  coin: z.string(),
  px: Dec,
  sz: Dec,
  side: z.enum(['A', 'B']),
  time: z.number().int(),
  startPosition: Dec,
  dir: z.string(),
  closedPnl: Dec,
  hash: Hash,
  oid: z.number().int(),
  crossed: z.boolean(),
  fee: Dec,
  tid: z.number().int().optional(),
  feeToken: z.string().optional(),
});
export const BasicOrder = z.object({
  coin: z.string(),
  side: z.enum(['A', 'B']),
  limitPx: Dec,
  sz: Dec,
  oid: z.number().int(),
  timestamp: z.number().int(),
  origSz: Dec.optional(),
  cloid: z.string().optional(),
  reduceOnly: z.boolean().optional(),
});
export const OrderUpdate = z.object({
  order: BasicOrder,
  status: z.string(),
  statusTimestamp: z.number().int(),
});

/** Every push frame, discriminated on `channel`. */
export const WsFrame = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('l2Book'), data: L2Book }),
  z.object({ channel: z.literal('trades'), data: z.array(WsTrade) }),
  z.object({ channel: z.literal('bbo'), data: Bbo }),
  z.object({ channel: z.literal('candle'), data: Candle }),
  z.object({ channel: z.literal('allMids'), data: z.object({ mids: z.record(z.string(), Dec) }) }),
  z.object({ channel: z.literal('activeAssetCtx'), data: z.object({ coin: z.string(), ctx: PerpCtx }) }),
  z.object({ channel: z.literal('activeSpotAssetCtx'), data: z.object({ coin: z.string(), ctx: SpotCtx }) }),
  z.object({ channel: z.literal('orderUpdates'), data: z.array(OrderUpdate) }),
  z.object({
    channel: z.literal('userFills'),
    data: z.object({ user: Address, fills: z.array(WsFill), isSnapshot: z.literal(true).optional() }),
  }),
  z.object({ channel: z.literal('user'), data: z.object({ fills: z.array(WsFill) }) }),
  z.object({ channel: z.literal('pong') }),
  z.object({ channel: z.literal('error'), data: z.string() }),
  z.object({
    channel: z.literal('subscriptionResponse'),
    data: z.object({
      method: z.enum(['subscribe', 'unsubscribe']),
      subscription: z.record(z.string(), z.unknown()),
    }),
  }),
  z.object({ channel: z.literal('post'), data: z.object({ id: z.number().int(), response: z.unknown() }) }),
]);
export type WsFrame = z.infer<typeof WsFrame>;
