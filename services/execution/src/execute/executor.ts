// Runs one order from signal to settled outcome through the ports: read its subject, decide,
// append with the expected sequence (so two writers can never both take a step), act, record.
// Every step is appended before the next is taken; a crash at any point resumes from the record.
import type { Net, OrderEvent, OrderRequested, SignalEmitted, Subjects } from '@hyperflow/contracts';
import type { AssetInfo } from '@hyperflow/hyperliquid';
import { str } from '../decimal/fixed.js';
import { ExecutionError } from '../errors.js';
import { cloidForSignal, type Sha256Hex } from '../order/cloid.js';
import {
  decide,
  evolve,
  initialOrderState,
  isTerminal,
  needsResolution,
  type OrderCommand,
  type OrderState,
  type OrderStatus,
  type Refusal,
  replay,
} from '../order/decider.js';
import { intentFromSignal, type OrderIntent, signalExpiresAtMs } from '../order/intent.js';
import type { RiskBook } from '../risk/book.js';
import type { ModeChange } from '../risk/engine.js';
import { factsFromOrderEvent } from '../risk/order-facts.js';
import type { ExchangePort, OrderSigner, SendResult } from '../submit/ports.js';
import { buildVenueOrder, type VenueOrder } from '../submit/venue-order.js';

/** The event store port (the bus's createEventStore fits). */
export interface OrderStore {
  append(
    subject: string,
    events: readonly OrderEvent[],
    opts: {
      readonly expectedLastSubjectSeq: number;
      readonly msgIds?: readonly string[];
      /** a msgId already stored is a concurrency error, not a de-duplicated success */
      readonly rejectDuplicates?: boolean;
    },
  ): Promise<{ readonly lastSeq: number }>;
  read(
    subject: string,
  ): Promise<{ readonly events: readonly { readonly event: OrderEvent }[]; readonly lastSeq: number }>;
}

export interface ExecutorOptions {
  readonly net: Net;
  readonly subjects: Subjects;
  readonly store: OrderStore;
  readonly signer: OrderSigner;
  /** undefined = dry-run: sign and record, never send */
  readonly exchange: ExchangePort | undefined;
  readonly assets: (coin: string) => AssetInfo | undefined;
  readonly risk: RiskBook;
  readonly clock: () => number;
  readonly sha256Hex: Sha256Hex;
  /** market orders: IOC limit this far past the mid (inside the risk price band) */
  readonly marketSlippageBps: number;
  /** cap on a signed order's expiresAfter, from signing; also never past the signal's deadline */
  readonly maxExpiresAfterMs: number;
  /** a ConcurrencyError from the store: another writer took this step */
  readonly isConcurrencyError: (err: unknown) => boolean;
  /** every appended batch, for metrics and logs */
  readonly onEvents?: (events: readonly OrderEvent[], state: OrderState) => void;
  /** every risk mode change caused by an order event */
  readonly onModeChange?: (change: ModeChange) => void;
}

export type HandleOutcome =
  /** settled, or left where a later resume continues (pending resolution) */
  | 'recorded'
  /** the signal's order already existed and had nothing left to do */
  | 'duplicate'
  /** another writer appended first: it owns the next step */
  | 'lostRace';

export interface HandleResult {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly outcome: HandleOutcome;
}

interface Ctx {
  readonly orderId: string;
  readonly subject: string;
  state: OrderState;
  lastSeq: number;
  /** the state was assumed empty, not read: a refused first append means "read it and start over" */
  optimistic?: boolean;
  /** the venue order the risk check passed, signed as checked (not rebuilt at a newer mid) */
  checked?: VenueOrder;
}

/** A concurrency error that wrote none of its batch (the bus's ConcurrencyError lists what it wrote in `appended`). */
function wroteNothing(err: unknown): boolean {
  const appended = (err as { readonly appended?: unknown } | null)?.appended;
  return Array.isArray(appended) && appended.length === 0;
}

function intentOf(r: OrderRequested): OrderIntent {
  return {
    coin: r.coin,
    side: r.side,
    sz: r.sz,
    style: r.style,
    reduceOnly: r.reduceOnly,
    ...(r.limitPx === undefined ? {} : { limitPx: r.limitPx }),
  };
}

/** Read through a function: the state changes under `await`, which narrowing cannot see. */
function statusOf(ctx: Ctx): OrderStatus {
  return ctx.state.status;
}

export class Executor {
  readonly #o: ExecutorOptions;
  /** one step sequence per order at a time inside this process (consumer vs recovery) */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: ExecutorOptions) {
    this.#o = options;
  }

  orderIdFor(signal: SignalEmitted): string {
    return cloidForSignal(signal.id, this.#o.sha256Hex);
  }

  /**
   * A signal from the SIGNALS stream. Idempotent: a redelivered signal continues its order, never
   * doubles it. `firstDelivery`: the subject is almost surely empty, so decide on the empty state
   * without reading it and append expecting an empty subject; if it was not (a redelivery, another
   * writer), nothing was written and the signal takes the normal path (read, then decide).
   */
  handleSignal(
    signal: SignalEmitted,
    opts: { readonly firstDelivery?: boolean } = {},
  ): Promise<HandleResult> {
    const orderId = this.orderIdFor(signal);
    return this.#locked(orderId, async () => {
      if (opts.firstDelivery === true) {
        const r = await this.#optimistic(orderId, signal);
        if (r !== undefined) return r;
      }
      return this.#guard(orderId, (ctx) => this.#fromSignal(ctx, signal));
    });
  }

  /** undefined: the subject already had events and nothing was written; read it and start over. */
  async #optimistic(orderId: string, signal: SignalEmitted): Promise<HandleResult | undefined> {
    const ctx: Ctx = {
      orderId,
      subject: this.#o.subjects.order(orderId),
      state: initialOrderState(),
      lastSeq: 0,
      optimistic: true,
    };
    try {
      const outcome = await this.#fromSignal(ctx, signal);
      return { orderId, status: ctx.state.status, outcome };
    } catch (err) {
      if (!this.#o.isConcurrencyError(err)) throw err;
      // the first append was refused whole: the assumption was wrong, no harm done
      if (ctx.optimistic === true && wroteNothing(err)) return undefined;
      return { orderId, status: ctx.state.status, outcome: 'lostRace' };
    }
  }

  /** Continues an order from its record (recovery after a crash, an unknown outcome, a restart). */
  resume(orderId: string): Promise<HandleResult> {
    return this.#locked(orderId, () =>
      this.#guard(orderId, async (ctx) => {
        await this.#drive(ctx, false);
        return 'recorded';
      }),
    );
  }

  /** Asks the venue (orderStatus) about an order we think is resting, and records any difference. */
  reconcile(orderId: string): Promise<HandleResult> {
    return this.#locked(orderId, () =>
      this.#guard(orderId, async (ctx) => {
        if (ctx.state.status === 'resting') await this.#status(ctx);
        return 'recorded';
      }),
    );
  }

  /** Records one fill from the account's fill stream; a no-op for fills already recorded (by tid). */
  recordFill(
    orderId: string,
    fill: {
      readonly oid: number;
      readonly tid: number;
      readonly sz: string;
      readonly px: string;
      readonly fee?: string;
    },
  ): Promise<HandleResult> {
    return this.#locked(orderId, () =>
      this.#guard(orderId, async (ctx) => {
        await this.#record(ctx, {
          type: 'recordAnswer',
          answer: { kind: 'fill', ...fill },
          nowMs: this.#o.clock(),
        });
        return 'recorded';
      }),
    );
  }

  /** Records a cancel the venue confirmed (kill switch, operator); a no-op unless the order rests. */
  recordCanceled(orderId: string, reason: string, oid?: number): Promise<HandleResult> {
    return this.#locked(orderId, () =>
      this.#guard(orderId, async (ctx) => {
        await this.#record(ctx, {
          type: 'recordAnswer',
          answer: { kind: 'canceled', reason, ...(oid === undefined ? {} : { oid }) },
          nowMs: this.#o.clock(),
        });
        return 'recorded';
      }),
    );
  }

  async #locked<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(orderId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(orderId, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(orderId) === tail) this.#locks.delete(orderId);
    }
  }

  async #guard(orderId: string, fn: (ctx: Ctx) => Promise<HandleOutcome>): Promise<HandleResult> {
    const subject = this.#o.subjects.order(orderId);
    const read = await this.#o.store.read(subject);
    const ctx: Ctx = {
      orderId,
      subject,
      state: replay(read.events.map((e) => e.event)),
      lastSeq: read.lastSeq,
    };
    try {
      const outcome = await fn(ctx);
      return { orderId, status: ctx.state.status, outcome };
    } catch (err) {
      if (this.#o.isConcurrencyError(err)) return { orderId, status: ctx.state.status, outcome: 'lostRace' };
      throw err;
    }
  }

  /** Decides, appends with the expected sequence, then applies (state, risk facts, callbacks). */
  async #record(ctx: Ctx, command: OrderCommand): Promise<readonly OrderEvent[]> {
    const events = decide(command, ctx.state);
    if (events.length === 0) return events;
    const { lastSeq } = await this.#o.store.append(ctx.subject, events, {
      expectedLastSubjectSeq: ctx.lastSeq,
      msgIds: events.map((e) => e.id),
      // the server answers an id it already stored as a duplicate before it checks the expected
      // sequence: one of our step ids already there means another writer took this step (or, on an
      // optimistic append, that the subject was not empty), never that ours landed
      rejectDuplicates: true,
    });
    ctx.lastSeq = lastSeq;
    ctx.optimistic = false;
    for (const e of events) {
      const before = ctx.state;
      ctx.state = evolve(before, e);
      for (const fact of factsFromOrderEvent(e, before)) {
        const change = this.#o.risk.apply(fact);
        if (change !== undefined) this.#o.onModeChange?.(change);
      }
    }
    this.#o.onEvents?.(events, ctx.state);
    return events;
  }

  async #fromSignal(ctx: Ctx, signal: SignalEmitted): Promise<HandleOutcome> {
    if (ctx.state.status !== 'none') {
      if (isTerminal(ctx.state)) return 'duplicate';
      await this.#drive(ctx, false);
      return 'duplicate';
    }
    const nowMs = this.#o.clock();
    const expiresAtMs = signalExpiresAtMs(signal);
    const intent = intentFromSignal(signal, this.#o.risk.state.positions.get(signal.coin));
    let refusal: Refusal | undefined;
    let checks: readonly string[] = [];
    if (nowMs <= expiresAtMs) {
      const verdict = this.#check(signal.strategy, intent, ctx.orderId, nowMs);
      refusal = verdict.refusal;
      checks = verdict.checks;
      if (verdict.order !== undefined) ctx.checked = verdict.order;
    }
    await this.#record(ctx, {
      type: 'request',
      net: this.#o.net,
      orderId: ctx.orderId,
      signalId: signal.id,
      strategy: signal.strategy,
      intent,
      expiresAtMs,
      refusal,
      checks,
      nowMs,
    });
    await this.#drive(ctx, true);
    return 'recorded';
  }

  #build(intent: OrderIntent, orderId: string, nowMs: number) {
    const mid = this.#o.risk.state.mids.get(intent.coin);
    const fresh = mid !== undefined && nowMs - mid.atMs <= this.#o.risk.limits.maxMidAgeMs;
    return buildVenueOrder({
      intent,
      cloid: orderId,
      asset: this.#o.assets(intent.coin),
      mid: fresh ? str(mid.px) : undefined,
      marketSlippageBps: this.#o.marketSlippageBps,
    });
  }

  #check(
    strategy: string,
    intent: OrderIntent,
    orderId: string,
    nowMs: number,
  ): { refusal: Refusal | undefined; checks: readonly string[]; order?: VenueOrder } {
    const built = this.#build(intent, orderId, nowMs);
    if (!built.ok) return { refusal: built.refusal, checks: [] };
    const o = built.order;
    const verdict = this.#o.risk.check(
      { strategy, coin: intent.coin, side: intent.side, sz: o.sz, px: o.px, reduceOnly: o.reduceOnly },
      nowMs,
    );
    return verdict.ok
      ? { refusal: undefined, checks: ['venueRules', ...verdict.checks], order: o }
      : { refusal: { rule: verdict.rule, reason: verdict.reason }, checks: verdict.checks };
  }

  /**
   * Takes the order as far as it can go now. `fresh`: this call just recorded the request, so a
   * `submitted` state here means this call sent it; otherwise a `submitted` without an answer is
   * a crash or a lost reply, resolved by the identical resend or orderStatus.
   */
  async #drive(ctx: Ctx, fresh: boolean): Promise<void> {
    const requested = ctx.state.requested;
    if (ctx.state.status === 'requested' && requested !== undefined) {
      const nowMs = this.#o.clock();
      const { refusal, checks, order } = this.#check(
        requested.strategy,
        intentOf(requested),
        ctx.orderId,
        nowMs,
      );
      if (order !== undefined) ctx.checked = order;
      await this.#record(ctx, { type: 'riskCheck', refusal, checks, nowMs });
    }
    if (statusOf(ctx) === 'riskChecked') {
      const r = ctx.state.requested;
      if (r === undefined) throw new ExecutionError(`order ${ctx.orderId}: risk-checked without a request`);
      const nowMs = this.#o.clock();
      const built = ctx.checked ?? this.#rebuilt(r, ctx.orderId, nowMs);
      if (built === undefined) {
        // only on a resume, after the registry or the mid changed; the TTL settles it
        await this.#record(ctx, { type: 'expire', nowMs });
        return;
      }
      await this.#sign(ctx, built, r.expiresAtMs);
    }
    if (ctx.state.status === 'signed') {
      const exchange = this.#o.exchange;
      await this.#record(ctx, { type: 'submit', via: exchange?.via ?? 'dryRun', nowMs: this.#o.clock() });
      if (exchange === undefined || statusOf(ctx) !== 'submitted') return;
      await this.#answer(ctx, await exchange.send(this.#request(ctx)), false);
      return;
    }
    if (!fresh && needsResolution(ctx.state)) await this.#resolve(ctx);
  }

  /** A resumed order (its checked venue order was not kept): rebuilt from the request. */
  #rebuilt(r: OrderRequested, orderId: string, nowMs: number): VenueOrder | undefined {
    const built = this.#build(intentOf(r), orderId, nowMs);
    return built.ok ? built.order : undefined;
  }

  async #sign(ctx: Ctx, order: VenueOrder, expiresAtMs: number): Promise<void> {
    const nowMs = this.#o.clock();
    if (nowMs > expiresAtMs) {
      // the signature is never made
      await this.#record(ctx, { type: 'expire', nowMs });
      return;
    }
    const expiresInMs = Math.min(this.#o.maxExpiresAfterMs, expiresAtMs - nowMs);
    const signed = await this.#o.signer.sign(order, { expiresInMs });
    await this.#record(ctx, { type: 'sign', signed, nowMs: this.#o.clock() });
  }

  #request(ctx: Ctx): Readonly<Record<string, unknown>> {
    const request = ctx.state.signed?.request;
    if (request === undefined)
      throw new ExecutionError(`order ${ctx.orderId}: submitted without a signed request`);
    return request;
  }

  async #answer(ctx: Ctx, result: SendResult, resend: boolean): Promise<void> {
    if (result.kind === 'duplicate') {
      await this.#status(ctx);
      return;
    }
    if (resend && result.answer.kind === 'expired') {
      // the resend can no longer land, but an earlier copy may have: ask before concluding
      await this.#status(ctx);
      return;
    }
    await this.#record(ctx, { type: 'recordAnswer', answer: result.answer, nowMs: this.#o.clock() });
  }

  async #status(ctx: Ctx): Promise<void> {
    const exchange = this.#o.exchange;
    if (exchange === undefined) return;
    const resolution = await exchange.status(ctx.orderId, this.#request(ctx));
    await this.#record(ctx, { type: 'resolve', resolution, nowMs: this.#o.clock() });
  }

  /** An order that was (maybe) sent and has no answer: resend the identical bytes, else ask orderStatus. */
  async #resolve(ctx: Ctx): Promise<void> {
    const exchange = this.#o.exchange;
    if (exchange === undefined) return;
    if (ctx.state.status === 'submitted') {
      await this.#record(ctx, {
        type: 'recordAnswer',
        answer: { kind: 'unknown', reason: 'no answer recorded (restart or redelivery)' },
        nowMs: this.#o.clock(),
      });
    }
    await this.#record(ctx, { type: 'resend', via: exchange.via, nowMs: this.#o.clock() });
    if (statusOf(ctx) !== 'submitted') return;
    await this.#answer(ctx, await exchange.resend(this.#request(ctx)), true);
  }
}
