import { ContractError, FillRecorded, MarketEvent, parse } from '@hyperflow/contracts';
import { loadFixture } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import {
  type FrameContext,
  fnv1a64,
  type ParsedFrame,
  parseBook,
  parseCandles,
  parseFills,
  parseFrame,
  parseMidsRecord,
  parseTrades,
  UnknownChannelError,
  WireError,
} from './parse.js';

const recorded = loadFixture<unknown[]>(new URL('./fixtures/recorded-frames.json', import.meta.url));
const doc = loadFixture<Record<string, unknown>>(new URL('./fixtures/doc-frames.json', import.meta.url));
const restFills = loadFixture<{ response: unknown[] }>(
  new URL('../http/fixtures/userFills.json', import.meta.url),
);
const restCandles = loadFixture<{ response: unknown[] }>(
  new URL('../http/fixtures/candleSnapshot.json', import.meta.url),
);
const restBook = loadFixture<{ response: unknown }>(new URL('../http/fixtures/l2Book.json', import.meta.url));
const restMids = loadFixture<{ response: unknown }>(
  new URL('../http/fixtures/allMids.json', import.meta.url),
);

const USER = '0x5e9ee1089755c3435139848e47e6635505d5a13a';
const ctx: FrameContext = { net: 'mainnet', recvTsMs: 1_750_948_920_000.25, user: USER };
const text = (f: unknown) => (typeof f === 'string' ? f : JSON.stringify(f));
const frame = (name: string, c: FrameContext = ctx) => parseFrame(text(doc[name]), c);

/** Every contract event a parsed frame carries. */
function eventsOf(p: ParsedFrame): unknown[] {
  switch (p.kind) {
    case 'trades':
    case 'candles':
      return p.events;
    case 'book':
    case 'bbo':
    case 'mids':
    case 'ctx':
      return [p.event];
    case 'userFills':
      return p.fills;
    case 'userEvent':
      return p.event.kind === 'fills' ? p.event.fills : [];
    default:
      return [];
  }
}

describe('parseFrame', () => {
  it('maps every recorded frame to events that satisfy the contracts', () => {
    let n = 0;
    for (const f of recorded) {
      const p = parseFrame(JSON.stringify(f), ctx);
      for (const e of eventsOf(p)) {
        parse(MarketEvent, e, 'market event');
        n += 1;
      }
    }
    expect(n).toBe(12);
  });

  it('maps every documented frame, market and account events satisfying the contracts', () => {
    const kinds = new Set<string>();
    for (const name of Object.keys(doc)) {
      const p = frame(name);
      kinds.add(p.kind);
      for (const e of eventsOf(p)) {
        if ((e as { type: string }).type === 'fill') parse(FillRecorded, e, 'fill');
        else parse(MarketEvent, e, 'market event');
      }
    }
    expect([...kinds].sort()).toEqual(
      [
        'greeting',
        'pong',
        'subscriptionResponse',
        'error',
        'post',
        'trades',
        'book',
        'bbo',
        'candles',
        'mids',
        'ctx',
        'orderUpdates',
        'userFills',
        'userEvent',
        'userFundings',
      ].sort(),
    );
  });

  it('classifies control frames', () => {
    expect(frame('greeting')).toEqual({ kind: 'greeting', text: 'Websocket connection established.' });
    expect(frame('pong')).toEqual({ kind: 'pong' });
    expect(frame('errorTooManyChannels')).toEqual({
      kind: 'error',
      message: 'Cannot subscribe to more than 1000 channels.',
    });
    expect(frame('unsubscribeAck')).toEqual({
      kind: 'subscriptionResponse',
      method: 'unsubscribe',
      subscription: { type: 'trades', coin: 'SOL' },
    });
    const info = frame('postInfo');
    expect(
      info.kind === 'post' && info.id === 123 && info.response.type === 'info' && info.response.payload.type,
    ).toBe('l2Book');
    const action = frame('postActionErr');
    expect(action.kind === 'post' && action.response.type === 'action' && action.response.payload).toEqual({
      status: 'err',
      response: 'Invalid nonce: duplicate nonce 1741107452532',
    });
    expect(frame('postError')).toEqual({
      kind: 'post',
      id: 7,
      response: { type: 'error', payload: '429 Too Many Requests' },
    });
  });

  it('maps trades: empty array, aggressor side, venue strings kept, ids from (coin, time, tid)', () => {
    expect(frame('tradesEmpty')).toEqual({ kind: 'trades', events: [] });
    const p = parseFrame(JSON.stringify(recorded[2]), ctx);
    if (p.kind !== 'trades') throw new Error(p.kind);
    expect(p.events).toHaveLength(3);
    expect(p.events[0]).toEqual({
      type: 'trade',
      v: 1,
      net: 'mainnet',
      id: 'trade:mainnet:BTC:1730160006192:1016375172059570',
      coin: 'BTC',
      side: 'buy',
      px: '69997.0',
      sz: '0.38111',
      tid: 1016375172059570,
      hash: '0x40d169aa50ad8a32b44a04156eee0201d8002e5c6456b7c1ae175e381f73f9dd',
      exchTsMs: 1730160006192,
      recvTsMs: ctx.recvTsMs,
    });
    // one hash, three tids: three distinct ids
    expect(new Set(p.events.map((e) => e.id)).size).toBe(3);
    const spot = frame('tradesWithUsers');
    expect(spot.kind === 'trades' && spot.events[0]?.side === 'sell' && spot.events[0].users?.[0]).toBe(
      '0x1111111111111111111111111111111111111111',
    );
  });

  it('maps books: [[],[]] is an empty book, the aggregation comes from the subscription', () => {
    const empty = parseFrame(JSON.stringify(recorded[4]), ctx);
    expect(empty.kind === 'book' && empty.event).toMatchObject({
      coin: 'SHIA',
      bids: [],
      asks: [],
      nSigFigs: null,
      mantissa: null,
    });
    const agg = frame('l2BookSpread', {
      ...ctx,
      bookAggregation: (coin) => (coin === 'BTC' ? { nSigFigs: 5, mantissa: 2 } : undefined),
    });
    expect(agg.kind === 'book' && agg.event).toMatchObject({
      id: 'book:mainnet:BTC:1750948919838:s5m2',
      nSigFigs: 5,
      mantissa: 2,
      bids: [{ px: '107575.0', sz: '3.87947', n: 17 }],
    });
    const full = frame('l2BookSpread');
    expect(full.kind === 'book' && full.event.id).toBe('book:mainnet:BTC:1750948919838:full');
    const fast = frame('l2BookSpread', { ...ctx, bookAggregation: () => ({ fast: true }) });
    expect(fast.kind === 'book' && fast.event.id).toBe('book:mainnet:BTC:1750948919838:full-fast');
  });

  it('maps bbo with a null or missing side', () => {
    const nullBid = frame('bboNullBid');
    expect(nullBid.kind === 'bbo' && nullBid.event).toMatchObject({ bid: null, ask: { px: '0.0031' } });
    const oneSide = parseFrame(JSON.stringify(recorded[9]), ctx);
    expect(oneSide.kind === 'bbo' && oneSide.event).toMatchObject({
      coin: 'BTC',
      bid: { px: '107575.0', n: 17 },
      ask: null,
    });
  });

  it('maps candles of both forms to the same event and id', () => {
    const obj = frame('candleObject');
    const arr = frame('candleArrayNumeric');
    if (obj.kind !== 'candles' || arr.kind !== 'candles') throw new Error('not candles');
    expect(arr.events).toEqual(obj.events);
    expect(obj.events[0]).toMatchObject({
      id: 'candle:mainnet:kPEPE:1h:1684702800000:802:0.001591:682593287',
      interval: '1h',
      openTsMs: 1684702800000,
      closeTsMs: 1684706399999,
      o: '0.001603',
      volume: '682593287',
      // a closed candle is stamped with its close time
      exchTsMs: 1684706399999,
    });
  });

  it('maps spot and perp contexts, numbers normalized like strings', () => {
    const spot = parseFrame(JSON.stringify(recorded[7]), ctx);
    expect(spot.kind === 'ctx' && spot.event.ctx).toEqual({
      market: 'spot',
      markPx: '0.00005299',
      midPx: '0.00005307',
      prevDayPx: '0.000031',
      dayNtlVlm: '24629.86429498',
      circulatingSupply: '6879553815.3455801',
    });
    const perp = frame('activeAssetCtxNumeric');
    expect(perp.kind === 'ctx' && perp.event).toMatchObject({
      coin: 'BTC',
      exchTsMs: 1_750_948_920_000,
      ctx: {
        market: 'perp',
        funding: '0.0000125',
        openInterest: '12345.67',
        prevDayPx: '107000',
        premium: null,
        midPx: null,
      },
    });
    const asStrings = JSON.parse(JSON.stringify(doc.activeAssetCtxNumeric), (_k, v) =>
      typeof v === 'number' ? String(v) : v,
    );
    asStrings.data.ctx.funding = '0.0000125';
    const same = parseFrame(JSON.stringify(asStrings), ctx);
    expect(same.kind === 'ctx' && perp.kind === 'ctx' && same.event.id === perp.event.id).toBe(true);
  });

  it('maps allMids with and without dex', () => {
    const m = frame('allMids');
    expect(m.kind === 'mids' && m.event).toMatchObject({
      mids: { BTC: '30135', '@107': '38.5', 'PURR/USDC': '0.18' },
    });
    const d = frame('allMidsDex');
    expect(d.kind === 'mids' && d.event.dex).toBe('xyz');
    expect(m.kind === 'mids' && d.kind === 'mids' && m.event.id !== d.event.id).toBe(true);
  });

  it('maps userFills snapshot and delta; the fill in both has one id', () => {
    const snap = frame('userFillsSnapshot');
    const delta = frame('userFillsDelta');
    if (snap.kind !== 'userFills' || delta.kind !== 'userFills') throw new Error('not fills');
    expect(snap.isSnapshot).toBe(true);
    expect(delta.isSnapshot).toBe(false);
    expect(snap.fills[1]?.id).toBe(delta.fills[0]?.id);
    expect(delta.fills[0]).toMatchObject({
      id: 'fill:mainnet:BTC:1730160007572:696560709859024:62269971',
      user: USER,
      side: 'buy',
      fee: '-0.000499',
      crossed: false,
      cloid: '0x1234567890abcdef1234567890abcdef',
    });
  });

  it('maps userEvents (channel user) variants; fills need the subscriber address', () => {
    const fills = frame('userEventFills');
    expect(fills.kind === 'userEvent' && fills.event.kind === 'fills' && fills.event.fills[0]?.user).toBe(
      USER,
    );
    expect(() => frame('userEventFills', { net: 'mainnet', recvTsMs: 1 })).toThrow(/ctx\.user/);
    const kinds = [
      'userEventFunding',
      'userEventLiquidation',
      'userEventNonUserCancel',
      'userEventTwapHistory',
    ].map((n) => {
      const p = frame(n);
      return p.kind === 'userEvent' ? p.event.kind : p.kind;
    });
    expect(kinds).toEqual(['funding', 'liquidation', 'nonUserCancel', 'other']);
  });

  it('passes orderUpdates and userFundings through typed', () => {
    const o = frame('orderUpdates');
    expect(o.kind === 'orderUpdates' && o.updates.map((u) => u.status)).toEqual(['open', 'filled']);
    const f = frame('userFundings');
    expect(f.kind === 'userFundings' && f.update.isSnapshot && f.update.fundings[0]?.nSamples).toBe(24);
  });

  it('fails fast with readable errors', () => {
    expect(() => parseFrame('Internal Server Error', ctx)).toThrow(WireError);
    expect(() => parseFrame('[1,2]', ctx)).toThrow(/not a JSON object/);
    expect(() => parseFrame('{"data":1}', ctx)).toThrow(/no channel/);
    const unknown = (() => {
      try {
        parseFrame('{"channel":"webData3","data":{}}', ctx);
      } catch (err) {
        return err;
      }
    })();
    expect(unknown).toBeInstanceOf(UnknownChannelError);
    expect((unknown as UnknownChannelError).channel).toBe('webData3');
    expect((unknown as Error).message).toBe('unknown channel "webData3"');
    const corrupt = (() => {
      try {
        parseFrame(
          '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"1","sz":"1","hash":"h","time":1}]}',
          ctx,
        );
      } catch (err) {
        return err as WireError;
      }
    })();
    expect(corrupt?.message).toBe(
      'invalid trades: 0.tid: Invalid input: expected number, received undefined',
    );
    expect(corrupt?.cause).toBeDefined();
    expect(() =>
      parseFrame(
        '{"channel":"candle","data":{"t":1,"T":2,"s":"BTC","i":"1h","o":"-1","c":"1","h":"1","l":"1","v":"1","n":1}}',
        ctx,
      ),
    ).toThrow(/negative/);
  });
});

describe('ids are the same for the same venue event whatever the path', () => {
  it('trades: resubscribe snapshot, live frame, REST recentTrades and another replica agree', () => {
    const live = parseTrades((recorded[2] as { data: unknown }).data, { net: 'mainnet', recvTsMs: 1 });
    const replica = parseTrades((recorded[2] as { data: unknown }).data, { net: 'mainnet', recvTsMs: 99.5 });
    const rest = parseTrades(
      loadFixture<{ response: unknown }>(new URL('../http/fixtures/doc-recentTrades.json', import.meta.url))
        .response,
      { net: 'mainnet', recvTsMs: 5 },
    );
    expect(replica.map((e) => e.id)).toEqual(live.map((e) => e.id));
    expect(rest.map((e) => e.id)).toEqual(expect.arrayContaining(live.map((e) => e.id)));
    // another network never collides
    expect(parseTrades((recorded[2] as { data: unknown }).data, { net: 'sim', recvTsMs: 1 })[0]?.id).not.toBe(
      live[0]?.id,
    );
  });

  it('candles: a REST snapshot candle and the WS candle of the same state agree', () => {
    const rest = parseCandles(restCandles.response, { net: 'mainnet', recvTsMs: 1 });
    const ws = frame('candleObject');
    expect(ws.kind === 'candles' && rest.find((c) => c.openTsMs === 1684702800000)?.id).toBe(
      ws.kind === 'candles' ? ws.events[0]?.id : undefined,
    );
    for (const c of rest) parse(MarketEvent, c);
    // an update of the same open candle (one more trade) is a new event
    const next = parseCandles(
      { ...(doc.candleObject as { data: object }).data, n: 803, v: '682593300.0' },
      ctx,
    );
    expect(next[0]?.id).not.toBe(ws.kind === 'candles' ? ws.events[0]?.id : undefined);
  });

  it('books: the REST body and a WS post/info answer of the same snapshot agree', () => {
    const rest = parseBook(restBook.response, { net: 'mainnet', recvTsMs: 1 });
    const viaWs = parseBook(restBook.response, { net: 'mainnet', recvTsMs: 2 });
    expect(rest.id).toBe('book:mainnet:DYDX:1689630203930:full');
    expect(viaWs.id).toBe(rest.id);
    expect(rest.bids).toHaveLength(20);
    parse(MarketEvent, rest);
  });

  it('mids: the REST record and the WS frame of the same state agree', () => {
    const rest = parseMidsRecord(restMids.response, { net: 'mainnet', recvTsMs: 1 });
    const ws = parseFrame(JSON.stringify({ channel: 'allMids', data: { mids: restMids.response } }), ctx);
    expect(ws.kind === 'mids' && ws.event.id).toBe(rest.id);
    parse(MarketEvent, rest);
  });

  it('fills: the WS fill and the REST fill agree; content hash is stable', () => {
    const ws = frame('userEventFills');
    const snap = frame('userFillsSnapshot');
    expect(ws.kind === 'userEvent' && ws.event.kind === 'fills' && ws.event.fills[0]?.id).toBe(
      snap.kind === 'userFills' ? snap.fills[0]?.id : undefined,
    );
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
  });
});

describe('parseFills', () => {
  it('accepts pre-2024 REST fills on the wire but refuses to invent a tid for FillRecorded', () => {
    expect(() => parseFills(restFills.response, { net: 'mainnet', user: USER })).toThrow(
      /invalid fills: 0: fill of oid 189324432 at 1683245884863 has no tid/,
    );
  });

  it('produces contract-valid fills and rejects a bad user address', () => {
    const fills = (doc.userFillsSnapshot as { data: { fills: unknown[] } }).data.fills;
    for (const f of parseFills(fills, { net: 'testnet', user: USER.toUpperCase().replace('0X', '0x') })) {
      expect(parse(FillRecorded, f).user).toBe(USER);
    }
    expect(() => parseFills(fills, { net: 'testnet', user: 'bob' })).toThrow(WireError);
  });

  it('output that breaks a contract is caught by contracts.parse', () => {
    const [f] = parseFills((doc.userEventFills as { data: { fills: unknown[] } }).data.fills, {
      net: 'mainnet',
      user: USER,
    });
    expect(() => parse(FillRecorded, { ...f, user: 'x' })).toThrow(ContractError);
  });
});
