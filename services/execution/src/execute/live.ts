// The executor on the live adapters: the order event store, the signer, /exchange through the
// submission queue, the asset registry and the risk book; every appended batch feeds the order
// metrics and the set of orders waiting for their outcome.
import { createHash } from 'node:crypto';
import { ConcurrencyError } from '@hyperflow/bus';
import type { Net, Subjects } from '@hyperflow/contracts';
import type { AssetRegistry } from '@hyperflow/hyperliquid';
import type { ExchangeSigner } from '@hyperflow/signing';
import type { ExecutionConfig } from '../config.js';
import type { OrderMetrics } from '../metrics/order-metrics.js';
import { needsResolution } from '../order/decider.js';
import type { Clock, Logger } from '../ports.js';
import type { RiskBook } from '../risk/book.js';
import type { ModeChange } from '../risk/engine.js';
import type { ExchangePort } from '../submit/ports.js';
import { venueOrderSigner } from '../submit/signer.js';
import { Executor, type OrderStore } from './executor.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export function liveExecutor(o: {
  readonly config: ExecutionConfig;
  readonly net: Net;
  readonly subjects: Subjects;
  readonly store: OrderStore;
  readonly signing: ExchangeSigner;
  readonly exchange: ExchangePort | undefined;
  readonly registry: AssetRegistry;
  readonly risk: RiskBook;
  readonly clock: Clock;
  readonly log: Logger;
  readonly orderMetrics: OrderMetrics;
  /** orders waiting for their outcome: every batch that leaves one open adds it */
  readonly pending: Set<string>;
  onModeChange(change: ModeChange): void;
  /** awaited JetStream round trips of one append of `events` events (the store's strategy) */
  readonly appendRoundTrips?: (events: number) => number;
}): Executor {
  const { log } = o;
  return new Executor({
    net: o.net,
    subjects: o.subjects,
    store: o.store,
    signer: venueOrderSigner(o.signing),
    exchange: o.exchange,
    assets: (coin) => o.registry.find(coin),
    risk: o.risk,
    clock: () => o.clock.now(),
    sha256Hex,
    marketSlippageBps: o.config.MARKET_SLIPPAGE_BPS,
    maxExpiresAfterMs: o.config.EXPIRES_AFTER_MS,
    isConcurrencyError: (err) => err instanceof ConcurrencyError,
    ...(o.appendRoundTrips === undefined ? {} : { appendRoundTrips: o.appendRoundTrips }),
    onEvents: (events, state) => {
      o.orderMetrics.record(events);
      for (const e of events) log.debug({ orderId: e.orderId, type: e.type }, 'order event recorded');
      if (needsResolution(state) && state.requested) o.pending.add(state.requested.orderId);
    },
    onModeChange: (change) => o.onModeChange(change),
  });
}
