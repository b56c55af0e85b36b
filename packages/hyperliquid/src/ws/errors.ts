import { HyperliquidError } from '../errors.js';

/** Why a WebSocket call failed. */
export type WsErrorCode =
  /** the call was made while the socket was not open; nothing was sent */
  | 'notConnected'
  /** the socket closed while the call was pending; the venue may or may not have processed it */
  | 'connectionClosed'
  /** the client was closed by its owner */
  | 'clientClosed'
  /** no ack / response within the timeout */
  | 'timeout'
  /** the venue answered on the error channel for this subscription */
  | 'subscriptionRejected'
  /** the venue answered a post with `response.type: "error"` (or "too many pending post requests") */
  | 'postRejected'
  /** an error-channel message or frame that matched no pending call */
  | 'venueError'
  /** a frame that is neither the greeting nor a JSON envelope */
  | 'protocol';

export class WsError extends HyperliquidError {
  override name = 'WsError';

  constructor(
    readonly code: WsErrorCode,
    message: string,
    /** the venue's own text, when the venue produced the error */
    readonly venueMessage?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The venue caps a client enforces locally (venue: the server rejects excess without echoing). */
export type VenueCap =
  | 'connections'
  | 'connectionsPerMinute'
  | 'subscriptions'
  | 'users'
  | 'messagesPerMinute'
  | 'inFlightPosts';

/** A request was refused locally because it would break a per-IP venue cap. Nothing was sent. */
export class CapExceededError extends HyperliquidError {
  override name = 'CapExceededError';

  constructor(
    readonly cap: VenueCap,
    readonly limit: number,
    detail: string,
  ) {
    super(`venue cap ${cap}=${limit} would be exceeded: ${detail}`);
  }
}
