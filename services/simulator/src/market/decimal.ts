// Money as scaled bigints: every price, size and balance carries 8 decimals (the venue's max: spot prices).
export const DECIMALS = 8;
export const SCALE = 100_000_000n;

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal string; undefined if malformed or finer than 8 decimals. */
export function parseDecimal(s: string): bigint | undefined {
  const m = DECIMAL_RE.exec(s);
  if (!m) return undefined;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > DECIMALS) return undefined;
  return BigInt(m[1] ?? '0') * SCALE + BigInt(frac.padEnd(DECIMALS, '0') || '0');
}

/** Number of decimals actually used (trailing zeros ignored). */
export function decimalsOf(s: string): number {
  const frac = s.split('.')[1] ?? '';
  return frac.replace(/0+$/, '').length;
}

/** Significant figures of a decimal string (leading and trailing zeros ignored). */
export function sigFigsOf(s: string): number {
  const digits = s.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/** Formats a scaled value with trailing zeros trimmed down to `minDecimals` (venue prints "69997.0"). */
export function formatDecimal(v: bigint, minDecimals = 0): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / SCALE;
  let frac = (a % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  if (frac.length < minDecimals) frac = frac.padEnd(minDecimals, '0');
  const body = frac.length > 0 ? `${int}.${frac}` : `${int}`;
  return neg && a !== 0n ? `-${body}` : body;
}

/** Formats with exactly `decimals` decimals (truncating): sizes at the lot precision. */
export function formatFixed(v: bigint, decimals: number): string {
  const unit = 10n ** BigInt(DECIMALS - decimals);
  const t = (v / unit) * unit;
  const s = formatDecimal(t, decimals);
  if (decimals === 0) return s;
  const [i, f = ''] = s.split('.');
  return `${i}.${f.slice(0, decimals)}`;
}

/** a × b for two scaled values. */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) / SCALE;
}

/** a ÷ b for two scaled values. */
export function div(a: bigint, b: bigint): bigint {
  return (a * SCALE) / b;
}

export function fromInt(n: number): bigint {
  return BigInt(n) * SCALE;
}

export function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Canonical wire form used for hashing: no trailing zeros, no trailing dot (venue float_to_wire). */
export function normalizeNumberString(s: string): string {
  const v = parseDecimal(s);
  return v === undefined ? s : formatDecimal(v);
}
