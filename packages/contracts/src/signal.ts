import { z } from 'zod';
import { Coin, EpochMs, EpochMsPrecise, envelope, PositiveDecimal, Side } from './common.js';

/** The market event that caused a signal: for tracing and tick-to-order latency. */
export const SignalCause = z.object({
  /** id of the market event */
  id: z.string().min(1),
  exchTsMs: EpochMs,
  recvTsMs: EpochMsPrecise,
});
export type SignalCause = z.infer<typeof SignalCause>;

/**
 * A strategy's decision to trade. `id` is deterministic (strategy, coin, triggering event), so a
 * replay emits the same ids and execution can de-duplicate on it.
 */
export const SignalEmitted = z
  .object({
    type: z.literal('signal'),
    v: z.literal(1),
    ...envelope,
    strategy: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    coin: Coin,
    side: Side,
    /** order size in base units; exclusive with targetPosition */
    size: PositiveDecimal.optional(),
    /** signed target position in base units (e.g. "0" to flatten); exclusive with size */
    targetPosition: z
      .string()
      .regex(/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/)
      .optional(),
    style: z.enum(['market', 'limit', 'postOnly']),
    /** required for limit and postOnly */
    limitPx: PositiveDecimal.optional(),
    reduceOnly: z.boolean(),
    reason: z.string().min(1).max(500),
    causes: z.array(SignalCause).min(1),
    createdAtMs: EpochMsPrecise,
    /** after createdAtMs + ttlMs the signal must not be traded */
    ttlMs: z.number().int().positive(),
  })
  .refine((s) => (s.size === undefined) !== (s.targetPosition === undefined), {
    message: 'exactly one of size and targetPosition is required',
    path: ['size'],
  })
  .refine((s) => s.style === 'market' || s.limitPx !== undefined, {
    message: 'limitPx is required for limit and postOnly signals',
    path: ['limitPx'],
  });
export type SignalEmitted = z.infer<typeof SignalEmitted>;
