/** The hyperliquid package's one error base: every error this package throws extends it. */
export class HyperliquidError extends Error {
  override name = 'HyperliquidError';
}
