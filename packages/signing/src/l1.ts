import { Encoder } from '@msgpack/msgpack';
import { keccak256 } from 'ethers';
import { SigningError } from './errors.js';
import { type Hex, hexToBytes, toWireAddress } from './hex.js';

/** Inputs of the L1 action hash (doc 4.1). */
export interface L1HashInput {
  /** an action object whose key order is the venue's (see the builders) */
  readonly action: object;
  /** ms; the signer's nonce */
  readonly nonce: number;
  /** sub-account or vault the action is for; absent when trading the signer's own account */
  readonly vaultAddress?: string;
  /** ms; the action is rejected once this passes */
  readonly expiresAfter?: number;
}

// One encoder, reused: @msgpack/msgpack picks the smallest int width for safe integers, which is
// what the venue (Python msgpack) hashes (doc 4.3).
const encoder = new Encoder({ ignoreUndefined: true });

/**
 * Refuses values that would hash differently from what the venue re-derives: floats (encoded as
 * float64), unsafe integers, bigints, null/undefined (an absent optional key must be absent).
 */
function assertHashable(value: unknown, path: string): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new SigningError(
          'invalid-action',
          `${path}: ${value} is not a safe integer; prices and sizes must be strings`,
        );
      }
      return;
    case 'object':
      if (value === null)
        throw new SigningError('invalid-action', `${path}: null is not allowed; omit the key`);
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) assertHashable(v, `${path}[${i}]`);
        return;
      }
      // Date, Map, typed arrays… would encode as msgpack extensions or bin, never what the venue parses
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new SigningError(
          'invalid-action',
          `${path}: only plain objects, arrays, strings, booleans and integers`,
        );
      }
      for (const [k, v] of Object.entries(value)) assertHashable(v, `${path}.${k}`);
      return;
    case 'undefined':
      throw new SigningError('invalid-action', `${path}: undefined is not allowed; omit the key`);
    case 'bigint':
    case 'symbol':
    case 'function':
      throw new SigningError('invalid-action', `${path}: a ${typeof value} cannot be hashed`);
    default:
      throw new SigningError('invalid-action', `${path}: unsupported value`);
  }
}

function uint64(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SigningError('invalid-integer', `${field}: ${value} is not a non-negative safe integer`);
  }
  return value;
}

function writeUint64(out: Uint8Array, offset: number, value: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, Math.floor(value / 0x1_0000_0000));
  view.setUint32(offset + 4, value >>> 0);
}

/** msgpack(action) alone, as hashed. */
export function encodeAction(action: object): Uint8Array {
  assertHashable(action, 'action');
  return encoder.encode(action);
}

/**
 * The exact bytes hashed into the connectionId:
 * msgpack(action) ‖ u64be(nonce) ‖ (0x01 ‖ vault | 0x00) ‖ [0x00 ‖ u64be(expiresAfter)].
 */
export function l1ActionPreimage(input: L1HashInput): Uint8Array {
  assertHashable(input.action, 'action');
  const nonce = uint64(input.nonce, 'nonce');
  const expires = input.expiresAfter === undefined ? undefined : uint64(input.expiresAfter, 'expiresAfter');
  const vault =
    input.vaultAddress === undefined
      ? undefined
      : hexToBytes(toWireAddress(input.vaultAddress, 'vaultAddress'));
  const packed = encoder.encodeSharedRef(input.action);
  const out = new Uint8Array(packed.length + 8 + (vault ? 21 : 1) + (expires === undefined ? 0 : 9));
  out.set(packed, 0);
  let at = packed.length;
  writeUint64(out, at, nonce);
  at += 8;
  if (vault) {
    out[at] = 1;
    out.set(vault, at + 1);
    at += 21;
  } else {
    out[at] = 0;
    at += 1;
  }
  if (expires !== undefined) {
    // venue: the expiresAfter marker is 0x00, not 0x01 (doc 4.1)
    out[at] = 0;
    writeUint64(out, at + 1, expires);
  }
  return out;
}

/** keccak256 of {@link l1ActionPreimage}: the phantom agent's `connectionId`. */
export function l1ActionHash(input: L1HashInput): Hex {
  return keccak256(l1ActionPreimage(input)) as Hex;
}
