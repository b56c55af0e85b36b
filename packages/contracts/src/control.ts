import { z } from 'zod';
import { EpochMs, envelope } from './common.js';

const command = {
  v: z.literal(1),
  ...envelope,
  /** who asked: an operator name, a service, a script */
  by: z.string().min(1),
  reason: z.string().min(1),
  atMs: EpochMs,
} as const;

/** Stop opening and closing positions: cancel-only. */
export const HaltTrading = z.object({ type: z.literal('halt'), ...command });
/** Back to normal trading. */
export const ResumeTrading = z.object({ type: z.literal('resume'), ...command });
/** Only orders that reduce a position. */
export const EnterReduceOnly = z.object({ type: z.literal('reduceOnly'), ...command });
export const EnableStrategy = z.object({
  type: z.literal('enableStrategy'),
  ...command,
  strategy: z.string().min(1),
});
export const DisableStrategy = z.object({
  type: z.literal('disableStrategy'),
  ...command,
  strategy: z.string().min(1),
});

export const ControlCommand = z.discriminatedUnion('type', [
  HaltTrading,
  ResumeTrading,
  EnterReduceOnly,
  EnableStrategy,
  DisableStrategy,
]);
export type ControlCommand = z.infer<typeof ControlCommand>;
export type HaltTrading = z.infer<typeof HaltTrading>;
export type ResumeTrading = z.infer<typeof ResumeTrading>;
export type EnterReduceOnly = z.infer<typeof EnterReduceOnly>;
export type EnableStrategy = z.infer<typeof EnableStrategy>;
export type DisableStrategy = z.infer<typeof DisableStrategy>;

/** A message a service could not process, kept with why, on `hl.<net>.dlq.<service>`. */
export const DeadLetter = z.object({
  type: z.literal('deadLetter'),
  v: z.literal(1),
  service: z.string().min(1),
  /** short machine reason: invalidJson, schema, poison, maxDeliveries, unknownFrame, ... */
  reason: z.string().min(1),
  problems: z.array(z.string()),
  /** where the message came from (a subject, or a venue channel) */
  source: z.string(),
  /** the original payload, verbatim (truncated past 64 KiB) */
  payload: z.string(),
  /** SHA-256 (hex) of the whole original payload's UTF-8 bytes, so a truncated one stays identifiable */
  payloadSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** UTF-8 bytes of the whole original payload */
  payloadBytes: z.number().int().nonnegative().optional(),
  /** position of the bad item in its frame or batch, when only that item was refused */
  index: z.number().int().nonnegative().optional(),
  streamSeq: z.number().int().nonnegative().optional(),
  deliveryCount: z.number().int().nonnegative().optional(),
  consumer: z.string().optional(),
  atMs: EpochMs,
});
export type DeadLetter = z.infer<typeof DeadLetter>;
