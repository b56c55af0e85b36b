// The submission queue in front of the venue budget: every send (a signed order, a resend, the kill
// switch's cancels) waits here for one of a few send slots, cancels before reduce-only before new
// entries, then by arrival. Signals keep being consumed while the venue budget is exhausted (a 429
// storm): their orders are recorded (signed, submitted) and wait here, and an item whose deadline
// passes while it waits is answered `expired` at that moment, never sent.
import type { Priority } from '@hyperflow/hyperliquid';
import { ExecutionError } from '../errors.js';
import type { RiskMode } from '../risk/engine.js';

export type SendPriority = Exclude<Priority, 'info'>;

/**
 * Whether a send of `priority` may go in risk `mode`: what waited through a halt is not sent by
 * it, but held until the mode allows it again or its deadline expires it. Pure.
 */
export function admits(mode: RiskMode, priority: SendPriority): boolean {
  return priority === 'cancel' || mode === 'ACTIVE' || (mode === 'REDUCE_ONLY' && priority === 'reduceOnly');
}

const RANK: Readonly<Record<SendPriority, number>> = { cancel: 0, reduceOnly: 1, newOrder: 2 };

export interface QueuedSend<T> {
  /** the order id (cloid) or any label; what `whenQueued` waits for */
  readonly key: string;
  readonly priority: SendPriority;
  /** epoch ms after which the item must not be sent (the signed expiresAfter) */
  readonly deadlineMs?: number;
  readonly send: () => Promise<T>;
  /** the answer for an item whose deadline passed while it waited */
  readonly expired: () => T | Promise<T>;
}

export interface SubmissionQueueOptions {
  /** sends in flight at once (each may wait inside the venue budget, which ranks them again) */
  readonly concurrency: number;
  /** items waiting at most; further orders wait for room (cancels never do) */
  readonly maxQueued: number;
  readonly clock: () => number;
  /** every dispatch, in order (logs) */
  readonly onDispatch?: (key: string, priority: SendPriority, waitedMs: number) => void;
  readonly onExpired?: (key: string, priority: SendPriority) => void;
  /**
   * Whether a send of this priority may go now (e.g. the risk mode: nothing but cancels while
   * HALTED, no entries while REDUCE_ONLY). One that may not is held, never sent, until `poke()`
   * finds it allowed or its deadline answers it expired. Default: everything may go.
   */
  readonly admit?: (priority: SendPriority) => boolean;
}

interface Item {
  readonly seq: number;
  readonly rank: number;
  readonly at: number;
  readonly job: QueuedSend<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (err: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export interface SubmissionQueueStats {
  readonly queued: number;
  readonly inFlight: number;
  readonly dispatched: number;
  readonly expired: number;
}

export class SubmissionQueueClosedError extends ExecutionError {}

export class SubmissionQueue {
  readonly #o: SubmissionQueueOptions;
  readonly #items: Item[] = [];
  readonly #room: (() => void)[] = [];
  readonly #queuedWaiters = new Map<string, Set<() => void>>();
  #inFlight = 0;
  #seq = 0;
  #dispatched = 0;
  #expired = 0;
  #closed = false;

  constructor(options: SubmissionQueueOptions) {
    if (options.concurrency < 1 || options.maxQueued < 1)
      throw new ExecutionError('submission queue: concurrency and maxQueued must be at least 1');
    this.#o = options;
  }

  /** Queues one send; resolves with its result, or with `expired()` once its deadline passed unsent. */
  async run<T>(job: QueuedSend<T>): Promise<T> {
    if (job.priority !== 'cancel') {
      while (!this.#closed && this.#items.length >= this.#o.maxQueued) {
        await new Promise<void>((resolve) => this.#room.push(resolve));
      }
    }
    if (this.#closed) throw new SubmissionQueueClosedError(`submission queue closed: ${job.key} not sent`);
    return new Promise<T>((resolve, reject) => {
      const item: Item = {
        seq: this.#seq++,
        rank: RANK[job.priority],
        at: this.#o.clock(),
        job: job as QueuedSend<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      if (job.deadlineMs !== undefined) {
        const ms = job.deadlineMs - item.at;
        if (ms <= 0) {
          this.#expire(item);
          return;
        }
        item.timer = setTimeout(() => {
          const i = this.#items.indexOf(item);
          if (i < 0) return;
          this.#items.splice(i, 1);
          this.#expire(item);
          this.#freeRoom();
        }, ms);
      }
      // ordered by rank, then arrival
      let i = this.#items.length;
      while (i > 0 && (this.#items[i - 1] as Item).rank > item.rank) i -= 1;
      this.#items.splice(i, 0, item);
      this.#notifyQueued(job.key);
      this.#pump();
    });
  }

  /** Resolves when a send for `key` enters the queue; `cancel` drops the wait. */
  whenQueued(key: string): { readonly promise: Promise<void>; cancel(): void } {
    let done: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      done = resolve;
    });
    let set = this.#queuedWaiters.get(key);
    if (set === undefined) {
      set = new Set();
      this.#queuedWaiters.set(key, set);
    }
    const waiters = set;
    waiters.add(done);
    return {
      promise,
      cancel: () => {
        waiters.delete(done);
        if (waiters.size === 0 && this.#queuedWaiters.get(key) === waiters) this.#queuedWaiters.delete(key);
      },
    };
  }

  stats(): SubmissionQueueStats {
    return {
      queued: this.#items.length,
      inFlight: this.#inFlight,
      dispatched: this.#dispatched,
      expired: this.#expired,
    };
  }

  /** Something `admit` depends on changed: dispatch what may go now. */
  poke(): void {
    this.#pump();
  }

  /** Refuses new items and fails the waiting ones (they stay recorded as submitted: a restart resumes them). */
  close(): void {
    this.#closed = true;
    for (const item of this.#items.splice(0)) {
      clearTimeout(item.timer);
      item.reject(new SubmissionQueueClosedError(`submission queue closed: ${item.job.key} not sent`));
    }
    for (const wake of this.#room.splice(0)) wake();
  }

  #notifyQueued(key: string): void {
    const waiters = this.#queuedWaiters.get(key);
    if (waiters === undefined) return;
    this.#queuedWaiters.delete(key);
    for (const done of waiters) done();
  }

  #expire(item: Item): void {
    clearTimeout(item.timer);
    this.#expired += 1;
    this.#o.onExpired?.(item.job.key, item.job.priority);
    try {
      item.resolve(item.job.expired());
    } catch (err) {
      item.reject(err);
    }
  }

  #freeRoom(): void {
    while (this.#room.length > 0 && this.#items.length < this.#o.maxQueued) this.#room.shift()?.();
  }

  #pump(): void {
    const admit = this.#o.admit ?? (() => true);
    while (this.#inFlight < this.#o.concurrency && this.#items.length > 0) {
      // the best item that may go now; held ones keep their place
      const i = this.#items.findIndex((it) => admit(it.job.priority));
      if (i < 0) return;
      const item = this.#items.splice(i, 1)[0] as Item;
      clearTimeout(item.timer);
      this.#freeRoom();
      const now = this.#o.clock();
      if (item.job.deadlineMs !== undefined && now >= item.job.deadlineMs) {
        this.#expire(item);
        continue;
      }
      this.#inFlight += 1;
      this.#dispatched += 1;
      this.#o.onDispatch?.(item.job.key, item.job.priority, now - item.at);
      item.job
        .send()
        .then(item.resolve, item.reject)
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }
}
