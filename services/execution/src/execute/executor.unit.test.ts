import { OrderEvent, parse, subjects } from '@hyperflow/contracts';
import type { AssetInfo } from '@hyperflow/hyperliquid';
import { describe, expect, it } from 'vitest';
import { decide, initialOrderState } from '../order/decider.js';
import { RiskBook } from '../risk/book.js';
import type { ModeChange } from '../risk/engine.js';
import {
  ETH,
  FakeConcurrencyError,
  FakeExchange,
  FakeSigner,
  LIMITS,
  MemoryStore,
  sha256Hex,
  signal,
  T0,
} from '../test-support/fakes.js';
import { Executor } from './executor.js';

function setup(
  opts: {
    dryRun?: boolean;
    store?: MemoryStore;
    exchange?: FakeExchange;
    now?: () => number;
    appendRoundTrips?: (events: number) => number;
  } = {},
) {
  const store = opts.store ?? new MemoryStore();
  const exchange = opts.exchange ?? new FakeExchange();
  const signer = new FakeSigner();
  const risk = new RiskBook(LIMITS);
  risk.apply({ type: 'midsObserved', mids: { ETH: '3000' }, atMs: T0 });
  const changes: ModeChange[] = [];
  const ex = new Executor({
    net: 'sim',
    subjects: subjects('sim', 'unit'),
    store,
    signer,
    exchange: opts.dryRun ? undefined : exchange,
    assets: (coin) => (coin === 'ETH' ? (ETH as unknown as AssetInfo) : undefined),
    risk,
    clock: opts.now ?? (() => T0 + 100),
    sha256Hex,
    marketSlippageBps: 50,
    maxExpiresAfterMs: 30_000,
    isConcurrencyError: (err) => err instanceof FakeConcurrencyError,
    onModeChange: (c) => changes.push(c),
    ...(opts.appendRoundTrips ? { appendRoundTrips: opts.appendRoundTrips } : {}),
  });
  return { ex, store, exchange, signer, risk, changes };
}
const types = (store: MemoryStore) => store.events().map((e) => e.type);

describe('executor', () => {
  it('a signal becomes requested → riskChecked → signed → submitted → resting, every event on the contract', async () => {
    const { ex, store, exchange } = setup();
    const r = await ex.handleSignal(signal());
    expect(r).toMatchObject({ outcome: 'recorded', status: 'resting' });
    expect(types(store)).toEqual([
      'orderRequested',
      'orderRiskChecked',
      'orderSigned',
      'orderSubmitted',
      'orderResting',
    ]);
    for (const e of store.events()) parse(OrderEvent, e);
    // exactly the signed request went out
    const signed = store.events().find((e) => e.type === 'orderSigned');
    expect(exchange.sent).toEqual([signed?.type === 'orderSigned' ? signed.request : undefined]);
    expect(store.subjects.has(subjects('sim', 'unit').order(r.orderId))).toBe(true);
  });

  it('the same signal delivered three times → one order, one send', async () => {
    const { ex, store, exchange, signer } = setup();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await ex.handleSignal(signal()));
    expect(results.map((r) => r.outcome)).toEqual(['recorded', 'duplicate', 'duplicate']);
    expect(exchange.sent).toHaveLength(1);
    expect(signer.signed).toBe(1);
    expect(types(store)).toHaveLength(5);
  });

  it('first delivery skips the read; redeliveries after the optimistic append still yield one order', async () => {
    const { ex, store, exchange, signer } = setup();
    const first = await ex.handleSignal(signal(), { firstDelivery: true });
    expect(first.outcome).toBe('recorded');
    expect(store.reads).toBe(0);
    expect(types(store)).toEqual([
      'orderRequested',
      'orderRiskChecked',
      'orderSigned',
      'orderSubmitted',
      'orderResting',
    ]);
    // a redelivery, and the same signal seen as a first delivery again (a replay, a second consumer):
    // the live order's state is in memory: neither reads the subject nor tries the optimistic append
    const again = await ex.handleSignal(signal());
    const replayed = await ex.handleSignal(signal(), { firstDelivery: true });
    expect([again.outcome, replayed.outcome]).toEqual(['duplicate', 'duplicate']);
    expect(store.reads).toBe(0);
    // another executor (a restart: nothing in memory) reads it once and finds it taken
    const restarted = setup({ store, exchange });
    expect((await restarted.ex.handleSignal(signal(), { firstDelivery: true })).outcome).toBe('duplicate');
    expect(store.reads).toBe(1);
    expect(exchange.sent).toHaveLength(1);
    expect(signer.signed).toBe(1);
    expect(types(store)).toHaveLength(5);
  });

  it('two writers, both optimistic on a first delivery: one order, one send', async () => {
    const store = new MemoryStore();
    const exchange = new FakeExchange();
    const a = setup({ store, exchange });
    const b = setup({ store, exchange });
    const [ra, rb] = await Promise.all([
      a.ex.handleSignal(signal(), { firstDelivery: true }),
      b.ex.handleSignal(signal(), { firstDelivery: true }),
    ]);
    // the winner appends everything up to the send in one call; the refused one reads and finds the
    // order taken (a duplicate), or loses the race for the next step
    expect([ra.outcome, rb.outcome].filter((o) => o === 'recorded')).toHaveLength(1);
    expect(exchange.sent).toHaveLength(1);
    expect(types(store).filter((t) => t === 'orderRequested')).toHaveLength(1);
    expect(types(store).filter((t) => t === 'orderSubmitted')).toHaveLength(1);
  });

  it('two writers on one order: the second append is refused and only one sends', async () => {
    const store = new MemoryStore();
    const exchange = new FakeExchange();
    const a = setup({ store, exchange });
    const b = setup({ store, exchange });
    const [ra, rb] = await Promise.all([a.ex.handleSignal(signal()), b.ex.handleSignal(signal())]);
    expect([ra.outcome, rb.outcome].sort()).toEqual(['lostRace', 'recorded']);
    expect(exchange.sent).toHaveLength(1);
    expect(types(store).filter((t) => t === 'orderRequested')).toHaveLength(1);
  });

  it('an expired signal is recorded as expired: never signed, never sent', async () => {
    const { ex, store, exchange, signer } = setup({ now: () => T0 + 10_001 });
    await ex.handleSignal(signal());
    expect(types(store)).toEqual(['orderRequested', 'orderExpired']);
    expect(signer.signed).toBe(0);
    expect(exchange.sent).toEqual([]);
  });

  it('a risk breach becomes riskRejected with the rule; nothing is signed', async () => {
    const { ex, store, signer } = setup();
    await ex.handleSignal(signal({ size: '1' }));
    expect(store.events().at(-1)).toMatchObject({ type: 'riskRejected', rule: 'maxOrderNotional' });
    expect(signer.signed).toBe(0);
  });

  it('an unknown coin and a size below the lot are refused as venue rules', async () => {
    const { ex, store } = setup();
    await ex.handleSignal(signal({ id: 'a', coin: 'NOPE' }));
    await ex.handleSignal(signal({ id: 'b', size: '0.00001' }));
    expect(store.events().filter((e) => e.type === 'riskRejected')).toMatchObject([
      { rule: 'unknownAsset' },
      { rule: 'lotSize' },
    ]);
  });

  it('a market order goes as an IOC limit inside the band, rounded to the tick', async () => {
    const { ex, store } = setup();
    await ex.handleSignal(signal({ style: 'market', limitPx: undefined }));
    expect(store.events().find((e) => e.type === 'orderSigned')).toMatchObject({ tif: 'Ioc', px: '3015' });
  });

  it('dry-run signs and records, never sends', async () => {
    const { ex, store, exchange, signer } = setup({ dryRun: true });
    await ex.handleSignal(signal());
    expect(types(store)).toEqual(['orderRequested', 'orderRiskChecked', 'orderSigned', 'orderSubmitted']);
    expect(store.events().at(-1)).toMatchObject({ via: 'dryRun' });
    expect(signer.signed).toBe(1);
    expect(exchange.sent).toEqual([]);
  });

  it('a timeout leaves the outcome unknown; resume resends the identical request, then asks orderStatus', async () => {
    const exchange = new FakeExchange();
    exchange.next = [
      { kind: 'answer', answer: { kind: 'unknown', reason: 'timeout: no answer' } },
      { kind: 'duplicate' },
    ];
    exchange.resolution = { kind: 'found', status: 'open', oid: 77 };
    const { ex, store, signer } = setup({ exchange });
    const first = await ex.handleSignal(signal());
    expect(first.status).toBe('unknown');
    const second = await ex.resume(first.orderId);
    expect(second.status).toBe('resting');
    expect(exchange.resent).toEqual(exchange.sent); // byte-identical, same nonce
    expect(signer.signed).toBe(1); // never re-signed
    expect(exchange.statusAsked).toEqual([first.orderId]);
    expect(types(store).slice(3)).toEqual([
      'orderSubmitted',
      'orderOutcomeUnknown',
      'orderSubmitted',
      'orderReconciled',
      'orderResting',
    ]);
  });

  it('a crash after orderSubmitted (sent, answer never recorded) resumes to exactly one order', async () => {
    const store = new MemoryStore();
    const crashed = new FakeExchange();
    const a = setup({ store, exchange: crashed });
    // the process dies inside send: the request left, nothing came back
    crashed.send = async (request) => {
      crashed.sent.push(request);
      throw new Error('process killed');
    };
    await expect(a.ex.handleSignal(signal())).rejects.toThrow('process killed');
    expect(types(store).at(-1)).toBe('orderSubmitted');
    // restart: a new process, the venue has the order filled
    const venue = new FakeExchange();
    venue.next = [{ kind: 'duplicate' }];
    venue.resolution = { kind: 'found', status: 'filled', oid: 5 };
    const b = setup({ store, exchange: venue });
    const r = await b.ex.handleSignal(signal()); // the redelivered signal
    expect(r).toMatchObject({ outcome: 'duplicate', status: 'filled' });
    expect(venue.sent).toEqual([]);
    expect(venue.resent).toEqual(crashed.sent);
    expect(b.signer.signed).toBe(0);
  });

  it('a crash between orderRequested and its risk check: resume checks, signs and sends it once', async () => {
    const { ex, store, exchange } = setup();
    const orderId = ex.orderIdFor(signal());
    const requested = decide(
      {
        type: 'request',
        net: 'sim',
        orderId,
        signalId: signal().id,
        strategy: 'trend',
        intent: { coin: 'ETH', side: 'buy', sz: '0.1', style: 'limit', limitPx: '3000', reduceOnly: false },
        expiresAtMs: T0 + 10_000,
        refusal: undefined,
        checks: [],
        nowMs: T0,
      },
      initialOrderState(),
    ).slice(0, 1); // only the first of the two appends landed
    await store.append(subjects('sim', 'unit').order(orderId), requested, { expectedLastSubjectSeq: 0 });
    expect(await ex.resume(orderId)).toMatchObject({ status: 'resting' });
    expect(types(store)).toEqual([
      'orderRequested',
      'orderRiskChecked',
      'orderSigned',
      'orderSubmitted',
      'orderResting',
    ]);
    expect(exchange.sent).toHaveLength(1);
  });

  it('a resend refused as expired asks orderStatus; an unknown cloid that can no longer land expires', async () => {
    const exchange = new FakeExchange();
    exchange.next = [
      { kind: 'answer', answer: { kind: 'unknown', reason: 'timeout' } },
      { kind: 'answer', answer: { kind: 'expired', reason: 'expiresAfter' } },
    ];
    exchange.resolution = { kind: 'unknown', final: true };
    const { ex, store } = setup({ exchange });
    const first = await ex.handleSignal(signal());
    const r = await ex.resume(first.orderId);
    expect(r.status).toBe('expired');
    expect(types(store).slice(-2)).toEqual(['orderReconciled', 'orderExpired']);
  });

  it('a resend refused for its used nonce asks orderStatus: an earlier copy that filled is recorded, not rejected', async () => {
    const exchange = new FakeExchange();
    exchange.next = [
      { kind: 'answer', answer: { kind: 'unknown', reason: 'HTTP 502 after send' } },
      { kind: 'answer', answer: { kind: 'rejected', error: 'Invalid nonce: nonce too low 1 < 2' } },
    ];
    exchange.resolution = { kind: 'found', status: 'filled', oid: 77 };
    const { ex, store } = setup({ exchange });
    const first = await ex.handleSignal(signal());
    await ex.resume(first.orderId);
    expect(types(store)).not.toContain('orderRejected');
    expect(store.events().at(-1)).toMatchObject({ type: 'orderReconciled', venueStatus: 'filled' });
  });

  it('three venue rejects in a row halt trading; the fourth signal is refused by the mode rule', async () => {
    const exchange = new FakeExchange();
    exchange.fallback = {
      kind: 'answer',
      answer: { kind: 'rejected', error: 'Insufficient margin to place order.' },
    };
    const { ex, store, changes } = setup({ exchange });
    for (const id of ['1', '2', '3', '4']) await ex.handleSignal(signal({ id }));
    expect(changes).toMatchObject([{ state: 'HALTED', previous: 'ACTIVE' }]);
    expect(store.events().at(-1)).toMatchObject({ type: 'riskRejected', rule: 'mode' });
    expect(exchange.sent).toHaveLength(3);
  });
});

describe('executor: one durable round trip per order step, state from memory', () => {
  it('a first delivery appends request, risk check, signature and submission in ONE call before the send', async () => {
    const { ex, store, exchange } = setup();
    store.sentSoFar = () => exchange.sent.length;
    await ex.handleSignal(signal(), { firstDelivery: true });
    // the step before the send: one append of four events, no send yet; the answer after it
    expect(store.appends).toEqual([
      { events: 4, sentBefore: 0 },
      { events: 1, sentBefore: 1 },
    ]);
    expect(ex.stepStats()).toEqual({ steps: 1, roundTrips: 1, maxRoundTrips: 1, reads: 0 });
  });

  it('counts the round trips a step waits for: a read on a redelivery, one per event when sequential', async () => {
    const { ex } = setup({ appendRoundTrips: (n) => n });
    await ex.handleSignal(signal());
    // not a first delivery: one read of the empty subject, then the sequential append of 4 events
    expect(ex.stepStats()).toEqual({ steps: 1, roundTrips: 5, maxRoundTrips: 5, reads: 1 });
    await ex.handleSignal(signal({ id: 'trend:ETH:2' }), { firstDelivery: true });
    expect(ex.stepStats()).toEqual({ steps: 2, roundTrips: 9, maxRoundTrips: 5, reads: 1 });
  });

  it('a live order is kept in memory: later steps do not read its subject; a settled one is forgotten', async () => {
    const { ex, store } = setup();
    const r = await ex.handleSignal(signal(), { firstDelivery: true });
    expect(ex.liveOrders).toBe(1);
    await ex.recordFill(r.orderId, { oid: 1, tid: 7, sz: '0.04', px: '3000' });
    await ex.reconcile(r.orderId);
    expect(store.reads).toBe(0);
    expect((await ex.recordFill(r.orderId, { oid: 1, tid: 8, sz: '0.06', px: '3000' })).status).toBe(
      'filled',
    );
    expect(ex.liveOrders).toBe(0);
  });

  it('a state made stale by another writer is reloaded on the refused append, and the step is taken once', async () => {
    const store = new MemoryStore();
    const exchange = new FakeExchange();
    const a = setup({ store, exchange });
    const r = await a.ex.handleSignal(signal(), { firstDelivery: true });
    // another process (a successor replica) records a fill: a's remembered sequence is stale
    const b = setup({ store, exchange });
    await b.ex.recordFill(r.orderId, { oid: 1, tid: 7, sz: '0.04', px: '3000' });
    const readsBefore = store.reads;
    const again = await a.ex.recordFill(r.orderId, { oid: 1, tid: 9, sz: '0.06', px: '3000' });
    expect(again).toMatchObject({ outcome: 'recorded', status: 'filled' });
    expect(store.reads).toBe(readsBefore + 1);
    expect(types(store).filter((t) => t === 'orderFilled')).toHaveLength(2);
  });

  it('an append that landed but lost its answer: the retried signal resends the same bytes, never re-signs', async () => {
    const { ex, store, exchange, signer } = setup();
    store.loseNextAnswer = true;
    await expect(ex.handleSignal(signal(), { firstDelivery: true })).rejects.toThrow('no answer');
    // nothing was sent: the send waits for the append's answer
    expect(exchange.sent).toEqual([]);
    expect(ex.liveOrders).toBe(0);
    // the consumer redelivers: the record says submitted without an answer, so the identical
    // signed request goes out once (the venue de-duplicates by cloid), never a new signature
    const retried = await ex.handleSignal(signal());
    expect(retried).toMatchObject({ outcome: 'duplicate', status: 'resting' });
    const signed = store.events().find((e) => e.type === 'orderSigned');
    expect(exchange.resent).toEqual([signed?.type === 'orderSigned' ? signed.request : undefined]);
    expect(exchange.sent).toEqual([]);
    expect(signer.signed).toBe(1);
  });

  it('duplicated and reordered signals, concurrently: one venue order per signal, never a second', async () => {
    const { ex, store, exchange, signer } = setup();
    const a = signal({ id: 'trend:ETH:a' });
    const b = signal({ id: 'trend:ETH:b' });
    // b before a, each several times, first deliveries and redeliveries interleaved
    const deliveries: [ReturnType<typeof signal>, boolean][] = [
      [b, true],
      [a, false],
      [b, true],
      [a, true],
      [b, false],
      [a, true],
    ];
    const results = await Promise.all(
      deliveries.map(([s, first]) => ex.handleSignal(s, { firstDelivery: first })),
    );
    expect(results.filter((r) => r.outcome === 'recorded')).toHaveLength(2);
    expect(exchange.sent).toHaveLength(2);
    expect(signer.signed).toBe(2);
    const cloids = exchange.sent.map((q) => JSON.stringify((q.action as { orders: unknown[] }).orders[0]));
    expect(new Set(cloids).size).toBe(2);
    expect(types(store).filter((t) => t === 'orderSubmitted')).toHaveLength(2);
  });
});
