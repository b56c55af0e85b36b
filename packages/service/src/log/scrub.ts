// A 32-byte hex secp256k1 private key as wallets print it. 32-byte tx/order hashes look the
// same and are scrubbed too: a lost hash in a log is cheap, a leaked key is not.
const HEX_KEY = /0x[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;

export const SCRUBBED_KEY = '0x[redacted-key]';

/** Replace anything that looks like a hex private key (0x + 64 hex) in `text`. */
export function scrubHexKeys(text: string): string {
  return text.replace(HEX_KEY, SCRUBBED_KEY);
}
