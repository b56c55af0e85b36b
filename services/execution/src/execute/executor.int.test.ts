import { ConcurrencyError, createEventStore, provision } from '@hyperflow/bus';
import { OrderEvent, subjects } from '@hyperflow/contracts';
import type { AssetInfo } from '@hyperflow/hyperliquid';
import { type NatsHandle, startNats } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRoundTrips } from '../bus/append-strategy.js';
import { RiskBook } from '../risk/book.js';
import { ETH, FakeExchange, FakeSigner, LIMITS, sha256Hex, signal, T0 } from '../test-support/fakes.js';
import { Executor } from './executor.js';

const ROOT = 'exint';

describe.each([
  ['sequential', 'EXINT_'],
  ['atomic', 'EXINTA_'],
] as const)(
  'executor on a real event store (%s appends): the optimistic first delivery',
  (strategy, prefix) => {
    let nats: NatsHandle;
    let nc: NatsConnection;
    let stream: string;
    beforeAll(async () => {
      nats = await startNats();
      nc = await connect({ servers: nats.url });
      const r = await provision(nc, { root: ROOT, namePrefix: prefix });
      stream = r.streams.EXECUTION.name;
    });
    afterAll(async () => {
      await nc?.close();
      await nats?.stop();
    });

    async function executor() {
      const store = await createEventStore({ nc, stream, schema: OrderEvent, strategy });
      const exchange = new FakeExchange();
      const signer = new FakeSigner();
      const risk = new RiskBook(LIMITS);
      risk.apply({ type: 'midsObserved', mids: { ETH: '3000' }, atMs: T0 });
      const ex = new Executor({
        net: 'sim',
        subjects: subjects('sim', ROOT),
        store,
        signer,
        exchange,
        assets: (coin) => (coin === 'ETH' ? (ETH as unknown as AssetInfo) : undefined),
        risk,
        clock: () => T0 + 100,
        sha256Hex,
        marketSlippageBps: 50,
        maxExpiresAfterMs: 30_000,
        isConcurrencyError: (err) => err instanceof ConcurrencyError,
        appendRoundTrips: appendRoundTrips(strategy),
      });
      return { ex, store, exchange, signer };
    }

    it('a signal seen as a first delivery again after its order exists: no second signature, no second send', async () => {
      const { ex, store, exchange, signer } = await executor();
      const first = await ex.handleSignal(signal({ id: 'trend:ETH:int-1' }), { firstDelivery: true });
      expect(first.outcome).toBe('recorded');
      expect(exchange.sent).toHaveLength(1);
      // one append of the four events before the send: one round trip atomic, four sequential
      expect(ex.stepStats()).toMatchObject({ steps: 1, reads: 0, roundTrips: strategy === 'atomic' ? 1 : 4 });
      // the server de-duplicates the msgIds before it checks the expected sequence: a second
      // optimistic append of the same events would "succeed" as duplicates and sign and send again,
      // unless duplicates count as a conflict (then it reads the subject and finds the order)
      const again = await ex.handleSignal(signal({ id: 'trend:ETH:int-1' }), { firstDelivery: true });
      const redelivered = await ex.handleSignal(signal({ id: 'trend:ETH:int-1' }));
      expect([again.outcome, redelivered.outcome]).toEqual(['duplicate', 'duplicate']);
      expect(signer.signed).toBe(1);
      expect(exchange.sent).toHaveLength(1);
      const read = await store.read(subjects('sim', ROOT).order(first.orderId));
      expect(read.events.map((e) => e.event.type)).toEqual([
        'orderRequested',
        'orderRiskChecked',
        'orderSigned',
        'orderSubmitted',
        'orderResting',
      ]);
    });

    // both would send before duplicate acks counted as conflicts: the loser's append of the same
    // step id came back as a "duplicate" success, for the read-first path as much as the optimistic one
    it.each([
      ['an optimistic first delivery', true, 'int-2'],
      ['the read-first path', false, 'int-3'],
    ] as const)(
      'two replicas handle the same signal at once (%s): one order, one send',
      async (_, firstDelivery, tag) => {
        const a = await executor();
        const b = await executor();
        const shared = new FakeExchange();
        // both executors send to the same venue double
        a.exchange.send = (r) => shared.send(r);
        b.exchange.send = (r) => shared.send(r);
        const [ra, rb] = await Promise.all([
          a.ex.handleSignal(signal({ id: `trend:ETH:${tag}` }), { firstDelivery }),
          b.ex.handleSignal(signal({ id: `trend:ETH:${tag}` }), { firstDelivery }),
        ]);
        expect([ra.outcome, rb.outcome]).toContain('recorded');
        expect(shared.sent).toHaveLength(1);
        const read = await a.store.read(subjects('sim', ROOT).order(ra.orderId));
        const types = read.events.map((e) => e.event.type);
        expect(types.filter((t) => t === 'orderRequested')).toHaveLength(1);
        expect(types.filter((t) => t === 'orderSubmitted')).toHaveLength(1);
      },
    );
  },
);
