// Single-holder leases in a NATS KV bucket (the contract's `hl_leases`).
//
// Semantics (nats-server 2.9: no per-key TTL, so the bucket's max_age is the TTL):
// - The lease value is a JSON record `{ holder, released, data, writtenAtMs }` under one key.
// - acquire: `create` when the key is absent (never written, or expired by max_age), or a
//   revision-checked `update` when the last value says `released`. Two contenders can never both
//   win: the server checks the expected last revision of the key.
// - renew: a revision-checked `update` every `renewIntervalMs` (well under the TTL). Every write is
//   a new message, so max_age counts from the last renew. A wrong-revision answer means another
//   holder took over: the lease is lost at once.
// - The holder trusts the lease until `validUntilMs = (send time of its last successful write) +
//   ttl − safetyMargin`. The server stamped that write after it was sent, so the key cannot expire
//   (and nobody else can `create` it) before then, as long as the two clocks *run* at the same
//   rate; the margin covers scheduling delays. Failing renewals past that point → lost.
// - A standby polls (and watches the key) until it can acquire; takeover after a crash therefore
//   takes at most ttl + pollMs. It remembers the newest value it saw, so the new holder can resume
//   from the previous holder's data (e.g. a nonce high-water mark). A graceful `release` writes
//   `released: true` with final data, which a standby takes over immediately.
// - Expiry by max_age leaves no marker; a value that expired unseen is gone. Callers whose data
//   must survive a crash must make it derivable from time as well (see the nonce lease).

import { JetStreamApiCodes, JetStreamApiError, jetstream } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusError } from './errors.js';
import { type Logger, silentLogger } from './log.js';

/** What a lease key holds. */
export interface LeaseRecord<D> {
  readonly holder: string;
  readonly released: boolean;
  readonly data: D | undefined;
  /** the writer's clock, ms (informational) */
  readonly writtenAtMs: number;
}

export type LeaseLostReason =
  /** a renewal found another revision: another holder wrote the key, or it expired on the server */
  | 'taken'
  /** no successful renewal before the local validity ran out (broker unreachable, loop stalled) */
  | 'expired';

export interface LeaseOptions<D> {
  readonly key: string;
  /** unique per process (two processes must never share one) */
  readonly holderId: string;
  /** the bucket's max_age in ms (the `leases` bucket TTL); it is not read back from the server */
  readonly ttlMs: number;
  /** default ttl / 3 */
  readonly renewIntervalMs?: number;
  /** the holder stops trusting the lease this long before the TTL; default min(2000, ttl / 5) */
  readonly safetyMarginMs?: number;
  /** how often a standby checks whether it can take over; default ttl / 6 */
  readonly pollMs?: number;
  /** default Date.now */
  readonly clock?: () => number;
  /** called once when the lease is lost (not on release) */
  readonly onLost?: (reason: LeaseLostReason) => void;
  /** called after each successful write (acquire or renew), with the data written */
  readonly onWritten?: (data: D | undefined, validUntilMs: number) => void;
  /** the data to write on each renew; default: the data of the last write */
  readonly dataForRenew?: () => D | undefined;
  readonly log?: Logger;
}

export interface AcquireLeaseOptions<D> {
  /** data written with the acquiring write; may depend on what the previous holder left */
  readonly data?: (previous: D | undefined) => D | undefined;
  /** give up waiting (standby) when aborted */
  readonly signal?: AbortSignal;
}

export type TryAcquireResult<D> =
  | { readonly acquired: true; readonly previous: D | undefined }
  | { readonly acquired: false; readonly holder: string; readonly previous: D | undefined };

function isWrongRevision(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

/**
 * One process's handle on one lease key. `acquire` waits as a hot standby; once held, it renews on
 * a timer until `release` or until it is lost (`onLost`). Check `isHeld()` before every action the
 * lease protects.
 */
export class KvLease<D = unknown> {
  readonly key: string;
  readonly holderId: string;
  readonly #kv: KV;
  readonly #ttlMs: number;
  readonly #renewMs: number;
  readonly #marginMs: number;
  readonly #pollMs: number;
  readonly #clock: () => number;
  readonly #opts: LeaseOptions<D>;
  readonly #log: Logger;
  #revision = 0;
  #validUntilMs = 0;
  #held = false;
  #data: D | undefined;
  /** newest value seen while not holding (revision, data) */
  #seen: { revision: number; data: D | undefined } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(kv: KV, options: LeaseOptions<D>) {
    if (!(options.ttlMs > 0)) throw new BusError(`lease ${options.key}: ttlMs must be > 0`);
    this.#kv = kv;
    this.key = options.key;
    this.holderId = options.holderId;
    this.#ttlMs = options.ttlMs;
    this.#renewMs = options.renewIntervalMs ?? Math.floor(options.ttlMs / 3);
    this.#marginMs = options.safetyMarginMs ?? Math.min(2000, Math.floor(options.ttlMs / 5));
    this.#pollMs = options.pollMs ?? Math.max(10, Math.floor(options.ttlMs / 6));
    this.#clock = options.clock ?? Date.now;
    this.#opts = options;
    this.#log = options.log ?? silentLogger;
    if (this.#renewMs + this.#marginMs >= this.#ttlMs) {
      throw new BusError(`lease ${this.key}: renewIntervalMs + safetyMarginMs must be < ttlMs`);
    }
  }

  /** True while this process may act under the lease (held and locally valid). */
  isHeld(): boolean {
    return this.#held && this.#clock() < this.#validUntilMs;
  }

  /** Local clock time after which this holder stops trusting the lease. */
  get validUntilMs(): number {
    return this.#held ? this.#validUntilMs : 0;
  }

  /** The data of the last successful write by this holder. */
  get data(): D | undefined {
    return this.#data;
  }

  #decode(entry: KvEntry): LeaseRecord<D> {
    try {
      return entry.json<LeaseRecord<D>>();
    } catch (err) {
      throw new BusError(`lease ${this.key}: unreadable value at revision ${entry.revision}`, {
        cause: err,
      });
    }
  }

  #see(revision: number, data: D | undefined): void {
    if (this.#seen === undefined || revision > this.#seen.revision) this.#seen = { revision, data };
  }

  #encode(data: D | undefined, released: boolean): string {
    const record: LeaseRecord<D> = { holder: this.holderId, released, data, writtenAtMs: this.#clock() };
    return JSON.stringify(record);
  }

  #wrote(revision: number, sentAtMs: number, data: D | undefined): void {
    this.#revision = revision;
    this.#data = data;
    this.#validUntilMs = sentAtMs + this.#ttlMs - this.#marginMs;
    // report the loss when validity runs out even if a renewal is still hanging
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = setTimeout(
      () => {
        if (this.#held && this.#clock() >= this.#validUntilMs) this.#lose('expired');
      },
      Math.max(0, this.#validUntilMs - this.#clock()),
    );
    this.#expiryTimer.unref?.();
    this.#opts.onWritten?.(data, this.#validUntilMs);
  }

  /** One attempt: takes the lease if nobody holds it. Never waits. */
  async tryAcquire(options: Pick<AcquireLeaseOptions<D>, 'data'> = {}): Promise<TryAcquireResult<D>> {
    if (this.#held) throw new BusError(`lease ${this.key}: already held by this handle`);
    const entry = await this.#kv.get(this.key);
    let expected = 0;
    if (entry !== null && entry.operation === 'PUT') {
      const record = this.#decode(entry);
      this.#see(entry.revision, record.data);
      if (!record.released) return { acquired: false, holder: record.holder, previous: this.#seen?.data };
      expected = entry.revision;
    } else if (entry !== null) {
      expected = entry.revision; // a DEL/PURGE marker: the key is free
    }
    const previous = this.#seen?.data;
    const data = options.data ? options.data(previous) : previous;
    const sentAtMs = this.#clock();
    try {
      const revision =
        expected === 0
          ? await this.#kv.create(this.key, this.#encode(data, false))
          : await this.#kv.update(this.key, this.#encode(data, false), expected);
      this.#held = true;
      this.#wrote(revision, sentAtMs, data);
      this.#schedule(this.#renewMs);
      this.#log.info({ key: this.key, holder: this.holderId, revision }, 'lease acquired');
      return { acquired: true, previous };
    } catch (err) {
      // lost the race (or the key exists: create answers the same code)
      if (isWrongRevision(err)) return { acquired: false, holder: '(unknown)', previous };
      throw new BusError(`lease ${this.key}: acquire failed`, { cause: err });
    }
  }

  /**
   * Waits as a hot standby until the lease is acquired: polls every `pollMs` and watches the key
   * so it sees every value the holder writes. Rejects with a BusError when `signal` aborts.
   */
  async acquire(options: AcquireLeaseOptions<D> = {}): Promise<{ readonly previous: D | undefined }> {
    const watcher = await this.#kv.watch({ key: this.key });
    const watching = (async () => {
      for await (const e of watcher) {
        if (e.operation !== 'PUT') continue;
        try {
          this.#see(e.revision, this.#decode(e).data);
        } catch (err) {
          this.#log.warn({ key: this.key, err }, 'lease: unreadable value while watching');
        }
      }
    })();
    try {
      for (;;) {
        if (options.signal?.aborted) {
          throw new BusError(`lease ${this.key}: standby aborted`, { cause: options.signal.reason });
        }
        try {
          const r = await this.tryAcquire(options.data ? { data: options.data } : {});
          if (r.acquired) return { previous: r.previous };
        } catch (err) {
          if (this.#held) throw err;
          // a standby outlives broker hiccups: log and poll again
          this.#log.warn({ key: this.key, err }, 'lease: acquire attempt failed; retrying');
        }
        await sleep(this.#pollMs, options.signal);
      }
    } finally {
      watcher.stop();
      await watching.catch((err: unknown) => this.#log.warn({ key: this.key, err }, 'lease watch ended'));
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.renew().catch((err: unknown) => this.#log.error({ key: this.key, err }, 'lease renew crashed'));
    }, ms);
    this.#timer.unref?.();
  }

  #lose(reason: LeaseLostReason): void {
    if (!this.#held) return;
    this.#held = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiryTimer);
    this.#log.warn({ key: this.key, holder: this.holderId, reason }, 'lease lost');
    this.#opts.onLost?.(reason);
  }

  /**
   * Writes the lease now (revision-checked). Called by the timer; callers may force it. Concurrent
   * calls share one write, so two writes never race on the same expected revision.
   */
  renew(): Promise<void> {
    this.#inFlight ??= this.#renewOnce().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #renewOnce(): Promise<void> {
    if (!this.#held) return;
    const data = this.#opts.dataForRenew ? this.#opts.dataForRenew() : this.#data;
    const sentAtMs = this.#clock();
    try {
      // never wait on a write past the point where the lease is void anyway
      const timeoutMs = Math.max(50, this.#validUntilMs - sentAtMs);
      const revision = await this.#kv.update(this.key, this.#encode(data, false), this.#revision, timeoutMs);
      this.#revision = revision; // even if released meanwhile: the release write expects it
      if (!this.#held) return;
      this.#wrote(revision, sentAtMs, data);
      this.#schedule(this.#renewMs);
    } catch (err) {
      if (!this.#held) return;
      if (isWrongRevision(err)) {
        this.#lose('taken');
        return;
      }
      const left = this.#validUntilMs - this.#clock();
      this.#log.warn({ key: this.key, err, leftMs: left }, 'lease renew failed; retrying');
      if (left <= 0) {
        this.#lose('expired');
        return;
      }
      this.#schedule(Math.min(this.#pollMs, left));
    }
  }

  /**
   * Gives the lease up: stops renewing and writes `released: true` with `finalData` (default: the
   * current data), so a standby takes over at once and resumes from it. A failed final write only
   * delays the takeover until the TTL.
   */
  async release(finalData?: D): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiryTimer);
    await this.#inFlight;
    const data = finalData ?? (this.#opts.dataForRenew ? this.#opts.dataForRenew() : this.#data);
    try {
      await this.#kv.update(this.key, this.#encode(data, true), this.#revision);
      this.#log.info({ key: this.key, holder: this.holderId }, 'lease released');
    } catch (err) {
      this.#log.warn({ key: this.key, err }, 'lease release write failed; it lapses by TTL');
    }
  }

  /** Stops renewing without writing anything (a simulated crash, or shutdown without handover). */
  abandon(): void {
    this.#held = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiryTimer);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A lease bucket: opens leases on its keys. */
export interface LeaseBucket {
  readonly name: string;
  lease<D = unknown>(options: LeaseOptions<D>): KvLease<D>;
}

/**
 * Opens an existing lease bucket (provisioned by `provision`; its max_age is the TTL every lease
 * in it must be configured with).
 */
export async function openLeaseBucket(nc: NatsConnection, bucket: string): Promise<LeaseBucket> {
  let kv: KV;
  try {
    kv = await new Kvm(jetstream(nc)).open(bucket);
  } catch (err) {
    throw new BusError(`lease bucket ${bucket}: cannot open`, { cause: err });
  }
  return { name: bucket, lease: <D>(options: LeaseOptions<D>) => new KvLease<D>(kv, options) };
}
