import { formatDecimal, parseDecimal, SCALE } from './decimal.js';

/**
 * A forced price move (control path `POST /_sim/market/move`): the coin's mid jumps by `bps`
 * (signed decimal string, "250" = +2.5 %) or to `px` (decimal string); books and mids follow at
 * once and the next market step prints a trade at the new price.
 */
export type MoveRequest =
  | { readonly coin: string; readonly bps: string }
  | { readonly coin: string; readonly px: string };

export interface MoveResult {
  readonly coin: string;
  /** mid before and after, decimal strings */
  readonly from: string;
  readonly to: string;
}

/** Why a move request was refused: the offending field and a sentence for humans. */
export interface MoveError {
  readonly field: string;
  readonly error: string;
}

const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;
const BPS_LIMIT = 5_000n * SCALE; // ±50 %: a larger jump is a typo, not a test scenario

/** Validates the JSON body of a move; `coins` are the markets the simulator quotes. */
export function parseMove(body: unknown, coins: readonly string[]): MoveRequest | MoveError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { field: 'body', error: 'expected a JSON object like {"coin":"BTC","bps":"250"}' };
  }
  const b = body as Record<string, unknown>;
  const known = new Set(['coin', 'bps', 'px']);
  const extra = Object.keys(b).find((k) => !known.has(k));
  if (extra !== undefined) return { field: extra, error: `unknown field "${extra}"` };
  if (typeof b.coin !== 'string' || b.coin.length === 0) {
    return { field: 'coin', error: 'coin is required: a coin name such as "BTC"' };
  }
  if (!coins.includes(b.coin)) return { field: 'coin', error: `unknown coin "${b.coin}"` };
  const coin = b.coin;
  if ((b.bps === undefined) === (b.px === undefined)) {
    return { field: 'bps', error: 'give exactly one of bps (signed decimal string) and px (decimal string)' };
  }
  if (b.bps !== undefined) {
    if (typeof b.bps !== 'string' || !SIGNED_DECIMAL.test(b.bps)) {
      return { field: 'bps', error: 'bps must be a signed decimal string, e.g. "250" or "-12.5"' };
    }
    const mag = parseDecimal(b.bps.replace(/^-/, ''));
    if (mag === undefined) return { field: 'bps', error: 'bps has more than 8 decimals' };
    if (mag === 0n) return { field: 'bps', error: 'bps must not be zero' };
    if (mag > BPS_LIMIT) return { field: 'bps', error: 'bps must be within ±5000 (50 %)' };
    return { coin, bps: b.bps };
  }
  if (typeof b.px !== 'string') return { field: 'px', error: 'px must be a decimal string, e.g. "61250.5"' };
  const px = parseDecimal(b.px);
  if (px === undefined) return { field: 'px', error: 'px must be a decimal string, e.g. "61250.5"' };
  if (px === 0n) return { field: 'px', error: 'px must be positive' };
  return { coin, px: b.px };
}

export function isMoveError(r: MoveRequest | MoveError): r is MoveError {
  return 'error' in r;
}

/**
 * The new mid, on the tick grid of the new price (`tickAt`), never below ten ticks (the random
 * walk's floor). Scaled bigints throughout.
 */
export function targetMid(current: bigint, move: MoveRequest, tickAt: (px: bigint) => bigint): bigint {
  let raw: bigint;
  if ('bps' in move) {
    const neg = move.bps.startsWith('-');
    const mag = parseDecimal(move.bps.replace(/^-/, '')) ?? 0n;
    const delta = (current * mag) / (10_000n * SCALE);
    raw = neg ? current - delta : current + delta;
  } else {
    raw = parseDecimal(move.px) ?? current;
  }
  const tick = tickAt(raw > 0n ? raw : current);
  const snapped = (raw / tick) * tick;
  return snapped > tick * 10n ? snapped : tick * 10n;
}

export function moveResult(coin: string, from: bigint, to: bigint): MoveResult {
  return { coin, from: formatDecimal(from), to: formatDecimal(to) };
}
