import type { Network, UserSignedAction } from './actions.js';
import { SigningError } from './errors.js';
import { type Hex, toWireAddress } from './hex.js';
import type { NonceManager } from './nonce.js';
import { type ExchangeRequest, signL1Action, signUserSignedAction } from './sign.js';
import type { Signer } from './signer.js';

export interface ExchangeSignerOptions {
  readonly signer: Signer;
  readonly network: Network;
  /** shared per process; keyed by the signer's address (the agent's when an agent signs) */
  readonly nonces: NonceManager;
  /** sub-account or vault every L1 action is for, unless overridden per call */
  readonly vaultAddress?: string;
}

export interface L1SignOptions {
  /** overrides the default vault; `null` signs for the signer's own account */
  readonly vaultAddress?: string | null;
  /** sets expiresAfter = nonce + this; bounds how long a lost request can still land */
  readonly expiresInMs?: number;
}

/**
 * One signer on one network with its nonce sequence: draws the nonce, then signs. Sending (and
 * the per-signer ordering of sends) belongs to the exchange client.
 */
export class ExchangeSigner {
  readonly #signer: Signer;
  readonly #nonces: NonceManager;
  readonly network: Network;
  /** lowercase signing address: the nonce key */
  readonly address: Hex;
  readonly vaultAddress: Hex | undefined;

  constructor(options: ExchangeSignerOptions) {
    this.#signer = options.signer;
    this.#nonces = options.nonces;
    this.network = options.network;
    this.address = toWireAddress(options.signer.address, 'signer.address');
    this.vaultAddress =
      options.vaultAddress === undefined ? undefined : toWireAddress(options.vaultAddress, 'vaultAddress');
  }

  /** Draws a nonce, e.g. for a user-signed action's `time`/`nonce` field. */
  nextNonce(): number {
    return this.#nonces.next(this.address);
  }

  /** Signs an L1 action with a fresh nonce. */
  async sign<A extends object>(action: A, options: L1SignOptions = {}): Promise<ExchangeRequest<A>> {
    const vault = options.vaultAddress === null ? undefined : (options.vaultAddress ?? this.vaultAddress);
    if (
      options.expiresInMs !== undefined &&
      (!Number.isSafeInteger(options.expiresInMs) || options.expiresInMs <= 0)
    ) {
      throw new SigningError(
        'invalid-integer',
        `expiresInMs: ${options.expiresInMs} is not a positive integer`,
      );
    }
    const nonce = this.nextNonce();
    return signL1Action(this.#signer, {
      action,
      nonce,
      network: this.network,
      ...(vault === undefined ? {} : { vaultAddress: vault }),
      ...(options.expiresInMs === undefined ? {} : { expiresAfter: nonce + options.expiresInMs }),
    });
  }

  /** Signs a user-signed action; its own `time`/`nonce` (from {@link nextNonce}) is the envelope nonce. */
  signUserAction<A extends UserSignedAction>(action: A): Promise<ExchangeRequest<A>> {
    return signUserSignedAction(this.#signer, action);
  }

  toJSON(): { network: Network; address: Hex; vaultAddress?: Hex } {
    return this.vaultAddress === undefined
      ? { network: this.network, address: this.address }
      : { network: this.network, address: this.address, vaultAddress: this.vaultAddress };
  }
}
