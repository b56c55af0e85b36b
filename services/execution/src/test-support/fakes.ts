// In-memory fakes of the executor's ports and the fixtures its tests share. The store keeps the
// real store's one rule that matters here: an append whose expected last sequence is stale writes nothing.
import { createHash } from 'node:crypto';
import type { OrderEvent, SignalEmitted } from '@hyperflow/contracts';
import type { OrderStore } from '../execute/executor.js';
import type { Resolution, SignedOrder } from '../order/decider.js';
import type { RiskLimits } from '../risk/engine.js';
import type { ExchangePort, OrderSigner, SendResult } from '../submit/ports.js';

/** limits that let the executor tests' orders through */
export const LIMITS: RiskLimits = {
  maxOrderNotional: '1000',
  maxPositionNotionalPerCoin: '2000',
  maxTotalPositionNotional: '3000',
  maxOpenOrders: 10,
  maxOrdersPerMinute: 100,
  priceBandBps: 200,
  maxMidAgeMs: 5_000,
  minNotional: '10',
  maxConsecutiveRejects: 3,
};
export const T0 = 1_700_000_000_000;
export const ETH = {
  coin: 'ETH',
  assetId: 1,
  kind: 'perp',
  priceMarket: 'perp',
  szDecimals: 4,
  index: 1,
} as const;

/** a limit buy of 0.1 ETH at 3000, created at T0 */
export function signal(over: Partial<SignalEmitted> = {}): SignalEmitted {
  return {
    type: 'signal',
    v: 1,
    net: 'sim',
    id: 'trend:ETH:1',
    strategy: 'trend',
    coin: 'ETH',
    side: 'buy',
    size: '0.1',
    style: 'limit',
    limitPx: '3000',
    reduceOnly: false,
    reason: 'cross',
    causes: [{ id: 'm1', exchTsMs: T0, recvTsMs: T0 }],
    createdAtMs: T0,
    ttlMs: 10_000,
    ...over,
  };
}

export class FakeConcurrencyError extends Error {
  override name = 'FakeConcurrencyError';
  /** like the bus's ConcurrencyError: what the refused append wrote (this store writes all or nothing) */
  readonly appended: readonly number[] = [];
}

export const sha256Hex = (t: string) => createHash('sha256').update(t).digest('hex');

export class MemoryStore implements OrderStore {
  seq = 0;
  readonly subjects = new Map<string, { seq: number; event: OrderEvent }[]>();

  async append(subject: string, events: readonly OrderEvent[], opts: { expectedLastSubjectSeq: number }) {
    await Promise.resolve();
    this.appends.push({ events: events.length, sentBefore: this.sentSoFar() });
    const list = this.subjects.get(subject) ?? [];
    const last = list.at(-1)?.seq ?? 0;
    if (last !== opts.expectedLastSubjectSeq)
      throw new FakeConcurrencyError(`expected ${opts.expectedLastSubjectSeq}, is ${last}`);
    for (const event of events) {
      this.seq += 1;
      // stored as JSON, like the real store: nothing shared with the caller
      list.push({ seq: this.seq, event: JSON.parse(JSON.stringify(event)) as OrderEvent });
    }
    this.subjects.set(subject, list);
    if (this.loseNextAnswer) {
      // written, but the answer never came back (a timeout after the server stored it)
      this.loseNextAnswer = false;
      throw new Error('append: no answer (timeout)');
    }
    return { lastSeq: this.seq };
  }

  /** every append call: how many events, and how many venue sends had happened before it */
  readonly appends: { readonly events: number; readonly sentBefore: number }[] = [];
  /** how many venue sends so far (set by a test that watches the order of appends and sends) */
  sentSoFar: () => number = () => 0;
  /** the next append stores its events and then throws as if its answer were lost */
  loseNextAnswer = false;

  /** read calls made (the optimistic first-delivery path skips the read) */
  reads = 0;

  async read(subject: string) {
    this.reads += 1;
    await Promise.resolve();
    const events = [...(this.subjects.get(subject) ?? [])];
    return { events, lastSeq: events.at(-1)?.seq ?? 0 };
  }

  events(): OrderEvent[] {
    return [...this.subjects.values()].flat().map((e) => e.event);
  }
}

export class FakeSigner implements OrderSigner {
  readonly address = '0x00000000000000000000000000000000000000aa';
  nonce = 1_700_000_000_000;
  signed = 0;
  async sign(
    order: Parameters<OrderSigner['sign']>[0],
    { expiresInMs }: { expiresInMs: number },
  ): Promise<SignedOrder> {
    this.signed += 1;
    this.nonce += 1;
    return {
      asset: order.asset,
      px: order.px,
      sz: order.sz,
      tif: order.tif,
      nonce: this.nonce,
      expiresAfterMs: this.nonce + expiresInMs,
      signer: this.address,
      request: { action: { type: 'order', orders: [{ a: order.asset, c: order.cloid }] }, nonce: this.nonce },
    };
  }
}

export class FakeExchange implements ExchangePort {
  readonly via = 'rest' as const;
  readonly sent: Readonly<Record<string, unknown>>[] = [];
  readonly resent: Readonly<Record<string, unknown>>[] = [];
  readonly statusAsked: string[] = [];
  next: SendResult[] = [];
  fallback: SendResult = { kind: 'answer', answer: { kind: 'resting', oid: 1 } };
  resolution: Resolution = { kind: 'unknown', final: false };

  async send(request: Readonly<Record<string, unknown>>): Promise<SendResult> {
    this.sent.push(request);
    return this.next.shift() ?? this.fallback;
  }
  async resend(request: Readonly<Record<string, unknown>>): Promise<SendResult> {
    this.resent.push(request);
    return this.next.shift() ?? this.fallback;
  }
  async status(cloid: string): Promise<Resolution> {
    this.statusAsked.push(cloid);
    return this.resolution;
  }
}
