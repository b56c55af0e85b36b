import type { DeadLetter } from '@hyperflow/contracts';
import { sha256Hex } from '@hyperflow/core';

// contract: DLQ payloads are kept verbatim up to 64 KiB
export const MAX_DEAD_LETTER_PAYLOAD_CHARS = 64 * 1024;
/** a schema failure of a hostile message can list thousands of problems: keep the first few */
const MAX_PROBLEMS = 20;
const MAX_PROBLEM_CHARS = 500;
const MAX_FIELD_CHARS = 1000;

/** What a service knows of a message it refuses; `payload` is the whole original text or bytes. */
export interface DeadLetterInput {
  readonly service: string;
  readonly reason: string;
  readonly problems: readonly string[];
  readonly source: string;
  readonly payload: string | Uint8Array;
  readonly atMs: number;
  readonly index?: number;
  readonly streamSeq?: number;
  readonly deliveryCount?: number;
  readonly consumer?: string;
}

const utf8 = new TextEncoder();
const lossyUtf8 = new TextDecoder('utf-8');

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * A valid DeadLetter for any input, never a throw: payload cut to 64 KiB with the SHA-256 and byte
 * length of the whole, problems bounded, empty names replaced. Building the record of a bad message
 * must not be the thing that fails (a 10 000-level frame once overflowed the stack right here).
 */
export function buildDeadLetter(d: DeadLetterInput): DeadLetter {
  const bytes = typeof d.payload === 'string' ? utf8.encode(d.payload) : d.payload;
  let text = typeof d.payload === 'string' ? d.payload : lossyUtf8.decode(d.payload);
  if (text.length > MAX_DEAD_LETTER_PAYLOAD_CHARS) text = text.slice(0, MAX_DEAD_LETTER_PAYLOAD_CHARS);
  const problems = d.problems.slice(0, MAX_PROBLEMS).map((p) => clip(String(p), MAX_PROBLEM_CHARS));
  if (d.problems.length > MAX_PROBLEMS) problems.push(`… and ${d.problems.length - MAX_PROBLEMS} more`);
  const count = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined);
  const index = count(d.index);
  const streamSeq = count(d.streamSeq);
  const deliveryCount = count(d.deliveryCount);
  const atMs = count(Math.floor(d.atMs)) ?? 0;
  return {
    type: 'deadLetter',
    v: 1,
    service: clip(d.service, MAX_FIELD_CHARS) || 'unknown',
    reason: clip(d.reason, MAX_FIELD_CHARS) || 'unknown',
    problems,
    source: clip(d.source, MAX_FIELD_CHARS),
    payload: text,
    payloadSha256: sha256Hex(bytes),
    payloadBytes: bytes.length,
    ...(index === undefined ? {} : { index }),
    ...(streamSeq === undefined ? {} : { streamSeq }),
    ...(deliveryCount === undefined ? {} : { deliveryCount }),
    ...(d.consumer === undefined ? {} : { consumer: clip(d.consumer, MAX_FIELD_CHARS) }),
    atMs,
  };
}
