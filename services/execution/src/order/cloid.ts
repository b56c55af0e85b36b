import { ExecutionError } from '../errors.js';

/** SHA-256 of a UTF-8 string as 64 lower-case hex digits (injected: the core imports no crypto). */
export type Sha256Hex = (text: string) => string;

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The order id (venue cloid) of a signal: the first 16 bytes of sha256(signal id), as 0x + 32
 * lower-case hex (venue: cloid is 16 bytes). Deterministic, so a redelivered or replayed signal
 * lands on the same order subject and the same venue cloid.
 */
export function cloidForSignal(signalId: string, sha256Hex: Sha256Hex): string {
  const h = sha256Hex(`hyperflow.order.v1:${signalId}`).toLowerCase();
  if (!HEX64.test(h)) throw new ExecutionError('sha256Hex must return 64 hex digits');
  return `0x${h.slice(0, 32)}`;
}
