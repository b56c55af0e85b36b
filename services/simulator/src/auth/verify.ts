import { encode } from '@msgpack/msgpack';
import {
  concat,
  getBytes,
  keccak256,
  recoverAddress,
  Signature,
  TypedDataEncoder,
  zeroPadValue,
} from 'ethers';

const DOMAIN = {
  name: 'Exchange',
  version: '1',
  chainId: 1337, // venue: fixed, whatever the wallet's chain
  verifyingContract: '0x0000000000000000000000000000000000000000',
};
const AGENT_TYPES = {
  Agent: [
    { name: 'source', type: 'string' },
    { name: 'connectionId', type: 'bytes32' },
  ],
};

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/** venue: connectionId = keccak(msgpack(action) ‖ u64 nonce ‖ vault flag[+addr] ‖ [0x00 ‖ u64 expiresAfter]) */
export function actionHash(
  action: unknown,
  nonce: number,
  vaultAddress?: string,
  expiresAfter?: number,
): string {
  const parts: Uint8Array[] = [encode(action, { ignoreUndefined: true }), u64(nonce)];
  if (vaultAddress) parts.push(new Uint8Array([1]), getBytes(vaultAddress.toLowerCase()));
  else parts.push(new Uint8Array([0]));
  // venue: the expiresAfter marker byte is 0x00, not 0x01
  if (expiresAfter !== undefined) parts.push(new Uint8Array([0]), u64(expiresAfter));
  return keccak256(concat(parts));
}

/** EIP-712 digest of the phantom agent: source "a" on mainnet, "b" on testnet. */
export function phantomAgentDigest(connectionId: string, isMainnet: boolean): string {
  return TypedDataEncoder.hash(DOMAIN, AGENT_TYPES, { source: isMainnet ? 'a' : 'b', connectionId });
}

export interface L1Signed {
  readonly action: unknown;
  readonly nonce: number;
  readonly signature: { readonly r: string; readonly s: string; readonly v: number };
  readonly vaultAddress?: string | undefined;
  readonly expiresAfter?: number | undefined;
}

/**
 * Recovers the lowercase signer address like the venue: any well-formed signature recovers *some*
 * address, so a wrong hash shows up later as an unknown user. Undefined if recovery itself fails.
 */
export function recoverL1Signer(req: L1Signed, isMainnet: boolean): string | undefined {
  const hash = actionHash(req.action, req.nonce, req.vaultAddress, req.expiresAfter);
  try {
    // [PY] strips leading zeros from r/s; the venue accepts both
    const sig = Signature.from({
      r: zeroPadValue(req.signature.r.length % 2 ? `0x0${req.signature.r.slice(2)}` : req.signature.r, 32),
      s: zeroPadValue(req.signature.s.length % 2 ? `0x0${req.signature.s.slice(2)}` : req.signature.s, 32),
      v: req.signature.v,
    });
    return recoverAddress(phantomAgentDigest(hash, isMainnet), sig).toLowerCase();
  } catch {
    return undefined;
  }
}
