import { HyperliquidError } from '../errors.js';
import {
  compareDecimal,
  formatDecimal,
  leadingExponent,
  multiplyDecimal,
  parseDecimal,
  type RoundingMode,
  rescale,
  type ScaledDecimal,
} from './decimal.js';

/** A price or size that breaks (or cannot be brought within) the venue's tick/lot/notional rules. */
export class AssetRuleError extends HyperliquidError {
  override name = 'AssetRuleError';
}

/** Which price rule applies: spot allows two more decimals. HIP-3 builder perps use the perp rule. */
export type PriceMarket = 'perp' | 'spot';

// venue: prices have at most 5 significant figures (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/tick-and-lot-size) unless they are integers
export const MAX_PRICE_SIG_FIGS = 5;
// venue: MAX_DECIMALS = 6 for perps, 8 for spot; a price has at most MAX_DECIMALS − szDecimals decimals
export const MAX_PRICE_DECIMALS: Readonly<Record<PriceMarket, number>> = { perp: 6, spot: 8 };
// venue: "Order must have minimum value of $10." (perps, USDC) / "10 {quote}" (spot)
export const MIN_ORDER_NOTIONAL = '10';

function checkSzDecimals(szDecimals: number): void {
  if (!Number.isInteger(szDecimals) || szDecimals < 0 || szDecimals > 18) {
    throw new AssetRuleError(`szDecimals must be an integer in 0..18, got ${szDecimals}`);
  }
}

function nonNegative(value: string, field: string): ScaledDecimal {
  const d = parseDecimal(value, field);
  if (d.negative && d.coef !== 0n) throw new AssetRuleError(`${field}: must not be negative, got ${value}`);
  return { ...d, negative: false };
}

/** Most decimals a price may have for this market and szDecimals (before the sig-fig rule). */
export function maxPriceDecimals(szDecimals: number, market: PriceMarket): number {
  checkSzDecimals(szDecimals);
  return Math.max(MAX_PRICE_DECIMALS[market] - szDecimals, 0);
}

/**
 * Decimals allowed for a price of this magnitude: min(max decimals, what keeps 5 significant
 * figures). At ≥ 10^4 the sig-fig rule leaves 0 decimals, which makes every integer valid.
 */
function allowedPriceDecimals(px: ScaledDecimal, szDecimals: number, market: PriceMarket): number {
  const bySigFigs = Math.max(MAX_PRICE_SIG_FIGS - 1 - leadingExponent(px), 0);
  return Math.min(maxPriceDecimals(szDecimals, market), bySigFigs);
}

/**
 * Rounds a price to the venue's tick rule and returns it in wire format (no trailing zeros).
 * One rounding step at the allowed number of decimals (no double rounding); a carry (9.99995 → 10)
 * only adds trailing zeros, so the result still has ≤ 5 significant figures. Throws if the price
 * is zero or rounds to zero.
 */
export function roundPrice(
  px: string,
  szDecimals: number,
  market: PriceMarket,
  mode: RoundingMode = 'nearest',
): string {
  const d = nonNegative(px, 'price');
  if (d.coef === 0n) throw new AssetRuleError('price: must be positive, got 0');
  const rounded = rescale(d, allowedPriceDecimals(d, szDecimals, market), mode);
  if (rounded.coef === 0n) {
    throw new AssetRuleError(
      `price ${px} rounds to 0 with szDecimals ${szDecimals} (${market}: at most ${maxPriceDecimals(szDecimals, market)} decimals)`,
    );
  }
  return formatDecimal(rounded);
}

/** Why `px` is not a valid price for this market, or undefined when it is. */
export function priceViolation(px: string, szDecimals: number, market: PriceMarket): string | undefined {
  const d = nonNegative(px, 'price');
  if (d.coef === 0n) return 'price must be positive';
  const exact = formatDecimal(rescale(d, allowedPriceDecimals(d, szDecimals, market), 'down'));
  if (compareDecimal(parseDecimal(exact), d) === 0) return undefined;
  const maxDec = maxPriceDecimals(szDecimals, market);
  return `price ${px} has more than ${MAX_PRICE_SIG_FIGS} significant figures or more than ${maxDec} decimals (${market}, szDecimals ${szDecimals}) and is not an integer`;
}

/** Throws an AssetRuleError naming the rule when `px` would be rejected (`Price must be divisible by tick size.`). */
export function assertValidPrice(px: string, szDecimals: number, market: PriceMarket): void {
  const why = priceViolation(px, szDecimals, market);
  if (why !== undefined) throw new AssetRuleError(why);
}

/**
 * Rounds a size to the lot (szDecimals decimals) in wire format. The default `down` never buys
 * more than asked (venue rejects extra decimals, `Order has invalid size.`). Throws on zero
 * (`Order has zero size.`).
 */
export function roundSize(sz: string, szDecimals: number, mode: RoundingMode = 'down'): string {
  checkSzDecimals(szDecimals);
  const rounded = rescale(nonNegative(sz, 'size'), szDecimals, mode);
  if (rounded.coef === 0n) throw new AssetRuleError(`size ${sz} rounds to 0 at ${szDecimals} decimals`);
  return formatDecimal(rounded);
}

/** Why `sz` is not a valid size, or undefined. */
export function sizeViolation(sz: string, szDecimals: number): string | undefined {
  checkSzDecimals(szDecimals);
  const d = nonNegative(sz, 'size');
  if (d.coef === 0n) return 'size must be positive';
  if (compareDecimal(rescale(d, szDecimals, 'down'), d) !== 0) {
    return `size ${sz} has more than ${szDecimals} decimals`;
  }
  return undefined;
}

export function assertValidSize(sz: string, szDecimals: number): void {
  const why = sizeViolation(sz, szDecimals);
  if (why !== undefined) throw new AssetRuleError(why);
}

/** Exact `px × sz` in wire format. */
export function notional(px: string, sz: string): string {
  return formatDecimal(multiplyDecimal(nonNegative(px, 'price'), nonNegative(sz, 'size')));
}

/** Whether px × sz reaches the minimum order value (≥, exact). */
export function meetsMinNotional(px: string, sz: string, min: string = MIN_ORDER_NOTIONAL): boolean {
  const value = multiplyDecimal(nonNegative(px, 'price'), nonNegative(sz, 'size'));
  return compareDecimal(value, nonNegative(min, 'min notional')) >= 0;
}

export function assertMinNotional(px: string, sz: string, min: string = MIN_ORDER_NOTIONAL): void {
  if (!meetsMinNotional(px, sz, min)) {
    throw new AssetRuleError(`order value ${notional(px, sz)} (${px} × ${sz}) is below the minimum ${min}`);
  }
}

/** The smallest lot-aligned size whose notional at `px` reaches `min` (ceil(min / px) at szDecimals). */
export function minSizeForNotional(px: string, szDecimals: number, min: string = MIN_ORDER_NOTIONAL): string {
  checkSzDecimals(szDecimals);
  const p = nonNegative(px, 'price');
  if (p.coef === 0n) throw new AssetRuleError('price: must be positive, got 0');
  const m = nonNegative(min, 'min notional');
  // size·10^szDecimals = ceil(m.coef·10^(szDecimals + p.scale) / (p.coef·10^m.scale))
  const num = m.coef * 10n ** BigInt(szDecimals + p.scale);
  const den = p.coef * 10n ** BigInt(m.scale);
  const coef = (num + den - 1n) / den;
  return formatDecimal({ negative: false, coef: coef === 0n ? 1n : coef, scale: szDecimals });
}
