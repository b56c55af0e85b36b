import { computeAddress, Signature as EthersSignature, recoverAddress, SigningKey } from 'ethers';
import type { TypedDataDomain, TypedDataPayload, TypedDataTypes } from './eip712.js';
import { SigningError } from './errors.js';
import type { Hex } from './hex.js';
import {
  type DigestSignFn,
  jsBackend,
  type Secp256k1Backend,
  type Secp256k1BackendName,
} from './secp256k1.js';

/** The venue's signature shape: r/s are 0x + 64 lowercase hex, v is 27 or 28 (doc 4.6). */
export interface Signature {
  readonly r: Hex;
  readonly s: Hex;
  readonly v: 27 | 28;
}

/** What a digest signer returns; an ethers `Signature` fits. */
export interface SignatureLike {
  readonly r: string;
  readonly s: string;
  readonly v: number;
}

/**
 * Signs EIP-712 typed data (an ethers `Wallet` or `JsonRpcSigner`-like object, a KMS adapter).
 * `address` is the signer's (the agent's when an API wallet signs).
 */
export interface TypedDataSigner {
  readonly address: string;
  signTypedData(
    domain: TypedDataDomain,
    types: TypedDataTypes,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** Signs a 32-byte digest directly: the fast path (no per-call EIP-712 encoding). */
export interface DigestSigner {
  readonly address: string;
  signDigest(digest: Hex): SignatureLike | Promise<SignatureLike>;
}

/** The port this package signs through: either shape works. */
export type Signer = TypedDataSigner | DigestSigner;

const PRIVATE_KEY = /^(?:0x)?[0-9a-fA-F]{64}$/;
const inspect = Symbol.for('nodejs.util.inspect.custom');

export interface LocalSignerOptions {
  /** defaults to the pure-JS path; pick one at start with `selectSecp256k1Backend` */
  readonly backend?: Secp256k1Backend;
}

/**
 * An in-process secp256k1 key. The key lives in a private closure: JSON, toString and
 * util.inspect show the address only, and no error ever includes the key.
 */
export class LocalSigner implements DigestSigner {
  readonly #sign: DigestSignFn;
  readonly #backend: Secp256k1BackendName;
  /** lowercase */
  readonly address: Hex;

  constructor(privateKey: string, options: LocalSignerOptions = {}) {
    if (typeof privateKey !== 'string' || !PRIVATE_KEY.test(privateKey)) {
      throw new SigningError('invalid-hex', 'private key: expected 32 bytes of hex (value not shown)');
    }
    const key = (privateKey.startsWith('0x') ? privateKey : `0x${privateKey}`).toLowerCase() as Hex;
    try {
      // deriving the public key is what rejects 0 and keys ≥ the curve order
      this.address = computeAddress(new SigningKey(key).publicKey).toLowerCase() as Hex;
    } catch {
      // no cause: the underlying error may describe the key
      throw new SigningError('invalid-hex', 'private key: not a valid secp256k1 key (value not shown)');
    }
    const backend = options.backend ?? jsBackend;
    this.#sign = backend.keySigner(key);
    this.#backend = backend.name;
  }

  /** Which secp256k1 implementation signs: `native` (libsecp256k1) or `js` (ethers). */
  get backend(): Secp256k1BackendName {
    return this.#backend;
  }

  /** Synchronous digest signature (RFC 6979 deterministic, low-s). */
  signDigest(digest: Hex): Signature {
    return this.#sign(digest);
  }

  toJSON(): { type: 'LocalSigner'; address: Hex } {
    return { type: 'LocalSigner', address: this.address };
  }

  toString(): string {
    return `LocalSigner(${this.address})`;
  }

  [inspect](): string {
    return this.toString();
  }
}

/** Adapts an ethers `Wallet` (or anything with `signingKey.sign`) to the fast digest path. */
export function digestSignerFromWallet(wallet: {
  readonly address: string;
  readonly signingKey: { sign(digest: string): SignatureLike };
}): DigestSigner {
  const address = wallet.address.toLowerCase();
  return {
    address,
    signDigest: (digest) => wallet.signingKey.sign(digest),
  };
}

const WORD = /^0x[0-9a-f]{64}$/;

/** Normalises a signature (object or 65-byte hex) to `{r, s, v}` with 32-byte lowercase r/s and v 27|28. */
export function toSignature(sig: SignatureLike | string): Signature {
  // fast path: already canonical (what SigningKey.sign returns)
  if (typeof sig === 'object' && (sig.v === 27 || sig.v === 28) && WORD.test(sig.r) && WORD.test(sig.s)) {
    return { r: sig.r as Hex, s: sig.s as Hex, v: sig.v };
  }
  let parsed: EthersSignature;
  try {
    parsed = EthersSignature.from(sig as Parameters<typeof EthersSignature.from>[0]);
  } catch (err) {
    throw new SigningError('invalid-signature', 'signer returned a malformed signature', { cause: err });
  }
  return { r: parsed.r.toLowerCase() as Hex, s: parsed.s.toLowerCase() as Hex, v: parsed.v };
}

function isDigestSigner(signer: Signer): signer is DigestSigner {
  return typeof (signer as Partial<DigestSigner>).signDigest === 'function';
}

/** Signs a prepared payload: by digest when the signer can, else through `signTypedData`. */
export async function signPayload(signer: Signer, payload: TypedDataPayload): Promise<Signature> {
  if (isDigestSigner(signer)) return toSignature(await signer.signDigest(payload.digest));
  return toSignature(await signer.signTypedData(payload.domain, payload.types, payload.message));
}

/** The address (lowercase) that produced `signature` over `digest`. */
export function recoverSigner(digest: Hex, signature: Signature): Hex {
  try {
    return recoverAddress(digest, signature).toLowerCase() as Hex;
  } catch (err) {
    throw new SigningError('invalid-signature', 'cannot recover a signer from this signature', {
      cause: err,
    });
  }
}
