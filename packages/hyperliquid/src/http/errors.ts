import { HyperliquidError } from '../errors.js';

/**
 * `/info` answered with a non-2xx status. venue: 422 = malformed body (not retryable), 429 = the
 * per-IP weight budget is spent (retry after the minute; body seen as `null`), 5xx = venue trouble.
 */
export class InfoHttpError extends HyperliquidError {
  override name = 'InfoHttpError';
  /** whether the same request may succeed later: 429 and 5xx */
  readonly retryable: boolean;

  constructor(
    readonly requestType: string,
    readonly status: number,
    /** the response body as text (may be `null` or empty) */
    readonly body: string,
  ) {
    super(`info ${requestType}: HTTP ${status}${body === '' ? '' : ` ${body.slice(0, 500)}`}`);
    this.retryable = status === 429 || status >= 500;
  }

  get rateLimited(): boolean {
    return this.status === 429;
  }
}

/** The request never got an HTTP answer: connection error, or the timeout fired. Always retryable. */
export class InfoTransportError extends HyperliquidError {
  override name = 'InfoTransportError';
  readonly retryable = true;

  constructor(
    readonly requestType: string,
    readonly timedOut: boolean,
    options?: ErrorOptions,
  ) {
    super(`info ${requestType}: ${timedOut ? 'timed out' : 'request failed'}`, options);
  }
}

/** A 2xx answer that is not JSON or does not match the schema (corrupt or changed venue data). */
export class InfoResponseError extends HyperliquidError {
  override name = 'InfoResponseError';

  constructor(
    readonly requestType: string,
    /** `path: message` per problem */
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`info ${requestType}: invalid response: ${problems.join('; ')}`, options);
  }
}
