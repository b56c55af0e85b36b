// The secp256k1 backends behind LocalSigner: libsecp256k1 through npm `secp256k1` (native, about
// 6× faster per signature) and ethers' pure-JS SigningKey. Both sign RFC 6979 deterministic, low-s,
// so they return the same bytes; the unit tests prove it on the vectors and on random actions.
// A native module that fails to load, or that signs a known digest differently, is not used: the
// service falls back to the JS path and says so once, at start.
import { createRequire } from 'node:module';
import { SigningKey } from 'ethers';
import { SigningError } from './errors.js';
import { bytesToHex, type Hex, hexToBytes } from './hex.js';
import type { Signature } from './signer.js';

export type Secp256k1BackendName = 'native' | 'js';

/** Signs 32-byte digests with one key; the key lives in the closure only. */
export type DigestSignFn = (digest: Hex) => Signature;

export interface Secp256k1Backend {
  readonly name: Secp256k1BackendName;
  /** A signing function over an already validated `0x` + 64 hex private key. */
  keySigner(privateKey: Hex): DigestSignFn;
}

/** The part of npm `secp256k1` 5.x this package uses. */
export interface Secp256k1Native {
  privateKeyVerify(seckey: Uint8Array): boolean;
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

/** Loads the native module; throws when it cannot (no prebuild for this platform, ABI mismatch…). */
export type NativeLoader = () => Secp256k1Native;

/** The logger port (a pino logger fits): object first, then the message. */
export interface SigningLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const DIGEST = /^0x[0-9a-fA-F]{64}$/;

function digestBytes(digest: Hex): Uint8Array {
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new SigningError('invalid-hex', 'digest: expected 0x + 64 hex digits');
  }
  return hexToBytes(digest, 'digest');
}

/** ethers' SigningKey (@noble/curves): the reference every other backend must equal. */
export const jsBackend: Secp256k1Backend = Object.freeze({
  name: 'js' as const,
  keySigner(privateKey: Hex): DigestSignFn {
    const key = new SigningKey(privateKey);
    return (digest) => {
      const sig = key.sign(digest);
      return { r: sig.r as Hex, s: sig.s as Hex, v: sig.v };
    };
  },
});

const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** digest ≥ n; n starts with 15 bytes of 0xff, so almost every digest is decided by its first byte */
function atLeastCurveOrder(msg: Uint8Array): boolean {
  for (let i = 0; i < 15; i++) if (msg[i] !== 0xff) return false;
  return BigInt(bytesToHex(msg)) >= CURVE_ORDER;
}

// secp256k1 5.x: ecdsaSign uses RFC 6979 without extra entropy and normalises to low-s, as ethers
// does. One difference: libsecp256k1 feeds the digest to RFC 6979's HMAC unreduced, ethers
// (@noble/curves) reduced mod n as RFC 6979's bits2octets says, so for a digest ≥ n (chance about
// 2^-128 for a keccak output) the nonces differ. Those few digests go to the JS path.
export function nativeBackend(lib: Secp256k1Native): Secp256k1Backend {
  return Object.freeze({
    name: 'native' as const,
    keySigner(privateKey: Hex): DigestSignFn {
      const key = hexToBytes(privateKey, 'private key');
      let valid: boolean;
      try {
        valid = key.length === 32 && lib.privateKeyVerify(key);
      } catch {
        valid = false;
      }
      // no cause and no detail: anything the module says about a key may describe it
      if (!valid) {
        throw new SigningError('invalid-hex', 'private key: not a valid secp256k1 key (value not shown)');
      }
      let js: DigestSignFn | undefined;
      return (digest) => {
        const msg = digestBytes(digest);
        if (atLeastCurveOrder(msg)) {
          js ??= jsBackend.keySigner(privateKey);
          return js(digest);
        }
        let out: { signature: Uint8Array; recid: number };
        try {
          out = lib.ecdsaSign(msg, key);
        } catch {
          throw new SigningError('signing-failed', 'native secp256k1 signing failed (details not shown)');
        }
        const { signature, recid } = out;
        if (!(signature instanceof Uint8Array) || signature.length !== 64 || (recid !== 0 && recid !== 1)) {
          throw new SigningError('signing-failed', 'native secp256k1 returned a malformed signature');
        }
        return {
          r: bytesToHex(signature.subarray(0, 32)),
          s: bytesToHex(signature.subarray(32, 64)),
          v: recid === 0 ? 27 : 28,
        };
      };
    },
  });
}

/**
 * npm `secp256k1`'s native binding itself. Its main entry silently falls back to the `elliptic`
 * JS build, which would hide a failed load, so this requires `secp256k1/bindings` directly.
 */
export const loadNativeSecp256k1: NativeLoader = () => {
  const lib = createRequire(import.meta.url)('secp256k1/bindings') as Partial<Secp256k1Native>;
  if (typeof lib.ecdsaSign !== 'function' || typeof lib.privateKeyVerify !== 'function') {
    throw new Error('secp256k1/bindings does not export ecdsaSign and privateKeyVerify');
  }
  return lib as Secp256k1Native;
};

// A fixed self-test: the Python SDK's public test key over a fixed digest. Never a real key.
const SELF_TEST_KEY: Hex = '0x0123456789012345678901234567890123456789012345678901234567890123';
const SELF_TEST_DIGESTS: readonly Hex[] = [
  '0x0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908',
  `0x${(CURVE_ORDER - 1n).toString(16)}`,
  `0x${'ff'.repeat(32)}`,
];

function sameSignatures(candidate: Secp256k1Backend): boolean {
  const a = candidate.keySigner(SELF_TEST_KEY);
  const b = jsBackend.keySigner(SELF_TEST_KEY);
  return SELF_TEST_DIGESTS.every((d) => {
    const x = a(d);
    const y = b(d);
    return x.r === y.r && x.s === y.s && x.v === y.v;
  });
}

export interface SelectBackendOptions {
  readonly log: SigningLogger;
  /** defaults to {@link loadNativeSecp256k1}; tests inject a failing one */
  readonly load?: NativeLoader;
}

/**
 * Picks the backend once per process, at start: native when it loads and signs the self-test
 * digests exactly as ethers does, else the JS path. Logs the choice once.
 */
export function selectSecp256k1Backend(options: SelectBackendOptions): Secp256k1Backend {
  const load = options.load ?? loadNativeSecp256k1;
  let reason: string;
  try {
    const native = nativeBackend(load());
    if (sameSignatures(native)) {
      options.log.info({ backend: native.name }, 'secp256k1: signing with native libsecp256k1');
      return native;
    }
    reason = 'the native module signed the self-test digests differently from ethers';
  } catch (err) {
    reason = err instanceof Error ? err.message : String(err);
  }
  options.log.warn(
    { backend: jsBackend.name, reason },
    'secp256k1: native module unavailable, signing with the pure-JS path',
  );
  return jsBackend;
}
