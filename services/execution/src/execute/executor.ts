// Runs one order from signal to settled outcome through the ports: decide, append with the
// expected sequence (so two writers can never both take a step), act, record. Everything one
// decision does before the venue send (request, risk check, signature, submission) is decided in
// memory and appended in ONE call, so it is durable before the send; a crash at any point resumes
// from the record. A live order's state is kept in memory, current through its own appends; any
// refused or failed append forgets it, and the next step reads the subject again.
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
  /**
   * The JetStream round trips one append of `events` events costs (an atomic batch: 1; the
   * sequential strategy: one per event). Counted per order step before the send; default 1.
   */
  readonly appendRoundTrips?: (events: number) => number;
}

/** What the order steps before the venue send waited for (see Executor.stepStats). */
export interface StepStats {
  /** order steps that reached the send (or, dry-run, their record) */
  readonly steps: number;
  /** awaited JetStream round trips in those steps, from the signal to the send */
  readonly roundTrips: number;
  /** the most any one step waited for */
  readonly maxRoundTrips: number;
  /** the order stream reads among them */
  readonly reads: number;
}

/** Round trips of one read: the last sequence; then, if the subject has events, consumer create, pull, delete. */
const readRoundTrips = (events: number) => (events === 0 ? 1 : 4);

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
  /** decided, not yet appended: the events and the state they lead to */
  draft?: { events: OrderEvent[]; state: OrderState };
  /** round trips awaited so far in this step (reset after the send) */
  trips: number;
  reads: number;
  /** the state came from memory, not from a read */
  cached?: boolean;
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
  /** live (not terminal) orders: their state and the subject's last sequence, as last appended */
  readonly #live = new Map<string, { readonly state: OrderState; readonly lastSeq: number }>();
  #steps = { steps: 0, roundTrips: 0, maxRoundTrips: 0, reads: 0 };

  constructor(options: ExecutorOptions) {
    this.#o = options;
  }

  /** The awaited round trips of the order steps so far (the bench's figure; the target is 1). */
  stepStats(): StepStats {
    return { ...this.#steps };
  }

  /** Live orders whose state is held in memory. */
  get liveOrders(): number {
    return this.#live.size;
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
      if (opts.firstDelivery === true && !this.#live.has(orderId)) {
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
      trips: 0,
      reads: 0,
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
    const first = await this.#attempt(orderId, fn);
    // the remembered state was stale (another process wrote) and nothing was written: read and retry
    if (first.retry) return (await this.#attempt(orderId, fn, true)).result;
    return first.result;
  }

  async #attempt(
    orderId: string,
    fn: (ctx: Ctx) => Promise<HandleOutcome>,
    reload = false,
  ): Promise<{ readonly result: HandleResult; readonly retry: boolean }> {
    const ctx = await this.#open(orderId, reload);
    try {
      const outcome = await fn(ctx);
      return { result: { orderId, status: ctx.state.status, outcome }, retry: false };
    } catch (err) {
      this.#live.delete(orderId);
      if (!this.#o.isConcurrencyError(err)) throw err;
      const result: HandleResult = { orderId, status: ctx.state.status, outcome: 'lostRace' };
      return { result, retry: ctx.cached === true && wroteNothing(err) };
    }
  }

  /** The order's state: from memory while it is live, else read from its subject. */
  async #open(orderId: string, reload: boolean): Promise<Ctx> {
    const subject = this.#o.subjects.order(orderId);
    const known = reload ? undefined : this.#live.get(orderId);
    if (known !== undefined) return { orderId, subject, ...known, trips: 0, reads: 0, cached: true };
    const read = await this.#o.store.read(subject);
    const ctx: Ctx = {
      orderId,
      subject,
      state: replay(read.events.map((e) => e.event)),
      lastSeq: read.lastSeq,
      trips: readRoundTrips(read.events.length),
      reads: 1,
    };
    this.#remember(ctx);
    return ctx;
  }

  #remember(ctx: Ctx): void {
    if (ctx.state.status === 'none' || isTerminal(ctx.state)) this.#live.delete(ctx.orderId);
    else this.#live.set(ctx.orderId, { state: ctx.state, lastSeq: ctx.lastSeq });
  }

  /** Decides on the draft (or the recorded state) and adds the events to the draft; nothing is appended. */
  #plan(ctx: Ctx, command: OrderCommand): void {
    const draft = ctx.draft ?? { events: [], state: ctx.state };
    const events = decide(command, draft.state);
    for (const e of events) {
      draft.events.push(e);
      draft.state = evolve(draft.state, e);
    }
    ctx.draft = draft;
  }

  /** The status the order has once its draft is appended. */
  #planned(ctx: Ctx): OrderStatus {
    return (ctx.draft?.state ?? ctx.state).status;
  }

  /** Decides and appends at once: `#plan` then `#commit`. */
  async #record(ctx: Ctx, command: OrderCommand): Promise<void> {
    this.#plan(ctx, command);
    await this.#commit(ctx);
  }

  /** Appends the draft in one call with the expected sequence, then applies it (state, risk facts, callbacks). */
  async #commit(ctx: Ctx): Promise<void> {
    const events = ctx.draft?.events ?? [];
    ctx.draft = undefined;
    if (events.length === 0) return;
    const { lastSeq } = await this.#o.store.append(ctx.subject, events, {
      expectedLastSubjectSeq: ctx.lastSeq,
      msgIds: events.map((e) => e.id),
      // the server answers an id it already stored as a duplicate before it checks the expected
      // sequence: one of our step ids already there means another writer took this step (or, on an
      // optimistic append, that the subject was not empty), never that ours landed
      rejectDuplicates: true,
    });
    ctx.trips += this.#o.appendRoundTrips?.(events.length) ?? 1;
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
    this.#remember(ctx);
    this.#o.onEvents?.(events, ctx.state);
  }

  /** The step reached the send (or its dry-run record): count what it waited for. */
  #stepDone(ctx: Ctx): void {
    const s = this.#steps;
    s.steps += 1;
    s.roundTrips += ctx.trips;
    s.reads += ctx.reads;
    s.maxRoundTrips = Math.max(s.maxRoundTrips, ctx.trips);
    ctx.trips = 0;
    ctx.reads = 0;
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
    this.#plan(ctx, {
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
    // the request and everything up to the send go in one append (see #drive)
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
    // decided in memory up to the send, appended in one call before it (`#commit`)
    const requested = (ctx.draft?.state ?? ctx.state).requested;
    if (this.#planned(ctx) === 'requested' && requested !== undefined) {
      const nowMs = this.#o.clock();
      const { refusal, checks, order } = this.#check(
        requested.strategy,
        intentOf(requested),
        ctx.orderId,
        nowMs,
      );
      if (order !== undefined) ctx.checked = order;
      this.#plan(ctx, { type: 'riskCheck', refusal, checks, nowMs });
    }
    if (this.#planned(ctx) === 'riskChecked') {
      const r = (ctx.draft?.state ?? ctx.state).requested;
      if (r === undefined) throw new ExecutionError(`order ${ctx.orderId}: risk-checked without a request`);
      const nowMs = this.#o.clock();
      const built = ctx.checked ?? this.#rebuilt(r, ctx.orderId, nowMs);
      if (built === undefined) {
        // only on a resume, after the registry or the mid changed; the TTL settles it
        this.#plan(ctx, { type: 'expire', nowMs });
      } else {
        await this.#sign(ctx, built, r.expiresAtMs);
      }
    }
    if (this.#planned(ctx) === 'signed') {
      const exchange = this.#o.exchange;
      this.#plan(ctx, { type: 'submit', via: exchange?.via ?? 'dryRun', nowMs: this.#o.clock() });
      // durable before the send: the submission (and all decided before it) is appended first
      await this.#commit(ctx);
      const sending = exchange !== undefined && statusOf(ctx) === 'submitted';
      if (sending || exchange === undefined) this.#stepDone(ctx);
      if (!sending) return;
      await this.#answer(ctx, await exchange.send(this.#request(ctx)), false);
      return;
    }
    await this.#commit(ctx);
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
      this.#plan(ctx, { type: 'expire', nowMs });
      return;
    }
    const expiresInMs = Math.min(this.#o.maxExpiresAfterMs, expiresAtMs - nowMs);
    // signed before it is recorded: a signature whose append fails never leaves the process
    const signed = await this.#o.signer.sign(order, { expiresInMs });
    this.#plan(ctx, { type: 'sign', signed, nowMs: this.#o.clock() });
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
    if (resend && (result.answer.kind === 'expired' || result.answer.kind === 'rejected')) {
      // a refused or expired resend says nothing of the earlier copy, which may have executed (its
      // nonce is then used: "nonce too low"): the order's status decides, never the resend's refusal
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
      this.#plan(ctx, {
        type: 'recordAnswer',
        answer: { kind: 'unknown', reason: 'no answer recorded (restart or redelivery)' },
        nowMs: this.#o.clock(),
      });
    }
    // the unknown outcome and the resend of the same signed bytes: one append before the send
    this.#plan(ctx, { type: 'resend', via: exchange.via, nowMs: this.#o.clock() });
    await this.#commit(ctx);
    if (statusOf(ctx) !== 'submitted') return;
    await this.#answer(ctx, await exchange.resend(this.#request(ctx)), true);
  }
}
