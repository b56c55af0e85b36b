/** The ledger package's one error base: every error this package throws extends it. */
export class LedgerError extends Error {
  override name = 'LedgerError';
}
