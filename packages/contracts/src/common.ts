import { z } from 'zod';
import { Net } from './subjects.js';

/** A decimal number as a string, never a float: `"69997.0"`, `"0.01500"`, `"-1.5"`. */
export const Decimal = z
  .string()
  .regex(/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/, 'expected a decimal string like "123.45"');
export type Decimal = z.infer<typeof Decimal>;

/** A non-negative decimal string (prices, sizes). */
export const PositiveDecimal = z
  .string()
  .regex(/^(?:0|[1-9]\d*)(?:\.\d+)?$/, 'expected a non-negative decimal string');
export type PositiveDecimal = z.infer<typeof PositiveDecimal>;

/** Milliseconds since the Unix epoch. */
export const EpochMs = z.number().int().nonnegative();
/** Milliseconds since the Unix epoch with sub-millisecond precision (receive/publish stamps for latency). */
export const EpochMsPrecise = z.number().nonnegative().finite();

export const Coin = z.string().min(1).max(64);
export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

export const Address = z.string().regex(/^0x[0-9a-f]{40}$/, 'expected a lower-case 0x address');
/** venue: client order id, 16 bytes as 0x-prefixed lower-case hex */
export const Cloid = z.string().regex(/^0x[0-9a-f]{32}$/, 'expected a 0x-prefixed 32-hex-digit cloid');

/** Fields every event envelope carries. `v` is the schema version of that event type. */
export const envelope = {
  net: Net,
  /**
   * unique id of this event, across networks too (one stream holds every network); also the
   * JetStream msgID, so re-publishing the same venue event is a no-op
   */
  id: z.string().min(1).max(200),
} as const;
