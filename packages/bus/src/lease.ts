// Single-holder leases in a NATS KV bucket (the contract's `hl_leases`).
//
// Semantics (the bucket's max_age is the TTL: every lease in one bucket shares it; a lease whose
// ttlMs exceeds it is refused, as its holder would trust it after the server dropped it. Per-message
// TTL (Nats-TTL, 2.11+) is not used: it has whole seconds, truncated, with a 1 s minimum, so a
// lease of 2.5 s would expire after 2 s, and allow_msg_ttl can never be turned off again):
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
//
// Presence (opt-in, `presence`): fast takeover after a crash, without waiting for the TTL.
// - Before its acquiring write, a contender subscribes (core NATS) to the presence subject
//   `<root>.lease.<bucket>.<key>.holder`, flushes, and checks with a request to itself that the
//   server routes it there (permissions, subject). Only then does it write `presence: <subject>`
//   into the record; without it the record advertises nothing and standbys wait for the TTL. The
//   responder answers `{ holder, revision }` until the lease is released, lost or abandoned.
// - A standby whose newest seen record is unreleased and advertises the same subject requests it
//   every `intervalMs`. The server answers "no responders" (503) at once only when no subscription
//   matches, i.e. the holder's connection is gone from the server (crash, kill, network loss). A
//   live but slow holder (GC pause, blocked loop) still has its subscription: the request times
//   out, which counts as alive. After `misses` consecutive no-responders against the same revision
//   R (requests sent after R was seen, and the responder existed before R was written), the
//   standby takes over by `update(expected = R)`: if the holder wrote anything after R, it fails.
// - The old holder may be alive but cut off. It trusts the lease only on the connection on which
//   its last write was acknowledged (server_id/client_id of `nc.info`): after a reconnect
//   `isHeld()` is false until a renewal on the new connection succeeds (on reconnect it renews at
//   once); that renewal is revision-checked, so after a takeover it fails and the lease is lost
//   ('taken'). It also watches its key and loses the lease ('taken') as soon as another holder's
//   revision appears. While cut off it cannot reach JetStream, so nothing it does is recorded;
//   a publish buffered during the outage is acknowledged only over the new connection, when
//   `isHeld()` is already false. What remains is work that passed `isHeld()` before the cut (a
//   request already on its way to a venue): callers must make such work harmless to a successor
//   (the nonce lease persists a ceiling above every nonce it may issue; recorded orders are found
//   by the successor's recovery).
// - Limit: in a NATS cluster, "no responders" reflects the standby's server's view of interest.
//   A broken route between the holder's and the standby's servers looks like a dead holder for
//   as long as it lasts; the holder then loses the lease at its next renewal or as soon as its
//   key watch sees the takeover. Keep `misses * intervalMs` above route reconnect blips, or
//   disable presence where routes are unreliable.

import { type Logger, silentLogger } from '@hyperflow/core';
import { JetStreamApiCodes, JetStreamApiError, jetstream } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import {
  type NatsConnection,
  NoRespondersError,
  type QueuedIterator,
  RequestError,
  type Status,
  type Subscription,
} from '@nats-io/transport-node';
import { BusError } from './errors.js';

/** What a lease key holds. */
export interface LeaseRecord<D> {
  readonly holder: string;
  readonly released: boolean;
  readonly data: D | undefined;
  /** the writer's clock, ms (informational) */
  readonly writtenAtMs: number;
  /** set by a holder that answers on this presence subject (see Presence above) */
  readonly presence?: string;
}

/** Fast takeover after a crash: see Presence in the header. */
export interface LeasePresenceOptions {
  /** subject root (e.g. `hl`): the subject is `<root>.lease.<bucket>.<key>.holder` */
  readonly root: string;
  /** how often a standby requests the presence subject; default 150 */
  readonly intervalMs?: number;
  /** consecutive "no responders" before a standby takes over; default 3 (min 2) */
  readonly misses?: number;
  /** a request without an answer after this counts as alive; default intervalMs */
  readonly timeoutMs?: number;
}

/** The presence subject of a lease key. */
export function leasePresenceSubject(root: string, bucket: string, key: string): string {
  return `${root}.lease.${bucket}.${key}.holder`;
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
  /** the lease's TTL, ms: at most the bucket's max_age (openLeaseBucket refuses more) */
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
  /** answer presence requests while holding, and take over early from a holder that is gone */
  readonly presence?: LeasePresenceOptions;
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

function isNoResponders(err: unknown): boolean {
  return (
    err instanceof NoRespondersError ||
    (err instanceof RequestError && err.cause instanceof NoRespondersError)
  );
}

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
  #seen: { revision: number; data: D | undefined; presence: boolean } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #nc: NatsConnection | undefined;
  readonly #presence:
    | {
        readonly subject: string;
        readonly intervalMs: number;
        readonly misses: number;
        readonly timeoutMs: number;
      }
    | undefined;
  /** our responder on the presence subject (from just before the acquiring write until we stop holding) */
  #responder: Subscription | undefined;
  /** the presence subject our records advertise (the responder passed its self-check) */
  #advertised: string | undefined;
  /** the connection (server_id/client_id) on which our last write was acknowledged */
  #connId: string | undefined;
  #statusIter: AsyncIterable<Status> | undefined;
  #ownWatch: QueuedIterator<KvEntry> | undefined;

  constructor(
    kv: KV,
    options: LeaseOptions<D>,
    link?: { readonly nc: NatsConnection; readonly bucket: string },
  ) {
    if (!(options.ttlMs > 0)) throw new BusError(`lease ${options.key}: ttlMs must be > 0`);
    this.#kv = kv;
    this.#nc = link?.nc;
    if (options.presence !== undefined) {
      if (link === undefined) throw new BusError(`lease ${options.key}: presence needs the connection`);
      const intervalMs = Math.max(10, options.presence.intervalMs ?? 150);
      this.#presence = {
        subject: leasePresenceSubject(options.presence.root, link.bucket, options.key),
        intervalMs,
        misses: Math.max(2, options.presence.misses ?? 3),
        timeoutMs: Math.max(10, options.presence.timeoutMs ?? intervalMs),
      };
    }
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

  /**
   * True while this process may act under the lease (held and locally valid; with presence, also
   * still on the connection of its last acknowledged write).
   */
  isHeld(): boolean {
    if (!(this.#held && this.#clock() < this.#validUntilMs)) return false;
    if (this.#advertised !== undefined && this.#connIdNow() !== this.#connId) {
      // reconnected since (a standby may have taken over meanwhile): revalidate first
      this.renew().catch((err: unknown) => this.#log.error({ key: this.key, err }, 'lease renew crashed'));
      return false;
    }
    return true;
  }

  /** The presence subject this holder answers on (undefined when it advertises none). */
  get presenceSubject(): string | undefined {
    return this.#advertised;
  }

  #connIdNow(): string | undefined {
    const info = this.#nc?.info;
    return info === undefined ? undefined : `${info.server_id}/${info.client_id}`;
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

  #see(revision: number, data: D | undefined, record?: LeaseRecord<D>): void {
    if (this.#seen === undefined || revision > this.#seen.revision) {
      this.#seen = {
        revision,
        data,
        // a holder that advertises our presence subject (only then may "no responders" count)
        presence:
          this.#presence !== undefined &&
          record !== undefined &&
          !record.released &&
          record.presence === this.#presence.subject,
      };
    }
  }

  #encode(data: D | undefined, released: boolean): string {
    const record: LeaseRecord<D> = {
      holder: this.holderId,
      released,
      data,
      writtenAtMs: this.#clock(),
      ...(released || this.#advertised === undefined ? {} : { presence: this.#advertised }),
    };
    return JSON.stringify(record);
  }

  #wrote(revision: number, sentAtMs: number, data: D | undefined): void {
    this.#revision = revision;
    this.#connId = this.#connIdNow();
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
      this.#see(entry.revision, record.data, record);
      if (!record.released) return { acquired: false, holder: record.holder, previous: this.#seen?.data };
      expected = entry.revision;
    } else if (entry !== null) {
      expected = entry.revision; // a DEL/PURGE marker: the key is free
    }
    return this.#take(expected, options);
  }

  /** The acquiring write, expecting `expected` (0: the key must be absent). */
  async #take(
    expected: number,
    options: Pick<AcquireLeaseOptions<D>, 'data'>,
    how = 'lease acquired',
  ): Promise<TryAcquireResult<D>> {
    const previous = this.#seen?.data;
    const data = options.data ? options.data(previous) : previous;
    // the responder exists before the record that advertises it
    await this.#startPresence();
    const sentAtMs = this.#clock();
    try {
      const revision =
        expected === 0
          ? await this.#kv.create(this.key, this.#encode(data, false))
          : await this.#kv.update(this.key, this.#encode(data, false), expected);
      this.#held = true;
      this.#wrote(revision, sentAtMs, data);
      this.#schedule(this.#renewMs);
      await this.#watchWhileHeld();
      this.#log.info({ key: this.key, holder: this.holderId, revision }, how);
      return { acquired: true, previous };
    } catch (err) {
      if (!this.#held) this.#stopPresence();
      // lost the race (or the key exists: create answers the same code)
      if (isWrongRevision(err)) return { acquired: false, holder: '(unknown)', previous };
      throw new BusError(`lease ${this.key}: acquire failed`, { cause: err });
    }
  }

  /** Subscribes the presence responder and checks that the server routes our own request to it. */
  async #startPresence(): Promise<void> {
    const p = this.#presence;
    const nc = this.#nc;
    if (p === undefined || nc === undefined || this.#responder !== undefined) return;
    this.#responder = nc.subscribe(p.subject, {
      callback: (err, msg) => {
        if (err) return;
        msg.respond(JSON.stringify({ holder: this.holderId, revision: this.#revision }));
      },
    });
    try {
      await nc.flush();
      const answer = await nc.request(p.subject, '', { timeout: Math.max(1000, p.timeoutMs) });
      const who = answer.json<{ holder?: string }>().holder;
      if (who !== this.holderId) throw new BusError(`answered by ${String(who)}`);
      this.#advertised = p.subject;
    } catch (err) {
      this.#log.warn(
        { key: this.key, subject: p.subject, err },
        'lease presence unavailable (permissions?): a standby takes over only after the TTL',
      );
      this.#stopPresence();
    }
  }

  /** While held with presence: renew at once on reconnect, and lose at once to a foreign write. */
  async #watchWhileHeld(): Promise<void> {
    const nc = this.#nc;
    if (this.#advertised === undefined || nc === undefined) return;
    const status = nc.status();
    this.#statusIter = status;
    void (async () => {
      for await (const s of status) {
        if (s.type === 'reconnect') {
          this.renew().catch((err: unknown) =>
            this.#log.error({ key: this.key, err }, 'lease renew crashed'),
          );
        }
      }
    })().catch(() => {});
    try {
      const watch = await this.#kv.watch({ key: this.key, include: 'updates' });
      if (!this.#held) {
        watch.stop();
        return;
      }
      this.#ownWatch = watch;
      void (async () => {
        for await (const e of watch) {
          if (e.operation !== 'PUT' || e.revision <= this.#revision) continue;
          let holder: string | undefined;
          try {
            holder = this.#decode(e).holder;
          } catch {
            holder = undefined;
          }
          if (holder !== this.holderId) this.#lose('taken');
        }
      })().catch(() => {});
    } catch (err) {
      // renewals still detect a takeover; only the early notice is missing
      this.#log.warn({ key: this.key, err }, 'lease: cannot watch the held key');
    }
  }

  #stopPresence(): void {
    this.#responder?.unsubscribe();
    this.#responder = undefined;
    this.#advertised = undefined;
    (this.#statusIter as { stop?: () => void } | undefined)?.stop?.();
    this.#statusIter = undefined;
    this.#ownWatch?.stop();
    this.#ownWatch = undefined;
  }

  /** One presence request: true when the server says nobody answers on the subject. */
  async #holderGone(): Promise<boolean> {
    const p = this.#presence;
    const nc = this.#nc;
    if (p === undefined || nc === undefined) return false;
    try {
      await nc.request(p.subject, '', { timeout: p.timeoutMs });
      return false;
    } catch (err) {
      // a timeout (slow holder) or any other error counts as alive
      return isNoResponders(err);
    }
  }

  /** Early takeover from a holder gone from the server: only if the key is still at `revision`. */
  async #takeOver(
    revision: number,
    options: Pick<AcquireLeaseOptions<D>, 'data'>,
  ): Promise<TryAcquireResult<D> | undefined> {
    const entry = await this.#kv.get(this.key);
    if (entry === null || entry.operation !== 'PUT' || entry.revision !== revision) return undefined;
    const record = this.#decode(entry);
    if (record.released || record.presence !== this.#presence?.subject) return undefined;
    this.#see(entry.revision, record.data, record);
    this.#log.warn(
      { key: this.key, holder: record.holder, revision },
      'lease holder gone from the server (no responders): taking over',
    );
    const r = await this.#take(revision, options, 'lease taken over from a holder that is gone');
    return r.acquired ? r : undefined;
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
          const record = this.#decode(e);
          this.#see(e.revision, record.data, record);
        } catch (err) {
          this.#log.warn({ key: this.key, err }, 'lease: unreadable value while watching');
        }
      }
    })();
    const take = options.data ? { data: options.data } : {};
    const presence = this.#presence;
    let nextPollAt = 0;
    let misses = 0;
    let missesAt = 0; // the revision the misses were counted against
    try {
      for (;;) {
        if (options.signal?.aborted) {
          throw new BusError(`lease ${this.key}: standby aborted`, { cause: options.signal.reason });
        }
        try {
          if (performance.now() >= nextPollAt) {
            nextPollAt = performance.now() + this.#pollMs;
            const r = await this.tryAcquire(take);
            if (r.acquired) return { previous: r.previous };
          }
          const seen = this.#seen;
          if (presence !== undefined && seen?.presence === true) {
            if (seen.revision !== missesAt) {
              misses = 0; // the holder wrote since: it is alive
              missesAt = seen.revision;
            }
            misses = (await this.#holderGone()) ? misses + 1 : 0;
            if (misses >= presence.misses && this.#seen?.revision === missesAt) {
              misses = 0;
              const r = await this.#takeOver(missesAt, take);
              if (r?.acquired) return { previous: r.previous };
            }
          } else {
            misses = 0;
          }
        } catch (err) {
          if (this.#held) throw err;
          // a standby outlives broker hiccups: log and poll again
          this.#log.warn({ key: this.key, err }, 'lease: acquire attempt failed; retrying');
        }
        const wait =
          presence !== undefined && this.#seen?.presence === true ? presence.intervalMs : this.#pollMs;
        await sleep(Math.max(0, Math.min(wait, nextPollAt - performance.now())), options.signal);
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
    this.#stopPresence();
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
    } finally {
      this.#stopPresence();
    }
  }

  /** Stops renewing without writing anything (a simulated crash, or shutdown without handover). */
  abandon(): void {
    this.#held = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiryTimer);
    this.#stopPresence(); // like a crash: a standby with presence takes over at once
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
  /** the bucket's max_age as the server reported it at open, ms; 0 = values never expire */
  readonly ttlMs: number;
  /** throws a BusError for a `ttlMs` above the bucket's */
  lease<D = unknown>(options: LeaseOptions<D>): KvLease<D>;
}

/**
 * Opens an existing lease bucket (provisioned by `provision`; its max_age is the TTL every lease
 * in it must be configured with).
 */
export async function openLeaseBucket(nc: NatsConnection, bucket: string): Promise<LeaseBucket> {
  let kv: KV;
  let ttlMs: number;
  try {
    kv = await new Kvm(jetstream(nc)).open(bucket);
    ttlMs = (await kv.status()).ttl;
  } catch (err) {
    throw new BusError(`lease bucket ${bucket}: cannot open`, { cause: err });
  }
  return {
    name: bucket,
    ttlMs,
    lease: <D>(options: LeaseOptions<D>) => {
      // the key lapses on the server after the bucket's max_age, whatever the holder believes
      if (ttlMs > 0 && options.ttlMs > ttlMs) {
        throw new BusError(
          `lease ${options.key}: ttlMs ${options.ttlMs} exceeds bucket ${bucket}'s max_age of ${ttlMs} ms ` +
            '(the server would drop the lease while its holder still trusts it)',
        );
      }
      return new KvLease<D>(kv, options, { nc, bucket });
    },
  };
}
