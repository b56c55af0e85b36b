// Every refusal text the venue is known to send, classified once (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/nonces-and-api-wallets, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket).
// Pure: no I/O. The simulator builds its answers from these texts; clients classify with them.

/**
 * What a refusal tells a client about the request and the order it concerned:
 * - `definitive-final`: nothing happened, and the request as built can never be accepted (fix it);
 * - `definitive-retryable`: nothing happened; the same intent may be accepted later, as market or
 *   account state changes (re-price, re-sign, wait);
 * - `rate-limit`: nothing happened, a limit refused it; send again after the window;
 * - `ambiguous`: the answer does not say what state the order is in (filled? canceled? landed
 *   before?): reconcile from the venue's state before acting.
 */
export type RefusalKind = 'definitive-final' | 'definitive-retryable' | 'rate-limit' | 'ambiguous';

/** Fixed prefixes of the venue's texts; variable parts (bbo, quote, nonces, addresses) follow them. */
export const REFUSAL = {
  tick: 'Price must be divisible by tick size.',
  minValuePerp: 'Order must have minimum value of $10.',
  /** spot: `Order must have minimum value of 10 {quote}.` */
  minValueSpot: 'Order must have minimum value of 10 ',
  margin: 'Insufficient margin to place order.',
  reduceOnly: 'Reduce only order would increase position.',
  /** `…, bbo was {bid}@{ask}.` follows */
  postOnly: 'Post only order would have immediately matched',
  iocNoMatch: 'Order could not immediately match against any resting orders.',
  invalidTpsl: 'Invalid TP/SL price.',
  noLiquidity: 'No liquidity available for market order.',
  openInterestCapped: 'Order would increase open interest while open interest is capped',
  oracleAtCap: 'Order rejected due to price more aggressive than oracle while at open interest cap',
  openInterestTooFast: 'Order would increase open interest too quickly',
  spotBalance: 'Order has insufficient spot balance to trade',
  tooFarFromOracle: 'Order price too far from oracle',
  marginTier: 'Order would cause position to exceed margin tier limit at current leverage',
  invalidSize: 'Order has invalid size.',
  zeroSize: 'Order has zero size.',
  priceBand: 'Order price cannot be more than 80% away from the reference price',
  postUpgrade: 'Only post-only orders allowed immediately after network upgrade',
  invalidAsset: 'Invalid asset.',
  // not in the docs' list; the venue's exact text for a non-reduce-only TP/SL child is unconfirmed
  tpslReduceOnly: 'TP/SL orders must be reduce only.',
  cancelMissing: 'Order was never placed, already canceled, or filled.',
  modifyMissing: 'Cannot modify canceled or filled order',
  // the simulator's text: the venue's for an Ioc/trigger modify without always-place is undocumented
  modifyNeedsAlwaysPlace: 'Modify without always place must be a non-trigger Alo or non-executable Gtc',
  twapTooSmall: 'TWAP order value too small.',
  twapMissing: 'TWAP was never placed, already canceled, or filled.',
  /** `0x… does not exist.` follows: a wrong signature recovers a stranger (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/signing) */
  unknownWallet: 'L1 error: User or API Wallet ',
  mustDeposit: 'Must deposit before performing actions.',
  vaultNotRegistered: 'L1 error: Vault not registered: ',
  unableToRecover: 'Unable to recover signer.',
  duplicateNonce: 'Invalid nonce: duplicate nonce ',
  nonceTooLow: 'Invalid nonce: nonce too low ',
  nonceTooHigh: 'Invalid nonce: nonce too high ',
  actionNonceMismatch: 'Invalid nonce: action nonce ',
  expired: 'Action already expired',
  addressBudget: 'Too many cumulative requests sent',
  scheduleCancelVolume: 'Cannot set scheduled cancel time until enough volume traded.',
  scheduleCancelEarly: 'Scheduled cancel time too early, must be at least 5 seconds from now.',
  invalidLeverage: 'Invalid leverage value',
  tooManyAgents: 'Too many named agents.',
  insufficientWithdrawable: 'Insufficient balance for withdrawal',
  insufficientTransfer: 'Insufficient balance for transfer',
  // the simulator's text: the venue's for a sub-account the signer does not own is undocumented
  notSubAccount: 'Not a sub-account of the signer',
  // WS error channel (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket, https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits)
  wsMessages: 'Cannot send more than 2000 messages per minute.',
  wsPendingPosts: 'too many pending post requests',
  wsChannels: 'Cannot subscribe to more than 1000 channels.',
  wsUsers: 'Cannot track more than ',
} as const;

export type RefusalName = keyof typeof REFUSAL;

const KIND: { readonly [N in RefusalName]: RefusalKind } = {
  tick: 'definitive-final',
  minValuePerp: 'definitive-final',
  minValueSpot: 'definitive-final',
  margin: 'definitive-retryable',
  reduceOnly: 'definitive-retryable',
  postOnly: 'definitive-retryable',
  iocNoMatch: 'definitive-retryable',
  invalidTpsl: 'definitive-final',
  noLiquidity: 'definitive-retryable',
  openInterestCapped: 'definitive-retryable',
  oracleAtCap: 'definitive-retryable',
  openInterestTooFast: 'definitive-retryable',
  spotBalance: 'definitive-retryable',
  tooFarFromOracle: 'definitive-retryable',
  marginTier: 'definitive-retryable',
  invalidSize: 'definitive-final',
  zeroSize: 'definitive-final',
  // pre-validation against the reference price (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint): the same price stays refused
  priceBand: 'definitive-final',
  // venue: transient, un-filled (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/error-responses)
  postUpgrade: 'definitive-retryable',
  invalidAsset: 'definitive-final',
  tpslReduceOnly: 'definitive-final',
  // the order may have filled: only the venue's state says which
  cancelMissing: 'ambiguous',
  modifyMissing: 'ambiguous',
  modifyNeedsAlwaysPlace: 'definitive-final',
  twapTooSmall: 'definitive-final',
  twapMissing: 'ambiguous',
  unknownWallet: 'definitive-final',
  mustDeposit: 'definitive-final',
  vaultNotRegistered: 'definitive-final',
  unableToRecover: 'definitive-final',
  // a resent payload is refused as duplicate when the first copy landed (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/nonces-and-api-wallets)
  duplicateNonce: 'ambiguous',
  nonceTooLow: 'definitive-retryable',
  nonceTooHigh: 'definitive-retryable',
  actionNonceMismatch: 'definitive-final',
  expired: 'definitive-final',
  addressBudget: 'rate-limit',
  scheduleCancelVolume: 'definitive-final',
  scheduleCancelEarly: 'definitive-final',
  invalidLeverage: 'definitive-final',
  tooManyAgents: 'definitive-final',
  insufficientWithdrawable: 'definitive-retryable',
  insufficientTransfer: 'definitive-retryable',
  notSubAccount: 'definitive-final',
  wsMessages: 'rate-limit',
  wsPendingPosts: 'rate-limit',
  wsChannels: 'rate-limit',
  wsUsers: 'rate-limit',
};

/** One row of the table: the venue's text (its fixed prefix) and what it means. */
export interface RefusalRule {
  readonly name: RefusalName;
  readonly prefix: string;
  readonly kind: RefusalKind;
}

/** The table, longest prefix first so a prefix that starts another never shadows it. */
export const REFUSALS: readonly RefusalRule[] = (Object.keys(REFUSAL) as RefusalName[])
  .map((name) => ({ name, prefix: REFUSAL[name], kind: KIND[name] }))
  .sort((a, b) => b.prefix.length - a.prefix.length);

export interface ClassifiedRefusal {
  /** the venue's text, verbatim */
  readonly text: string;
  /** the text without the ` asset=<id>` suffix */
  readonly bare: string;
  /** the asset id the venue appended, if any */
  readonly asset: number | undefined;
  /** the matching rule; undefined for a text the table does not know */
  readonly name: RefusalName | undefined;
  /** unknown texts are ambiguous: fail closed, reconcile */
  readonly kind: RefusalKind;
}

// venue: per-order and per-cancel errors end in " asset=<asset id>" (venue docs: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/exchange-endpoint)
const ASSET_SUFFIX = / asset=(\d+)$/;

/** Classifies a refusal text by bare-prefix match, whatever ` asset=<id>` suffix it carries. */
export function classifyRefusal(text: string): ClassifiedRefusal {
  const m = ASSET_SUFFIX.exec(text);
  const bare = m ? text.slice(0, m.index) : text;
  const asset = m ? Number(m[1]) : undefined;
  const rule = REFUSALS.find((r) => bare.startsWith(r.prefix));
  return { text, bare, asset, name: rule?.name, kind: rule?.kind ?? 'ambiguous' };
}

/** The kind of a refusal text (`ambiguous` when unknown). */
export function refusalKind(text: string): RefusalKind {
  return classifyRefusal(text).kind;
}

/** The venue's per-order / per-cancel form: the bare text plus ` asset=<id>`. */
export function withAsset(bare: string, asset: number): string {
  return `${bare} asset=${asset}`;
}

/** `Post only order would have immediately matched, bbo was {bid}@{ask}.` */
export function postOnlyText(bid: string, ask: string): string {
  return `${REFUSAL.postOnly}, bbo was ${bid}@${ask}.`;
}

/** `Order must have minimum value of 10 {quote}.` (spot) */
export function minValueSpotText(quote: string): string {
  return `${REFUSAL.minValueSpot}${quote}.`;
}
