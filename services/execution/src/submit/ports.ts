// The ports the executor sends through. Owned here; adapters in ./venue.ts and ./signer.ts.
import type { Resolution, SignedOrder, VenueAnswer } from '../order/decider.js';
import type { VenueOrder } from './venue-order.js';

/** Signs one venue order with a fresh nonce. The key never leaves the implementation. */
export interface OrderSigner {
  /** lowercase address that signs (the agent's when an agent wallet signs) */
  readonly address: string;
  sign(order: VenueOrder, options: { readonly expiresInMs: number }): Promise<SignedOrder>;
}

export type SendResult =
  | { readonly kind: 'answer'; readonly answer: VenueAnswer }
  /** a resend the venue refused by its nonce: the first copy landed; ask orderStatus */
  | { readonly kind: 'duplicate' };

/** The venue's `/exchange` and `orderStatus`, for one account. */
export interface ExchangePort {
  readonly via: 'rest' | 'ws';
  /** first send of a signed request (exactly `request`, byte for byte) */
  send(request: Readonly<Record<string, unknown>>): Promise<SendResult>;
  /** the identical request again after an unknown outcome; never re-signed */
  resend(request: Readonly<Record<string, unknown>>): Promise<SendResult>;
  /** orderStatus by cloid; `final` when the request can no longer land */
  status(cloid: string, request: Readonly<Record<string, unknown>>): Promise<Resolution>;
}
