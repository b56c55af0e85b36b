import { type Network, type UserSignedAction, userSignedNonce } from './actions.js';
import { agentPayload, type TypedDataPayload, userSignedPayload } from './eip712.js';
import { type Hex, toWireAddress } from './hex.js';
import { type L1HashInput, l1ActionHash } from './l1.js';
import { type Signature, type Signer, signPayload } from './signer.js';

/** The `/exchange` request body (doc 3.1); optional keys are absent, not null. */
export interface ExchangeRequest<A extends object = object> {
  readonly action: A;
  readonly nonce: number;
  readonly signature: Signature;
  /** lowercase; L1 actions only */
  readonly vaultAddress?: Hex;
  /** ms; L1 actions only */
  readonly expiresAfter?: number;
}

export interface L1SignInput<A extends object = object> extends L1HashInput {
  readonly action: A;
  readonly network: Network;
}

/** What gets signed for an L1 action: the phantom agent over the action hash. */
export interface L1SigningPayload extends TypedDataPayload {
  readonly connectionId: Hex;
}

/** Pure: action hash → phantom agent → EIP-712 payload and digest (no key involved). */
export function l1SigningPayload(input: L1SignInput): L1SigningPayload {
  const connectionId = l1ActionHash(input);
  return { ...agentPayload(connectionId, input.network), connectionId };
}

/**
 * Signs an L1 action and returns the request body. Send exactly this object (same strings, same
 * nonce): resending it after a timeout is safe, re-signing is not (doc 8.5).
 */
export async function signL1Action<A extends object>(
  signer: Signer,
  input: L1SignInput<A>,
): Promise<ExchangeRequest<A>> {
  const signature = await signPayload(signer, l1SigningPayload(input));
  const request: ExchangeRequest<A> = { action: input.action, nonce: input.nonce, signature };
  const withVault =
    input.vaultAddress === undefined
      ? request
      : { ...request, vaultAddress: toWireAddress(input.vaultAddress, 'vaultAddress') };
  return input.expiresAfter === undefined ? withVault : { ...withVault, expiresAfter: input.expiresAfter };
}

/**
 * Signs a user-signed action (HyperliquidSignTransaction domain). The envelope nonce is the
 * action's own `time`/`nonce`; there is no vault and no expiresAfter for these (doc 3.1, 3.4).
 */
export async function signUserSignedAction<A extends UserSignedAction>(
  signer: Signer,
  action: A,
): Promise<ExchangeRequest<A>> {
  const signature = await signPayload(signer, userSignedPayload(action));
  return { action, nonce: userSignedNonce(action), signature };
}
