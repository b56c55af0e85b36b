import { recoverAddress, Signature, TypedDataEncoder, zeroPadValue } from 'ethers';
import type { ApproveAgent, Signature as Sig } from './actions.js';

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

export const APPROVE_AGENT_FIELDS: readonly Field[] = [
  { name: 'agentAddress', type: 'address' },
  { name: 'agentName', type: 'string' },
  { name: 'nonce', type: 'uint64' },
];

/**
 * The server fills hyperliquidChain with its own network name, so a signature made for the other
 * network recovers a stranger.
 */
export function recoverApproveAgentSigner(
  a: ApproveAgent,
  signature: Sig,
  isMainnet: boolean,
): string | undefined {
  return recoverUserSigned(
    'HyperliquidTransaction:ApproveAgent',
    APPROVE_AGENT_FIELDS,
    {
      hyperliquidChain: isMainnet ? 'Mainnet' : 'Testnet',
      agentAddress: a.agentAddress.toLowerCase(),
      // [PY] signs "" for an unnamed agent and drops the key from the JSON
      agentName: a.agentName ?? '',
      nonce: a.nonce,
    },
    a.signatureChainId,
    signature,
  );
}
