import { minValueSpotText, REFUSAL } from '@hyperflow/hyperliquid/internal';
import { decimalsOf, mul, parseDecimal, SCALE, sigFigsOf } from './decimal.js';
import type { MarketSpec } from './universe.js';

// venue: prices carry at most MAX_DECIMALS − szDecimals decimals (6 for perps, 8 for spot)
const MAX_DECIMALS = { perp: 6, spot: 8 } as const;
const MIN_NOTIONAL = 10n * SCALE;

/** Tick check; returns the venue's error string or undefined when valid. */
export function checkPrice(px: string, m: MarketSpec): string | undefined {
  const v = parseDecimal(px);
  if (v === undefined || v === 0n) return REFUSAL.tick;
  const decimals = decimalsOf(px);
  if (decimals > MAX_DECIMALS[m.kind] - m.szDecimals) return REFUSAL.tick;
  // venue: max 5 significant figures, but integer prices are always allowed
  if (decimals > 0 && sigFigsOf(px) > 5) return REFUSAL.tick;
  return undefined;
}

/** Lot check; returns the venue's error string or undefined when valid. */
export function checkSize(sz: string, m: MarketSpec): string | undefined {
  const v = parseDecimal(sz);
  if (v === undefined) return REFUSAL.invalidSize;
  if (v === 0n) return REFUSAL.zeroSize;
  // venue: sizes are not rounded for you
  if (decimalsOf(sz) > m.szDecimals) return REFUSAL.invalidSize;
  return undefined;
}

/** Minimum notional: $10 for perps, 10 quote units for spot. */
export function checkNotional(px: bigint, sz: bigint, m: MarketSpec): string | undefined {
  if (mul(px, sz) >= MIN_NOTIONAL) return undefined;
  return m.kind === 'perp' ? REFUSAL.minValuePerp : minValueSpotText(m.quote);
}

/** Smallest price step that keeps 5 significant figures at this price level. */
export function tickFor(px: bigint, m: MarketSpec): bigint {
  const intDigits = (px / SCALE).toString().length;
  const maxDec = MAX_DECIMALS[m.kind] - m.szDecimals;
  let exp: number;
  if (px >= SCALE) exp = Math.max(intDigits - 5, -maxDec);
  else {
    // leading zeros after the point decide where the 5 figures end
    const frac = (px % SCALE).toString().padStart(8, '0');
    const lead = frac.length - frac.replace(/^0+/, '').length;
    exp = Math.max(-(lead + 5), -maxDec);
  }
  if (exp >= 0) return 10n ** BigInt(exp) * SCALE;
  return SCALE / 10n ** BigInt(-exp) || 1n;
}

/** Lot size as a scaled value. */
export function lotFor(m: MarketSpec): bigint {
  return SCALE / 10n ** BigInt(m.szDecimals);
}
