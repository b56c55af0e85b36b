// Fills the venue recorded while nobody listened (the service was down, or the account socket was
// between a disconnect and its resubscribe): `userFillsByTime` from the last fill time we know of,
// each fill published on `acct.fill.<coin>` (msgId = its venue-derived id) and handed to the
// order record, which keeps one event per tid. The last fill time survives a restart: it is the
// newest of our fills on the EXECUTION stream's `acct.fill.*` subjects.
import { FillRecorded, type Net, parseJson } from '@hyperflow/contracts';
import { parseFills, type UserFills } from '@hyperflow/hyperliquid';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';

/** venue: one userFillsByTime answer holds at most this many fills; page on from the last time */
export const FILLS_PAGE = 2000;

/** Newest fill time (and the tids at that time) of `user` among the last fill of every coin subject. */
export async function lastFillSeen(
  jsm: JetStreamManager,
  stream: string,
  fillsFilter: string,
  user: string,
): Promise<{ readonly timeMs: number; readonly tids: readonly number[] } | undefined> {
  const info = await jsm.streams.info(stream, { subjects_filter: fillsFilter });
  let best: { timeMs: number; tids: number[] } | undefined;
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (last === null) continue;
    const fill = parseJson(FillRecorded, last.data, `last fill on ${subject}`);
    // the subject is shared by every account of the net: another account's fill tells nothing
    if (fill.user !== user.toLowerCase()) continue;
    if (best === undefined || fill.exchTsMs > best.timeMs) best = { timeMs: fill.exchTsMs, tids: [fill.tid] };
    else if (fill.exchTsMs === best.timeMs) best.tids.push(fill.tid);
  }
  return best;
}

export interface FillRecoveryOptions {
  readonly info: {
    userFillsByTime(args: { readonly user: string; readonly startTime: number }): Promise<UserFills>;
  };
  /** master or sub-account */
  readonly account: string;
  readonly net: Net;
  /** how far back to ask when no fill was ever seen */
  readonly lookbackMs: number;
  /** fills in a full answer (the venue's cap; tests use less) */
  readonly pageSize?: number;
  readonly clock: () => number;
  readonly log: Logger;
  /** publishes one fill on `acct.fill.<coin>` (msgId: fill.id) */
  publish(fill: FillRecorded): Promise<void>;
  /** records one fill into its order (idempotent by tid) */
  record(fill: FillRecorded): Promise<void>;
}

export interface FillRecoveryRun {
  /** fills the venue returned since the last known fill time */
  readonly fetched: number;
  /** fills newer than the last one seen, published and recorded */
  readonly recovered: number;
}

/** Single-flight: a run asked for while one is going joins it. */
export class FillRecovery {
  readonly #o: FillRecoveryOptions;
  /** newest fill time seen (restored from the stream, advanced by every fill seen live) */
  #since: number | undefined;
  /** tids seen at exactly `#since` (several fills may share a millisecond) */
  #atSince = new Set<number>();
  #running: Promise<FillRecoveryRun> | undefined;

  constructor(options: FillRecoveryOptions) {
    this.#o = options;
  }

  get sinceMs(): number | undefined {
    return this.#since;
  }

  /** The last fill seen before (from the stream, on start). */
  restore(last: { readonly timeMs: number; readonly tids: readonly number[] } | undefined): void {
    if (last === undefined) return;
    if (this.#since === undefined || last.timeMs > this.#since) {
      this.#since = last.timeMs;
      this.#atSince = new Set();
    }
    if (last.timeMs === this.#since) for (const tid of last.tids) this.#atSince.add(tid);
  }

  /** A fill seen (live on the socket, or recovered): moves the mark forward. */
  observe(fill: { readonly exchTsMs: number; readonly tid: number }): void {
    if (this.#since === undefined || fill.exchTsMs > this.#since) {
      this.#since = fill.exchTsMs;
      this.#atSince = new Set([fill.tid]);
    } else if (fill.exchTsMs === this.#since) {
      this.#atSince.add(fill.tid);
    }
  }

  run(): Promise<FillRecoveryRun> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<FillRecoveryRun> {
    const user = this.#o.account.toLowerCase();
    // the mark as this run starts: fills seen live while it runs do not hide older ones it fetches
    const since = this.#since;
    const atSince = new Set(this.#atSince);
    /** this run's own, across pages (a page starts at the previous page's newest time) */
    const done = new Set<number>();
    const seen = (fill: FillRecorded) =>
      done.has(fill.tid) ||
      (since !== undefined && (fill.exchTsMs < since || (fill.exchTsMs === since && atSince.has(fill.tid))));
    let start = since ?? Math.max(0, Math.floor(this.#o.clock() - this.#o.lookbackMs));
    let fetched = 0;
    let recovered = 0;
    for (;;) {
      const page = await this.#o.info.userFillsByTime({ user, startTime: start });
      fetched += page.length;
      // in venue time order; ties by tid, so the mark moves forward monotonically
      const fills = parseFills(page, { net: this.#o.net, user }).sort(
        (a, b) => a.exchTsMs - b.exchTsMs || a.tid - b.tid,
      );
      for (const fill of fills) {
        if (seen(fill)) continue;
        await this.#o.publish(fill);
        await this.#o.record(fill);
        done.add(fill.tid);
        this.observe(fill);
        recovered += 1;
      }
      const newest = fills.at(-1)?.exchTsMs;
      // a full page may have more after it; an unchanged start would ask the same page again
      if (page.length < (this.#o.pageSize ?? FILLS_PAGE) || newest === undefined || newest <= start) break;
      start = newest;
    }
    if (recovered > 0) this.#o.log.warn({ recovered, fetched }, 'fills recovered from userFillsByTime');
    else this.#o.log.debug({ fetched }, 'no missed fills');
    return { fetched, recovered };
  }
}
