import { SigningError } from './errors.js';

/** `0x` + lowercase hex. */
export type Hex = `0x${string}`;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CLOID = /^0x[0-9a-fA-F]{32}$/;

// venue: all hex is hashed lowercase; an uppercase address signs a different payload (doc 4.3)

/** Validates an EVM address (checksummed or not) and returns it lowercase. */
export function toWireAddress(value: string, field = 'address'): Hex {
  if (typeof value !== 'string' || !ADDRESS.test(value)) {
    throw new SigningError('invalid-hex', `${field}: not a 20-byte 0x address: ${JSON.stringify(value)}`);
  }
  return value.toLowerCase() as Hex;
}

/** Validates a client order id (`0x` + 32 hex, 16 bytes) and returns it lowercase. */
export function toWireCloid(value: string, field = 'cloid'): Hex {
  if (typeof value !== 'string' || !CLOID.test(value)) {
    throw new SigningError(
      'invalid-hex',
      `${field}: a cloid is 0x + 32 hex digits, got ${JSON.stringify(value)}`,
    );
  }
  return value.toLowerCase() as Hex;
}

export function isCloid(value: string): boolean {
  return CLOID.test(value);
}

/** `0x`-hex of bytes, lowercase. */
export function bytesToHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out as Hex;
}

function nibble(code: number): number {
  // '0'-'9' → 0-9, 'a'-'f' / 'A'-'F' → 10-15 (input already validated)
  return code <= 57 ? code - 48 : (code | 32) - 87;
}

/** Bytes of an even-length `0x` hex string. */
export function hexToBytes(hex: string, field = 'hex'): Uint8Array {
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    throw new SigningError('invalid-hex', `${field}: not even-length 0x hex`);
  }
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = (nibble(hex.charCodeAt(2 + i * 2)) << 4) | nibble(hex.charCodeAt(3 + i * 2));
  }
  return out;
}
