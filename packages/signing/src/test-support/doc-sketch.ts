// The reference: a minimal signer written from the venue's signing page (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/signing)
// and the SDKs' L1 signing (https://github.com/nktkas/hyperliquid/blob/main/src/signing/_l1.ts,
// https://github.com/hyperliquid-dex/hyperliquid-python-sdk/blob/master/hyperliquid/utils/signing.py),
// checked against both SDKs' vectors. Written independently of src/: default
// msgpack encoder, ethers concat, ethers signTypedData with the domain and types spelled out.
import { encode } from '@msgpack/msgpack';
import { concat, getBytes, keccak256, Signature, type Wallet } from 'ethers';

const u64 = (n: number | bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};

export function sketchPreimage(
  action: unknown,
  nonce: number,
  vault?: string,
  expiresAfter?: number,
): string {
  const parts: Uint8Array[] = [encode(action, { ignoreUndefined: true }), u64(nonce)];
  if (vault) parts.push(new Uint8Array([1]), getBytes(vault));
  else parts.push(new Uint8Array([0]));
  if (expiresAfter !== undefined) parts.push(new Uint8Array([0]), u64(expiresAfter));
  return concat(parts);
}

export function sketchActionHash(
  action: unknown,
  nonce: number,
  vault?: string,
  expiresAfter?: number,
): string {
  return keccak256(sketchPreimage(action, nonce, vault, expiresAfter));
}

export async function sketchSignL1(
  wallet: Wallet,
  action: unknown,
  nonce: number,
  isMainnet: boolean,
  vault?: string,
  expiresAfter?: number,
) {
  const connectionId = sketchActionHash(action, nonce, vault?.toLowerCase(), expiresAfter);
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

/** doc 3.4: fields after hyperliquidChain:string, per action type */
const USER_TYPES: Record<string, { primaryType: string; fields: [string, string][] }> = {
  usdSend: {
    primaryType: 'HyperliquidTransaction:UsdSend',
    fields: [
      ['destination', 'string'],
      ['amount', 'string'],
      ['time', 'uint64'],
    ],
  },
  withdraw3: {
    primaryType: 'HyperliquidTransaction:Withdraw',
    fields: [
      ['destination', 'string'],
      ['amount', 'string'],
      ['time', 'uint64'],
    ],
  },
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      ['agentAddress', 'address'],
      ['agentName', 'string'],
      ['nonce', 'uint64'],
    ],
  },
  approveBuilderFee: {
    primaryType: 'HyperliquidTransaction:ApproveBuilderFee',
    fields: [
      ['maxFeeRate', 'string'],
      ['builder', 'address'],
      ['nonce', 'uint64'],
    ],
  },
};

/** doc 4.4, with ethers signTypedData. */
export async function sketchSignUser(
  wallet: Wallet,
  action: Record<string, unknown> & { type: string; signatureChainId: string },
) {
  const t = USER_TYPES[action.type];
  if (!t) throw new Error(`no types for ${action.type}`);
  const hex = await wallet.signTypedData(
    {
      name: 'HyperliquidSignTransaction',
      version: '1',
      chainId: Number.parseInt(action.signatureChainId, 16),
      verifyingContract: '0x0000000000000000000000000000000000000000',
    },
    {
      [t.primaryType]: [
        { name: 'hyperliquidChain', type: 'string' },
        ...t.fields.map(([name, type]) => ({ name, type })),
      ],
    },
    { ...action, agentName: action.agentName ?? '' },
  );
  const s = Signature.from(hex);
  return { r: s.r, s: s.s, v: s.v };
}
