/** Why a signing-core call refused its input. Stable strings: callers switch on them. */
export type SigningErrorCode =
  | 'invalid-decimal'
  | 'invalid-hex'
  | 'invalid-integer'
  | 'invalid-action'
  | 'invalid-signature'
  | 'signing-failed'
  | 'nonce-window'
  | 'invalid-response';

/**
 * The signing package's one error. Messages name the offending field and value, never key material:
 * nothing in this package ever formats a private key into a string.
 */
export class SigningError extends Error {
  override name = 'SigningError';
  readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
