import { ContractError } from './parse.js';

/**
 * The one rule that makes a venue coin name subject-safe and reversible.
 *
 * Venue names include `BTC`, `@107` (spot by index), `PURR/USDC` (spot pair) and `xyz:XYZ100`
 * (builder-deployed perp). A NATS subject token may not contain `.`, `*`, `>` or whitespace,
 * and tools treat other punctuation inconsistently, so: ASCII letters, digits, `_` and `-` stay;
 * every other byte of the UTF-8 name becomes `~` followed by two upper-case hex digits.
 * `~` itself is escaped, so decoding is unambiguous and every name has exactly one token.
 *
 *   BTC → BTC   @107 → ~40107   PURR/USDC → PURR~2FUSDC   xyz:XYZ100 → xyz~3AXYZ100
 */
const KEEP = /^[A-Za-z0-9_-]$/;
const TOKEN = /^(?:[A-Za-z0-9_-]|~[0-9A-F]{2})+$/;
/** venue coin names are short; a longer one is a bug upstream, not a coin */
export const MAX_COIN_LENGTH = 64;

export function encodeCoin(coin: string): string {
  if (coin.length === 0) throw new ContractError('invalid coin name', ['(root): empty']);
  if (coin.length > MAX_COIN_LENGTH) {
    throw new ContractError('invalid coin name', [`(root): longer than ${MAX_COIN_LENGTH} characters`]);
  }
  // whitespace and control characters are never part of a venue name: refuse rather than encode noise
  if (/[\s\p{Cc}]/u.test(coin)) {
    throw new ContractError('invalid coin name', [`(root): contains whitespace or control characters`]);
  }
  let out = '';
  for (const ch of coin) {
    if (KEEP.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of new TextEncoder().encode(ch))
      out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeCoin(token: string): string {
  if (!TOKEN.test(token)) {
    throw new ContractError('invalid coin token', [
      `(root): ${JSON.stringify(token)} is not an encoded coin name`,
    ]);
  }
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    if (token[i] === '~') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(token.charCodeAt(i));
      i += 1;
    }
  }
  let coin: string;
  try {
    coin = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch (err) {
    throw new ContractError('invalid coin token', [`(root): ${JSON.stringify(token)} is not UTF-8`], {
      cause: err,
    });
  }
  // canonical form only: `~41` for `A` would make two tokens for one coin
  if (encodeCoin(coin) !== token) {
    throw new ContractError('invalid coin token', [
      `(root): ${JSON.stringify(token)} is not in canonical form`,
    ]);
  }
  return coin;
}
