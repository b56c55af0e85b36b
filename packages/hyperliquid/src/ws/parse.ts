/**
 * Pure mapping of venue frames to contract events (no I/O, no clock: the receive time comes in
 * through the context). Corrupt data fails fast with a WireError naming every bad field.
 *
 * Event ids (the JetStream msgID) are derived from venue data only, so a resubscribe snapshot, a
 * REST backfill and a second ingestor replica give the same id for the same venue event. Every id
 * starts `<kind>:<net>:` because one stream holds all networks (a sim replay of mainnet data must
 * not be de-duplicated against mainnet). Decimals in ids are normalized (`"69997.0"` → `69997`),
 * so the string and numeric wire forms agree.
 *
 *   trade   trade:<net>:<coin>:<time>:<tid>                 venue: (time, coin, tid) is unique
 *   book    book:<net>:<coin>:<time>:<agg>                  one snapshot per block and aggregation;
 *           agg = full | s<nSigFigs> | s5m<mantissa>, plus `-fast` for 5-level books
 *   bbo     bbo:<net>:<coin>:<time>
 *   candle  candle:<net>:<coin>:<interval>:<openMs>:<n>:<close>:<volume>
 *           a content key: an open candle is re-sent as it changes, and (trade count, close,
 *           volume) identifies one state of it; the same state from REST gets the same id
 *   ctx     ctx:<net>:<coin>:<fnv1a64 of the normalized ctx>
 *   mids    mids:<net>:<dex|_>:<fnv1a64 of the sorted normalized mids>
 *           the venue sends no time with these, so the id is a content hash: a replica or a
 *           resubscribe re-sending the same state is a duplicate. Trade-off: a value that returns
 *           to an identical state within the de-dup window is dropped as a duplicate (the next
 *           change supersedes it).
 *   fill    fill:<net>:<coin>:<time>:<tid>:<oid>            oid separates the two sides of a self-trade
 */
import type {
  AssetCtxEvent,
  BboEvent,
  BookEvent,
  BookLevel,
  CandleEvent,
  FillRecorded,
  MidsEvent,
  Net,
  Side,
  TradeEvent,
} from '@hyperflow/contracts';
import { jsonBoundsProblem } from '@hyperflow/contracts';
import type { z } from 'zod';
import { normalizeDecimal, numberToDecimal } from '../assets/decimal.js';
import { HyperliquidError } from '../errors.js';
import { WS_FRAME_LIMITS } from './envelope.js';
import {
  ErrorFrame,
  GREETING_TEXT,
  PongFrame,
  PostFrame,
  type PostResponse,
  SubscriptionResponseFrame,
  type WireDecimal,
  type WireSide,
  WS_CHANNELS,
  WsActiveAssetCtx,
  WsActiveSpotAssetCtx,
  WsAllMids,
  WsBbo,
  WsBook,
  WsCandle,
  WsCandleData,
  WsFill,
  type WsLevel,
  type WsLiquidation,
  type WsNonUserCancel,
  WsOrderUpdate,
  WsTrade,
  WsUserEvent,
  WsUserFills,
  type WsUserFunding,
  WsUserFundings,
} from './messages.js';

/** A frame or payload the venue sent that does not match its documented shape. */
export class WireError extends HyperliquidError {
  override name = 'WireError';
  constructor(
    message: string,
    /** `path: message` per problem */
    readonly problems: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(problems.length > 0 ? `${message}: ${problems.join('; ')}` : message, options);
  }
}

/** A JSON frame on a channel this package does not know (never subscribed, or new on the venue). */
export class UnknownChannelError extends WireError {
  override name = 'UnknownChannelError';
  constructor(readonly channel: string) {
    super(`unknown channel ${JSON.stringify(channel)}`);
  }
}

export interface ParseContext {
  readonly net: Net;
  /** when the frame was received, ms since epoch (sub-ms allowed) */
  readonly recvTsMs: number;
}

/** The aggregation an l2Book subscription asked for; frames do not say it. */
export interface BookAggregation {
  readonly nSigFigs?: 2 | 3 | 4 | 5 | null;
  readonly mantissa?: 1 | 2 | 5 | null;
  readonly fast?: boolean;
}

function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`,
  );
  throw new WireError(`invalid ${what}`, problems, { cause: r.error });
}

function side(s: WireSide): Side {
  switch (s) {
    case 'B':
      return 'buy';
    case 'A':
      return 'sell';
    default: {
      const never: never = s;
      throw new WireError(`unknown side ${String(never)}`);
    }
  }
}

/** A wire decimal (string or defensive number) as a normalized non-exponent decimal string. */
function dec(v: WireDecimal, field: string): string {
  try {
    return typeof v === 'number' ? numberToDecimal(v, field) : normalizeDecimal(v, field);
  } catch (err) {
    throw new WireError(`invalid ${field}`, [String((err as Error).message)], { cause: err });
  }
}

/** Non-negative variant for prices, sizes and volumes. */
function pos(v: WireDecimal, field: string): string {
  const d = dec(v, field);
  if (d.startsWith('-')) throw new WireError(`invalid ${field}`, [`${field}: negative ${d}`]);
  return d;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;
/** FNV-1a 64 of the UTF-8 text, 16 hex digits: stable across processes and versions. */
export function fnv1a64(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}

function recvMs(ctx: ParseContext): number {
  return Math.floor(ctx.recvTsMs);
}

// --------------------------------------------------------------------------------------------
// Market data

export function tradeId(net: Net, coin: string, time: number, tid: number): string {
  return `trade:${net}:${coin}:${time}:${tid}`;
}

const trade = (t: WsTrade, ctx: ParseContext): TradeEvent => ({
  type: 'trade',
  v: 1,
  net: ctx.net,
  id: tradeId(ctx.net, t.coin, t.time, t.tid),
  coin: t.coin,
  side: side(t.side),
  px: t.px,
  sz: t.sz,
  tid: t.tid,
  hash: t.hash,
  ...(t.users ? { users: t.users } : {}),
  exchTsMs: t.time,
  recvTsMs: ctx.recvTsMs,
});

/** trades data (an array, possibly empty) or `/info` recentTrades → TradeEvent[] */
export function parseTrades(data: unknown, ctx: ParseContext): TradeEvent[] {
  return validate(WsTrade.array(), data, 'trades').map((t) => trade(t, ctx));
}

/** An item of an array frame that failed validation, by its position in the frame. */
export interface RejectedItem {
  readonly index: number;
  readonly problems: readonly string[];
}

/** What an array frame holds: the valid items as events, the others by index. */
export interface ParsedItems<E> {
  readonly events: E[];
  readonly rejected: RejectedItem[];
}

/** Each item on its own: one malformed item costs that item, not the frame. Not an array: WireError. */
function items<W, E>(schema: z.ZodType<W>, data: unknown, what: string, map: (w: W) => E): ParsedItems<E> {
  if (!Array.isArray(data)) throw new WireError(`invalid ${what}`, ['(root): expected an array']);
  const events: E[] = [];
  const rejected: RejectedItem[] = [];
  data.forEach((item: unknown, index) => {
    try {
      events.push(map(validate(schema, item, what)));
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      rejected.push({
        index,
        problems: (err.problems.length > 0 ? err.problems : [err.message]).map((p) => `${index}.${p}`),
      });
    }
  });
  return { events, rejected };
}

/** trades data, item by item (the WS path: a bad trade must not take its neighbours down) */
export function parseTradeItems(data: unknown, ctx: ParseContext): ParsedItems<TradeEvent> {
  return items(WsTrade, data, 'trades', (t) => trade(t, ctx));
}

function aggregationKey(agg: BookAggregation): string {
  const sig = agg.nSigFigs ?? null;
  const base = sig === null ? 'full' : `s${sig}${agg.mantissa != null ? `m${agg.mantissa}` : ''}`;
  return agg.fast === true ? `${base}-fast` : base;
}

export function bookId(net: Net, coin: string, time: number, agg: BookAggregation = {}): string {
  return `book:${net}:${coin}:${time}:${aggregationKey(agg)}`;
}

const level = (l: WsLevel): BookLevel => ({ px: l.px, sz: l.sz, n: l.n });

/** l2Book data or the `/info` l2Book body → BookEvent (`agg` = what the subscription asked for) */
export function parseBook(data: unknown, ctx: ParseContext, agg: BookAggregation = {}): BookEvent {
  const b = validate(WsBook, data, 'l2Book');
  return {
    type: 'book',
    v: 1,
    net: ctx.net,
    id: bookId(ctx.net, b.coin, b.time, agg),
    coin: b.coin,
    bids: b.levels[0].map(level),
    asks: b.levels[1].map(level),
    nSigFigs: agg.nSigFigs ?? null,
    mantissa: agg.mantissa ?? null,
    exchTsMs: b.time,
    recvTsMs: ctx.recvTsMs,
  };
}

/** bbo data → BboEvent; a missing or null side is an empty side */
export function parseBbo(data: unknown, ctx: ParseContext): BboEvent {
  const b = validate(WsBbo, data, 'bbo');
  const [bid, ask] = b.bbo;
  return {
    type: 'bbo',
    v: 1,
    net: ctx.net,
    id: `bbo:${ctx.net}:${b.coin}:${b.time}`,
    coin: b.coin,
    bid: bid ? level(bid) : null,
    ask: ask ? level(ask) : null,
    exchTsMs: b.time,
    recvTsMs: ctx.recvTsMs,
  };
}

export function candleId(net: Net, c: WsCandle): string {
  return `candle:${net}:${c.s}:${c.i}:${c.t}:${c.n}:${pos(c.c, 'c')}:${pos(c.v, 'v')}`;
}

function candle(c: WsCandle, ctx: ParseContext): CandleEvent {
  return {
    type: 'candle',
    v: 1,
    net: ctx.net,
    id: candleId(ctx.net, c),
    coin: c.s,
    interval: c.i,
    openTsMs: c.t,
    closeTsMs: c.T,
    o: pos(c.o, 'o'),
    h: pos(c.h, 'h'),
    l: pos(c.l, 'l'),
    c: pos(c.c, 'c'),
    volume: pos(c.v, 'v'),
    n: c.n,
    // no event time on the wire: a closed (backfilled) candle is stamped with its close time, an
    // open one with the receive time
    exchTsMs: Math.min(c.T, recvMs(ctx)),
    recvTsMs: ctx.recvTsMs,
  };
}

/**
 * candle data in either venue form (one object, or `Candle[]`; string or numeric OHLCV) or the
 * `/info` candleSnapshot body → CandleEvent[]. OHLCV are normalized decimal strings.
 */
export function parseCandles(data: unknown, ctx: ParseContext): CandleEvent[] {
  const d = validate(WsCandleData, data, 'candle');
  return (Array.isArray(d) ? d : [d]).map((c) => candle(c, ctx));
}

/** candle data item by item when it is an array (one bad candle costs that candle), else as one */
export function parseCandleItems(data: unknown, ctx: ParseContext): ParsedItems<CandleEvent> {
  if (!Array.isArray(data)) return { events: parseCandles(data, ctx), rejected: [] };
  return items(WsCandle, data, 'candle', (c) => candle(c, ctx));
}

function optional<K extends string>(key: K, v: WireDecimal | null | undefined): { [P in K]?: string } {
  return (v === undefined || v === null ? {} : { [key]: pos(v, key) }) as { [P in K]?: string };
}

function ctxEvent(coin: string, ctx: ParseContext, body: AssetCtxEvent['ctx']): AssetCtxEvent {
  return {
    type: 'ctx',
    v: 1,
    net: ctx.net,
    id: `ctx:${ctx.net}:${coin}:${fnv1a64(JSON.stringify(body))}`,
    coin,
    ctx: body,
    exchTsMs: recvMs(ctx),
    recvTsMs: ctx.recvTsMs,
  };
}

/** activeAssetCtx data (perp) → AssetCtxEvent */
export function parseActiveAssetCtx(data: unknown, ctx: ParseContext): AssetCtxEvent {
  const { coin, ctx: c } = validate(WsActiveAssetCtx, data, 'activeAssetCtx');
  return ctxEvent(coin, ctx, {
    market: 'perp',
    markPx: pos(c.markPx, 'markPx'),
    midPx: c.midPx == null ? null : pos(c.midPx, 'midPx'),
    oraclePx: pos(c.oraclePx, 'oraclePx'),
    prevDayPx: pos(c.prevDayPx, 'prevDayPx'),
    funding: dec(c.funding, 'funding'),
    openInterest: pos(c.openInterest, 'openInterest'),
    premium: c.premium === null ? null : dec(c.premium, 'premium'),
    dayNtlVlm: pos(c.dayNtlVlm, 'dayNtlVlm'),
    ...optional('dayBaseVlm', c.dayBaseVlm),
    impactPxs: c.impactPxs == null ? null : c.impactPxs.map((p, i) => pos(p, `impactPxs.${i}`)),
  });
}

/** activeSpotAssetCtx data (venue: the spot answer to an activeAssetCtx subscription) → AssetCtxEvent */
export function parseActiveSpotAssetCtx(data: unknown, ctx: ParseContext): AssetCtxEvent {
  const { coin, ctx: c } = validate(WsActiveSpotAssetCtx, data, 'activeSpotAssetCtx');
  return ctxEvent(coin, ctx, {
    market: 'spot',
    markPx: pos(c.markPx, 'markPx'),
    midPx: c.midPx == null ? null : pos(c.midPx, 'midPx'),
    prevDayPx: pos(c.prevDayPx, 'prevDayPx'),
    dayNtlVlm: pos(c.dayNtlVlm, 'dayNtlVlm'),
    ...optional('dayBaseVlm', c.dayBaseVlm),
    ...optional('circulatingSupply', c.circulatingSupply),
    ...optional('totalSupply', c.totalSupply),
  });
}

/** allMids data (`{mids, dex?}`) → MidsEvent. For the `/info` body use {@link parseMidsRecord}. */
export function parseMids(data: unknown, ctx: ParseContext): MidsEvent {
  const m = validate(WsAllMids, data, 'allMids');
  return mids(m.mids, m.dex, ctx);
}

/** `/info` allMids body (a bare coin → mid record) → MidsEvent */
export function parseMidsRecord(data: unknown, ctx: ParseContext, dex?: string): MidsEvent {
  return mids(validate(WsAllMids.shape.mids, data, 'allMids'), dex, ctx);
}

function mids(
  raw: Readonly<Record<string, WireDecimal>>,
  dex: string | undefined,
  ctx: ParseContext,
): MidsEvent {
  const out: Record<string, string> = {};
  for (const coin of Object.keys(raw).sort()) out[coin] = pos(raw[coin] as WireDecimal, `mids.${coin}`);
  return {
    type: 'mids',
    v: 1,
    net: ctx.net,
    id: `mids:${ctx.net}:${dex ?? '_'}:${fnv1a64(JSON.stringify(out))}`,
    ...(dex === undefined ? {} : { dex }),
    mids: out,
    exchTsMs: recvMs(ctx),
    recvTsMs: ctx.recvTsMs,
  };
}

// --------------------------------------------------------------------------------------------
// Account data

export function fillId(net: Net, coin: string, time: number, tid: number, oid: number): string {
  return `fill:${net}:${coin}:${time}:${tid}:${oid}`;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CLOID = /^0x[0-9a-f]{32}$/;

/**
 * Fills of `user` (WS userFills/userEvents fills, `/info` userFills*) → FillRecorded[].
 * venue: a fill recorded before tid/feeToken existed cannot be identified and fails.
 */
export function parseFills(data: unknown, ctx: { readonly net: Net; readonly user: string }): FillRecorded[] {
  if (!ADDRESS.test(ctx.user))
    throw new WireError(`fills: user ${JSON.stringify(ctx.user)} is not a 0x address`);
  const user = ctx.user.toLowerCase();
  return validate(WsFill.array(), data, 'fills').map((f, i) => {
    if (f.tid === undefined || f.feeToken === undefined) {
      throw new WireError('invalid fills', [
        `${i}: fill of oid ${f.oid} at ${f.time} has no ${f.tid === undefined ? 'tid' : 'feeToken'}`,
      ]);
    }
    const cloid = f.cloid?.toLowerCase();
    if (cloid !== undefined && !CLOID.test(cloid)) {
      throw new WireError('invalid fills', [
        `${i}.cloid: ${JSON.stringify(f.cloid)} is not a 16-byte hex cloid`,
      ]);
    }
    return {
      type: 'fill',
      v: 1,
      net: ctx.net,
      id: fillId(ctx.net, f.coin, f.time, f.tid, f.oid),
      user,
      coin: f.coin,
      side: side(f.side),
      px: f.px,
      sz: f.sz,
      oid: f.oid,
      ...(cloid === undefined ? {} : { cloid }),
      tid: f.tid,
      hash: f.hash,
      fee: f.fee,
      feeToken: f.feeToken,
      closedPnl: f.closedPnl,
      startPosition: f.startPosition,
      dir: f.dir,
      crossed: f.crossed,
      exchTsMs: f.time,
    };
  });
}

export interface UserFillsUpdate {
  readonly user: string;
  /** venue: the first message after subscribing; it may repeat fills already seen (ids de-dup them) */
  readonly isSnapshot: boolean;
  readonly fills: FillRecorded[];
}

/** userFills data → fills of the user it names */
export function parseUserFills(data: unknown, ctx: { readonly net: Net }): UserFillsUpdate {
  const d = validate(WsUserFills, data, 'userFills');
  return {
    user: d.user.toLowerCase(),
    isSnapshot: d.isSnapshot === true,
    fills: parseFills(d.fills, { ...ctx, user: d.user }),
  };
}

export type UserEvent =
  | { readonly kind: 'fills'; readonly fills: FillRecorded[] }
  | { readonly kind: 'funding'; readonly funding: WsUserFunding }
  | { readonly kind: 'liquidation'; readonly liquidation: WsLiquidation }
  | { readonly kind: 'nonUserCancel'; readonly cancels: WsNonUserCancel[] }
  /** twapHistory, twapSliceFills and kinds the venue adds later, untyped */
  | { readonly kind: 'other'; readonly data: Readonly<Record<string, unknown>> };

/**
 * userEvents data (channel `user`). venue: it carries no user field, so the subscriber's address
 * comes in `ctx.user` (one userEvents subscription per socket).
 */
export function parseUserEvent(data: unknown, ctx: { readonly net: Net; readonly user?: string }): UserEvent {
  const d = validate(WsUserEvent, data, 'userEvents');
  if ('fills' in d && Array.isArray(d.fills)) {
    if (ctx.user === undefined)
      throw new WireError('userEvents fills: the subscriber address (ctx.user) is needed');
    return { kind: 'fills', fills: parseFills(d.fills, { net: ctx.net, user: ctx.user }) };
  }
  if ('funding' in d) return { kind: 'funding', funding: d.funding as WsUserFunding };
  if ('liquidation' in d) return { kind: 'liquidation', liquidation: d.liquidation as WsLiquidation };
  if ('nonUserCancel' in d) return { kind: 'nonUserCancel', cancels: d.nonUserCancel as WsNonUserCancel[] };
  return { kind: 'other', data: d };
}

export function parseOrderUpdates(data: unknown): WsOrderUpdate[] {
  return validate(WsOrderUpdate.array(), data, 'orderUpdates');
}

export function parseUserFundings(data: unknown): WsUserFundings {
  return validate(WsUserFundings, data, 'userFundings');
}

// --------------------------------------------------------------------------------------------
// Whole frames

export interface FrameContext extends ParseContext {
  /** address of this socket's orderUpdates/userEvents subscription (those frames name no user) */
  readonly user?: string;
  /** aggregation of this socket's l2Book subscription of `coin` (frames do not say it) */
  readonly bookAggregation?: (coin: string) => BookAggregation | undefined;
}

export type ParsedFrame =
  | { readonly kind: 'greeting'; readonly text: string }
  | { readonly kind: 'pong' }
  | {
      readonly kind: 'subscriptionResponse';
      readonly method: 'subscribe' | 'unsubscribe';
      readonly subscription: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'post'; readonly id: number; readonly response: PostResponse }
  | { readonly kind: 'trades'; readonly events: TradeEvent[] }
  | { readonly kind: 'book'; readonly event: BookEvent }
  | { readonly kind: 'bbo'; readonly event: BboEvent }
  | { readonly kind: 'candles'; readonly events: CandleEvent[] }
  | { readonly kind: 'mids'; readonly event: MidsEvent }
  | { readonly kind: 'ctx'; readonly event: AssetCtxEvent }
  | { readonly kind: 'orderUpdates'; readonly updates: WsOrderUpdate[] }
  | ({ readonly kind: 'userFills' } & UserFillsUpdate)
  | { readonly kind: 'userEvent'; readonly event: UserEvent }
  | { readonly kind: 'userFundings'; readonly update: WsUserFundings };

const KNOWN_CHANNELS: ReadonlySet<string> = new Set(WS_CHANNELS);

/**
 * Classifies one text frame and maps its data to contract events. venue: the server may first send
 * the non-JSON text `Websocket connection established.` (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket). Throws WireError on any other
 * non-JSON or malformed frame, UnknownChannelError on a channel this package does not handle.
 */
export function parseFrame(text: string, ctx: FrameContext): ParsedFrame {
  const outOfBounds = jsonBoundsProblem(text, WS_FRAME_LIMITS);
  if (outOfBounds !== undefined) throw new WireError('frame out of bounds', [outOfBounds]);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    if (text.trim().startsWith(GREETING_TEXT.slice(0, -1))) return { kind: 'greeting', text };
    throw new WireError('frame is not JSON', [text.slice(0, 200)], { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WireError('frame is not a JSON object', [text.slice(0, 200)]);
  }
  const channel = (raw as { channel?: unknown }).channel;
  if (typeof channel !== 'string') throw new WireError('frame has no channel', [text.slice(0, 200)]);
  if (!KNOWN_CHANNELS.has(channel)) throw new UnknownChannelError(channel);
  const data = (raw as { data?: unknown }).data;
  const c = channel as (typeof WS_CHANNELS)[number];
  switch (c) {
    case 'pong':
      validate(PongFrame, raw, 'pong frame');
      return { kind: 'pong' };
    case 'error':
      return { kind: 'error', message: validate(ErrorFrame, raw, 'error frame').data };
    case 'subscriptionResponse': {
      const f = validate(SubscriptionResponseFrame, raw, 'subscriptionResponse frame');
      return { kind: 'subscriptionResponse', method: f.data.method, subscription: f.data.subscription };
    }
    case 'post': {
      const f = validate(PostFrame, raw, 'post frame');
      return { kind: 'post', id: f.data.id, response: f.data.response };
    }
    case 'trades':
      return { kind: 'trades', events: parseTrades(data, ctx) };
    case 'l2Book': {
      const coin = (data as { coin?: unknown } | undefined)?.coin;
      const agg = typeof coin === 'string' ? ctx.bookAggregation?.(coin) : undefined;
      return { kind: 'book', event: parseBook(data, ctx, agg) };
    }
    case 'bbo':
      return { kind: 'bbo', event: parseBbo(data, ctx) };
    case 'candle':
      return { kind: 'candles', events: parseCandles(data, ctx) };
    case 'allMids':
      return { kind: 'mids', event: parseMids(data, ctx) };
    case 'activeAssetCtx':
      return { kind: 'ctx', event: parseActiveAssetCtx(data, ctx) };
    case 'activeSpotAssetCtx':
      return { kind: 'ctx', event: parseActiveSpotAssetCtx(data, ctx) };
    case 'orderUpdates':
      return { kind: 'orderUpdates', updates: parseOrderUpdates(data) };
    case 'userFills':
      return { kind: 'userFills', ...parseUserFills(data, ctx) };
    case 'user':
      return { kind: 'userEvent', event: parseUserEvent(data, ctx) };
    case 'userFundings':
      return { kind: 'userFundings', update: parseUserFundings(data) };
    default: {
      const never: never = c;
      throw new UnknownChannelError(String(never));
    }
  }
}
