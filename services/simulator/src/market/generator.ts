import type { Engine } from '../matching/engine.js';
import { div, parseDecimal, SCALE } from './decimal.js';
import { type MoveRequest, type MoveResult, moveResult, targetMid } from './move.js';
import { Prng } from './prng.js';
import { lotFor, tickFor } from './rules.js';
import type { MarketSpec } from './universe.js';

export interface GeneratorOptions {
  readonly seed: number;
  /** levels quoted per side; the venue's book snapshot shows 20 */
  readonly levels?: number;
  /** chance per coin per tick that the synthetic taker trades */
  readonly takerProbability?: number;
  /** USDC notional of one quoted level at unit size */
  readonly levelNotional?: number;
}

interface CoinState {
  readonly market: MarketSpec;
  mid: bigint;
  /** after a forced move: the next step takes on this side, so a trade prints at the new price */
  forcedTake?: 'B' | 'A' | undefined;
}

/**
 * Seeded synthetic market: a random walk of the mid, a ladder of maker quotes around it and random
 * taker flow. Same seed and same tick times → same books, trades and fills.
 */
export class MarketGenerator {
  private readonly rng: Prng;
  private readonly coins: CoinState[];
  private readonly levels: number;
  private readonly takerProbability: number;
  private readonly levelNotional: bigint;

  constructor(markets: readonly MarketSpec[], opts: GeneratorOptions) {
    this.rng = new Prng(opts.seed);
    this.levels = opts.levels ?? 25;
    this.takerProbability = opts.takerProbability ?? 0.3;
    this.levelNotional = BigInt(opts.levelNotional ?? 2000) * SCALE;
    this.coins = markets.map((market) => ({ market, mid: parseDecimal(market.initialPx) ?? SCALE }));
  }

  mid(coin: string): bigint | undefined {
    return this.coins.find((c) => c.market.coin === coin)?.mid;
  }

  /** One step: walk, requote, maybe take; then fire triggers against the new marks. */
  step(engine: Engine, now: number): void {
    for (const c of this.coins) {
      const tick = tickFor(c.mid, c.market);
      const move = BigInt(this.rng.int(-3, 3));
      const next = ((c.mid + move * tick) / tick) * tick;
      if (next > tick * 10n) c.mid = next;
      engine.requote(c.market.coin, this.ladder(c, tick), now);
      // a forced take (after a move) draws like a random one; without moves the sequence is unchanged
      const takes = this.rng.chance(this.takerProbability);
      if (takes || c.forcedTake) {
        const random = this.rng.chance(0.5) ? 'B' : 'A';
        const side = c.forcedTake ?? random;
        c.forcedTake = undefined;
        const lots = BigInt(this.rng.int(1, 4));
        const sz = this.unitSize(c) * lots;
        // limit one tenth away: it walks a few levels at most
        const px = side === 'B' ? c.mid + c.mid / 10n : c.mid - c.mid / 10n;
        engine.take(c.market.coin, side, px, sz, now);
      }
    }
    engine.checkTriggers(now);
  }

  /**
   * A forced move (test control): the mid jumps now, the maker requotes around it at once, and
   * the next step takes in the direction of the move so a trade prints at the new price.
   */
  move(engine: Engine, req: MoveRequest, now: number): MoveResult | undefined {
    const c = this.coins.find((x) => x.market.coin === req.coin);
    if (!c) return undefined;
    const from = c.mid;
    c.mid = targetMid(from, req, (px) => tickFor(px, c.market));
    if (c.mid !== from) c.forcedTake = c.mid > from ? 'B' : 'A';
    engine.requote(c.market.coin, this.ladder(c, tickFor(c.mid, c.market)), now);
    engine.checkTriggers(now);
    return moveResult(c.market.coin, from, c.mid);
  }

  private unitSize(c: CoinState): bigint {
    const lot = lotFor(c.market);
    const raw = div(this.levelNotional, c.mid);
    const sz = (raw / lot) * lot;
    return sz > 0n ? sz : lot;
  }

  private ladder(c: CoinState, tick: bigint): { side: 'B' | 'A'; px: bigint; sz: bigint }[] {
    const unit = this.unitSize(c);
    const out: { side: 'B' | 'A'; px: bigint; sz: bigint }[] = [];
    for (let i = 0; i < this.levels; i++) {
      const gap = BigInt(i + 1 + this.rng.int(0, 1)) * tick;
      out.push({ side: 'B', px: c.mid - gap - BigInt(i) * tick, sz: unit * BigInt(this.rng.int(1, 8)) });
      out.push({ side: 'A', px: c.mid + gap + BigInt(i) * tick, sz: unit * BigInt(this.rng.int(1, 8)) });
    }
    return out;
  }
}
