import { recoverAddress, Signature, TypedDataEncoder, zeroPadValue } from 'ethers';
import type { Signature as Sig, UserSignedAction } from './actions.js';

type Field = { readonly name: string; readonly type: string };

function pad(h: string): string {
  return zeroPadValue(h.length % 2 ? `0x0${h.slice(2)}` : h, 32);
}

/**
 * venue: user-signed EIP-712 under domain HyperliquidSignTransaction, chainId = the action's
 * signatureChainId, primaryType "HyperliquidTransaction:<Name>", hyperliquidChain first. No phantom
 * agent, no msgpack. Undefined if recovery itself fails.
 */
export function recoverUserSigned(
  primaryType: string,
  fields: readonly Field[],
  message: Record<string, unknown>,
  signatureChainId: string,
  signature: Sig,
): string | undefined {
  try {
    const digest = TypedDataEncoder.hash(
      {
        name: 'HyperliquidSignTransaction',
        version: '1',
        chainId: Number.parseInt(signatureChainId, 16),
        verifyingContract: '0x0000000000000000000000000000000000000000',
      },
      { [primaryType]: [{ name: 'hyperliquidChain', type: 'string' }, ...fields] },
      message,
    );
    const sig = Signature.from({ r: pad(signature.r), s: pad(signature.s), v: signature.v });
    return recoverAddress(digest, sig).toLowerCase();
  } catch {
    return undefined;
  }
}

const F = (name: string, type: string): Field => ({ name, type });

/** venue: primaryType and fields after hyperliquidChain, per user-signed action (doc §3.4) */
const SPECS: { readonly [T in UserSignedAction['type']]: { primaryType: string; fields: readonly Field[] } } =
  {
    approveAgent: {
      primaryType: 'HyperliquidTransaction:ApproveAgent',
      fields: [F('agentAddress', 'address'), F('agentName', 'string'), F('nonce', 'uint64')],
    },
    usdSend: {
      primaryType: 'HyperliquidTransaction:UsdSend',
      fields: [F('destination', 'string'), F('amount', 'string'), F('time', 'uint64')],
    },
    withdraw3: {
      primaryType: 'HyperliquidTransaction:Withdraw',
      fields: [F('destination', 'string'), F('amount', 'string'), F('time', 'uint64')],
    },
    usdClassTransfer: {
      primaryType: 'HyperliquidTransaction:UsdClassTransfer',
      fields: [F('amount', 'string'), F('toPerp', 'bool'), F('nonce', 'uint64')],
    },
  };

/** The message as the server rebuilds it from its own parse (addresses lowercased). */
function messageOf(a: UserSignedAction): Record<string, unknown> {
  switch (a.type) {
    case 'approveAgent':
      // [PY] signs "" for an unnamed agent and drops the key from the JSON
      return { agentAddress: a.agentAddress.toLowerCase(), agentName: a.agentName ?? '', nonce: a.nonce };
    case 'usdSend':
    case 'withdraw3':
      return { destination: a.destination.toLowerCase(), amount: a.amount, time: a.time };
    case 'usdClassTransfer':
      return { amount: a.amount, toPerp: a.toPerp, nonce: a.nonce };
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** The action's own nonce field (`time` or `nonce`); it must equal the envelope nonce. */
export function userSignedNonce(a: UserSignedAction): number {
  return a.type === 'usdSend' || a.type === 'withdraw3' ? a.time : a.nonce;
}

/**
 * The server fills hyperliquidChain with its own network name, so a signature made for the other
 * network recovers a stranger.
 */
export function recoverUserSignedSigner(
  a: UserSignedAction,
  signature: Sig,
  isMainnet: boolean,
): string | undefined {
  const spec = SPECS[a.type];
  return recoverUserSigned(
    spec.primaryType,
    spec.fields,
    { hyperliquidChain: isMainnet ? 'Mainnet' : 'Testnet', ...messageOf(a) },
    a.signatureChainId,
    signature,
  );
}
