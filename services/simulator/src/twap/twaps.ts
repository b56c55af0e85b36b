import { REFUSAL } from '@hyperflow/hyperliquid/internal';
import { formatDecimal, minBig, mul, parseDecimal, SCALE } from '../market/decimal.js';
import { checkSize, lotFor, tickFor } from '../market/rules.js';
import type { Engine } from '../matching/engine.js';
import type { Side } from '../matching/types.js';

// venue: a TWAP sends one suborder every 30 s, each at most 3 % away from the mark, for `m`
// minutes, and needs at least $10 of notional per minute
const SLICE_MS = 30_000;
const MAX_SLIPPAGE_PCT = 3n;
const MIN_NTL_PER_MINUTE = 10n * SCALE;

/** venue: TwapState as twapStates / twapHistory carry it ([NK] TwapState) */
export interface TwapStateWire {
  coin: string;
  executedNtl: string;
  executedSz: string;
  minutes: number;
  randomize: boolean;
  reduceOnly: boolean;
  side: Side;
  stopPx: string | null;
  sz: string;
  timestamp: number;
  trigger: null;
  user: string;
}

export type TwapStatus = 'activated' | 'finished' | 'terminated';

/** venue: one twapHistory entry */
export interface TwapHistoryEntry {
  time: number;
  state: TwapStateWire;
  status: { status: TwapStatus };
  twapId: number;
}

interface Twap {
  readonly id: number;
  readonly user: string;
  readonly asset: number;
  readonly coin: string;
  readonly dex: string;
  readonly isBuy: boolean;
  readonly sz: bigint;
  readonly reduceOnly: boolean;
  readonly minutes: number;
  readonly randomize: boolean;
  readonly timestamp: number;
  executedSz: bigint;
  executedNtl: bigint;
  slicesDone: number;
}

export interface TwapRequest {
  readonly user: string;
  readonly asset: number;
  readonly isBuy: boolean;
  readonly sz: string;
  readonly reduceOnly: boolean;
  readonly minutes: number;
  readonly randomize: boolean;
}

/** Running TWAPs and their history. Pure: time comes in, orders go through the engine. */
export class Twaps {
  private nextId = 1;
  private readonly running = new Map<number, Twap>();
  private readonly history = new Map<string, TwapHistoryEntry[]>();

  /** venue twapOrder: `{running:{twapId}}` or `{error}` (the answer's `data.status`) */
  start(e: Engine, req: TwapRequest, now: number): { running: { twapId: number } } | { error: string } {
    const m = e.market(req.asset);
    if (!m) return { error: REFUSAL.invalidAsset };
    const szErr = checkSize(req.sz, m);
    if (szErr) return { error: szErr };
    const sz = parseDecimal(req.sz) ?? 0n;
    const min = MIN_NTL_PER_MINUTE * BigInt(req.minutes);
    if (mul(sz, e.markPx(m.coin)) < min) {
      return {
        error: `${REFUSAL.twapTooSmall} Min is $${formatDecimal(min)}, which is $10 per minute.`,
      };
    }
    const t: Twap = {
      id: this.nextId++,
      user: req.user,
      asset: req.asset,
      coin: m.coin,
      dex: m.dex,
      isBuy: req.isBuy,
      sz,
      reduceOnly: req.reduceOnly,
      minutes: req.minutes,
      randomize: req.randomize,
      timestamp: now,
      executedSz: 0n,
      executedNtl: 0n,
      slicesDone: 0,
    };
    this.running.set(t.id, t);
    this.record(t, 'activated', now);
    // venue: the first suborder goes out at once
    this.slice(e, t, now);
    return { running: { twapId: t.id } };
  }

  /** venue twapCancel: `"success"` or `{error}` */
  cancel(e: Engine, user: string, asset: number, id: number, now: number): 'success' | { error: string } {
    const t = this.running.get(id);
    if (!t || t.user !== user || t.asset !== asset) return { error: REFUSAL.twapMissing };
    this.finish(e, t, 'terminated', now);
    return 'success';
  }

  /** Sends every suborder that is due at `now`. */
  step(e: Engine, now: number): void {
    for (const t of [...this.running.values()]) {
      const due = Math.min(this.totalSlices(t), Math.floor((now - t.timestamp) / SLICE_MS) + 1);
      while (t.slicesDone < due && this.running.has(t.id)) this.slice(e, t, now);
    }
  }

  states(user: string, dex: string): [number, TwapStateWire][] {
    return [...this.running.values()]
      .filter((t) => t.user === user && t.dex === dex)
      .map((t) => [t.id, stateOf(t)]);
  }

  historyOf(user: string): TwapHistoryEntry[] {
    return [...(this.history.get(user) ?? [])];
  }

  private totalSlices(t: Twap): number {
    return (t.minutes * 60_000) / SLICE_MS;
  }

  /** One Ioc suborder for the remainder spread over the slices left (an unfilled slice catches up later). */
  private slice(e: Engine, t: Twap, now: number): void {
    const m = e.market(t.asset);
    if (!m) return;
    t.slicesDone += 1;
    const left = this.totalSlices(t) - t.slicesDone + 1;
    const remaining = t.sz - t.executedSz;
    const lot = lotFor(m);
    let sz = left <= 1 ? remaining : (remaining / BigInt(left) / lot) * lot;
    if (sz === 0n) sz = minBig(remaining, lot);
    const mark = e.markPx(m.coin);
    const edge = mark + ((t.isBuy ? 1n : -1n) * mark * MAX_SLIPPAGE_PCT) / 100n;
    const tick = tickFor(edge, m);
    const px = (edge / tick) * tick;
    if (sz > 0n && px > 0n) {
      const r = e.placeOrder(
        {
          user: t.user,
          asset: t.asset,
          isBuy: t.isBuy,
          px: formatDecimal(px),
          sz: formatDecimal(sz),
          reduceOnly: t.reduceOnly,
          tif: 'Ioc',
          twapId: t.id,
        },
        now,
      );
      if ('filled' in r) {
        const filled = parseDecimal(r.filled.totalSz) ?? 0n;
        t.executedSz += filled;
        t.executedNtl += mul(filled, parseDecimal(r.filled.avgPx) ?? 0n);
      }
    }
    e.touch(t.user);
    if (t.executedSz >= t.sz || t.slicesDone >= this.totalSlices(t)) this.finish(e, t, 'finished', now);
  }

  private finish(e: Engine, t: Twap, status: TwapStatus, now: number): void {
    this.running.delete(t.id);
    this.record(t, status, now);
    e.touch(t.user);
  }

  private record(t: Twap, status: TwapStatus, now: number): void {
    const list = this.history.get(t.user) ?? [];
    list.push({ time: Math.floor(now / 1000), state: stateOf(t), status: { status }, twapId: t.id });
    this.history.set(t.user, list);
  }
}

function stateOf(t: Twap): TwapStateWire {
  return {
    coin: t.coin,
    executedNtl: formatDecimal(t.executedNtl, 1),
    executedSz: formatDecimal(t.executedSz, 1),
    minutes: t.minutes,
    randomize: t.randomize,
    reduceOnly: t.reduceOnly,
    side: t.isBuy ? 'B' : 'A',
    stopPx: null,
    sz: formatDecimal(t.sz, 1),
    timestamp: t.timestamp,
    trigger: null,
    user: t.user,
  };
}
