// Test-only L1 signer, written from the venue doc (section 9); the simulator never imports it.
import { Signature, type Wallet } from 'ethers';

/** Structural signer: an ethers Wallet or HDNodeWallet fits. */
export type TypedSigner = Pick<Wallet, 'signTypedData'>;

import { actionHash } from '../auth/verify.js';

export async function signL1(
  wallet: TypedSigner,
  action: unknown,
  nonce: number,
  isMainnet = true,
  vaultAddress?: string,
  expiresAfter?: number,
): Promise<{ r: string; s: string; v: number }> {
  const connectionId = actionHash(action, nonce, vaultAddress, expiresAfter);
  const hex = await wallet.signTypedData(
    {
      name: 'Exchange',
      version: '1',
      chainId: 1337,
      verifyingContract: '0x0000000000000000000000000000000000000000',
    },
    {
      Agent: [
        { name: 'source', type: 'string' },
        { name: 'connectionId', type: 'bytes32' },
      ],
    },
    { source: isMainnet ? 'a' : 'b', connectionId },
  );
  const s = Signature.from(hex);
  return { r: s.r, s: s.s, v: s.v };
}

/** A signed /exchange body, exactly as a client would send it. */
export async function signedBody(
  wallet: TypedSigner,
  action: Record<string, unknown>,
  nonce: number,
  isMainnet = true,
) {
  return { action, nonce, signature: await signL1(wallet, action, nonce, isMainnet) };
}

/** A user-signed approveAgent body (doc §3.4/§4.4); the agent name is omitted when empty, like [PY]. */
export async function approveAgentBody(
  master: TypedSigner,
  agentAddress: string,
  nonce: number,
  agentName = '',
  isMainnet = true,
) {
  const signatureChainId = '0x66eee';
  const hyperliquidChain = isMainnet ? 'Mainnet' : 'Testnet';
  const hex = await master.signTypedData(
    {
      name: 'HyperliquidSignTransaction',
      version: '1',
      chainId: Number.parseInt(signatureChainId, 16),
      verifyingContract: '0x0000000000000000000000000000000000000000',
    },
    {
      'HyperliquidTransaction:ApproveAgent': [
        { name: 'hyperliquidChain', type: 'string' },
        { name: 'agentAddress', type: 'address' },
        { name: 'agentName', type: 'string' },
        { name: 'nonce', type: 'uint64' },
      ],
    },
    { hyperliquidChain, agentAddress: agentAddress.toLowerCase(), agentName, nonce },
  );
  const s = Signature.from(hex);
  const action = {
    type: 'approveAgent',
    signatureChainId,
    hyperliquidChain,
    agentAddress: agentAddress.toLowerCase(),
    ...(agentName ? { agentName } : {}),
    nonce,
  };
  return { action, nonce, signature: { r: s.r, s: s.s, v: s.v } };
}
