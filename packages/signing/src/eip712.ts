import { keccak256, toUtf8Bytes } from 'ethers';
import type { Network, UserSignedAction } from './actions.js';
import { SigningError } from './errors.js';
import { type Hex, hexToBytes } from './hex.js';

// Our own EIP-712 encoder for the few types the venue uses, so everything that does not change per
// order (domain separators, type hashes, the hashed "a"/"b" source) is computed once. The tests
// prove it byte-identical to ethers' TypedDataEncoder.

export interface TypedDataDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
  readonly verifyingContract: string;
}
export interface TypedDataField {
  readonly name: string;
  readonly type: string;
}
export type TypedDataTypes = Record<string, TypedDataField[]>;

/** Everything a typed-data signer needs, plus the digest it must produce. */
export interface TypedDataPayload {
  readonly domain: TypedDataDomain;
  /** without EIP712Domain: ethers v6 throws if it is included (doc 4.2) */
  readonly types: TypedDataTypes;
  readonly primaryType: string;
  readonly message: Record<string, string | number | boolean>;
  /** keccak256(0x1901 ‖ domainSeparator ‖ structHash) */
  readonly digest: Hex;
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

// venue: chainId 1337 whatever the wallet's chain (doc 4.2)
export const EXCHANGE_DOMAIN: TypedDataDomain = Object.freeze({
  name: 'Exchange',
  version: '1',
  chainId: 1337,
  verifyingContract: ZERO_ADDRESS,
});

export const AGENT_TYPES: TypedDataTypes = Object.freeze({
  Agent: [
    { name: 'source', type: 'string' },
    { name: 'connectionId', type: 'bytes32' },
  ],
}) as TypedDataTypes;

const keccakBytes = (data: Uint8Array): Uint8Array => hexToBytes(keccak256(data));
const keccakText = (text: string): Uint8Array => keccakBytes(toUtf8Bytes(text));

const DOMAIN_TYPE_HASH = keccakText(
  'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)',
);

function word(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function domainSeparator(domain: TypedDataDomain): Uint8Array {
  return keccakBytes(
    concatBytes([
      DOMAIN_TYPE_HASH,
      keccakText(domain.name),
      keccakText(domain.version),
      word(BigInt(domain.chainId)),
      word(BigInt(domain.verifyingContract)),
    ]),
  );
}

function typedDigest(separator: Uint8Array, structHash: Uint8Array): Hex {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(separator, 2);
  buf.set(structHash, 34);
  return keccak256(buf) as Hex;
}

// ---------------------------------------------------------------- L1 (phantom agent)

const EXCHANGE_SEPARATOR = domainSeparator(EXCHANGE_DOMAIN);
const AGENT_TYPE_HASH = keccakText('Agent(string source,bytes32 connectionId)');
// venue: source "a" on mainnet, "b" on testnet (doc 4.2)
const SOURCE_HASH: Readonly<Record<Network, Uint8Array>> = {
  mainnet: keccakText('a'),
  testnet: keccakText('b'),
};

export function phantomAgentSource(network: Network): 'a' | 'b' {
  switch (network) {
    case 'mainnet':
      return 'a';
    case 'testnet':
      return 'b';
    default: {
      const never: never = network;
      throw new SigningError('invalid-action', `network: unknown ${JSON.stringify(never)}`);
    }
  }
}

/** The EIP-712 payload of the phantom agent `{source, connectionId}` for an L1 action hash. */
export function agentPayload(connectionId: Hex, network: Network): TypedDataPayload {
  const source = phantomAgentSource(network);
  if (connectionId.length !== 66) throw new SigningError('invalid-hex', 'connectionId: must be 32 bytes');
  const struct = new Uint8Array(96);
  struct.set(AGENT_TYPE_HASH, 0);
  struct.set(SOURCE_HASH[network], 32);
  struct.set(hexToBytes(connectionId, 'connectionId'), 64);
  return {
    domain: EXCHANGE_DOMAIN,
    types: AGENT_TYPES,
    primaryType: 'Agent',
    message: { source, connectionId },
    digest: typedDigest(EXCHANGE_SEPARATOR, keccakBytes(struct)),
  };
}

// ---------------------------------------------------------------- user-signed (doc 3.4, 4.4)

type UserSignedType = UserSignedAction['type'];

interface UserSignedSpec {
  readonly primaryType: string;
  readonly fields: readonly TypedDataField[];
  readonly typeHash: Uint8Array;
}

function spec(primaryType: string, fields: readonly [string, string][]): UserSignedSpec {
  // venue: hyperliquidChain:string is always the first field (doc 4.4)
  const all = [
    { name: 'hyperliquidChain', type: 'string' },
    ...fields.map(([name, type]) => ({ name, type })),
  ];
  const encoded = `${primaryType}(${all.map((f) => `${f.type} ${f.name}`).join(',')})`;
  return { primaryType, fields: all, typeHash: keccakText(encoded) };
}

const USER_SIGNED: Readonly<Record<UserSignedType, UserSignedSpec>> = {
  usdSend: spec('HyperliquidTransaction:UsdSend', [
    ['destination', 'string'],
    ['amount', 'string'],
    ['time', 'uint64'],
  ]),
  withdraw3: spec('HyperliquidTransaction:Withdraw', [
    ['destination', 'string'],
    ['amount', 'string'],
    ['time', 'uint64'],
  ]),
  usdClassTransfer: spec('HyperliquidTransaction:UsdClassTransfer', [
    ['amount', 'string'],
    ['toPerp', 'bool'],
    ['nonce', 'uint64'],
  ]),
  approveAgent: spec('HyperliquidTransaction:ApproveAgent', [
    ['agentAddress', 'address'],
    ['agentName', 'string'],
    ['nonce', 'uint64'],
  ]),
  approveBuilderFee: spec('HyperliquidTransaction:ApproveBuilderFee', [
    ['maxFeeRate', 'string'],
    ['builder', 'address'],
    ['nonce', 'uint64'],
  ]),
};

const userSeparators = new Map<number, Uint8Array>();

function userDomain(chainId: number): TypedDataDomain {
  return { name: 'HyperliquidSignTransaction', version: '1', chainId, verifyingContract: ZERO_ADDRESS };
}

function userSeparator(chainId: number): Uint8Array {
  let sep = userSeparators.get(chainId);
  if (!sep) {
    sep = domainSeparator(userDomain(chainId));
    userSeparators.set(chainId, sep);
  }
  return sep;
}

function encodeField(type: string, value: unknown, name: string): Uint8Array {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') break;
      return keccakText(value);
    case 'address':
      if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) break;
      return word(BigInt(value));
    case 'uint64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) break;
      return word(BigInt(value));
    case 'bool':
      if (typeof value !== 'boolean') break;
      return word(value ? 1n : 0n);
  }
  throw new SigningError('invalid-action', `${name}: cannot encode ${JSON.stringify(value)} as ${type}`);
}

/** The EIP-712 payload of a user-signed action: the message is the typed fields, without type/signatureChainId. */
export function userSignedPayload(action: UserSignedAction): TypedDataPayload {
  const s = USER_SIGNED[action.type];
  if (!s) throw new SigningError('invalid-action', `unknown user-signed action type ${String(action.type)}`);
  const chainId = Number.parseInt(action.signatureChainId, 16);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new SigningError(
      'invalid-hex',
      `signatureChainId: not a usable chain id: ${action.signatureChainId}`,
    );
  }
  const source = action as unknown as Record<string, unknown>;
  const message: Record<string, string | number | boolean> = {};
  const words: Uint8Array[] = [s.typeHash];
  for (const f of s.fields) {
    // venue: the unnamed agent is signed as agentName "" (doc 3.4)
    const value = source[f.name] ?? (f.name === 'agentName' ? '' : undefined);
    words.push(encodeField(f.type, value, f.name));
    message[f.name] = value as string | number | boolean;
  }
  return {
    domain: userDomain(chainId),
    types: { [s.primaryType]: s.fields.map((f) => ({ ...f })) },
    primaryType: s.primaryType,
    message,
    digest: typedDigest(userSeparator(chainId), keccakBytes(concatBytes(words))),
  };
}
