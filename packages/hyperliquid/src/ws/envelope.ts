import type { JsonLimits } from '@hyperflow/contracts';
import { z } from 'zod';

// The few envelope shapes the transport itself needs; the payload schemas of each channel live in
// messages.ts and are applied by the caller.

/** venue: sent as a plain text (non-JSON) frame right after connecting; not an error */
export const GREETING = 'Websocket connection established.';

/**
 * The largest and deepest frame the client parses. venue: the largest data frames (allMids of every
 * dex, a 20-level book) are tens of KiB and about 5 levels deep; anything past these is refused.
 */
export const WS_FRAME_LIMITS: JsonLimits = { maxChars: 4 * 1024 * 1024, maxDepth: 32 };

export const Envelope = z.object({ channel: z.string(), data: z.unknown().optional() });
export type Envelope = z.infer<typeof Envelope>;

export const SubscriptionResponseData = z.object({
  method: z.enum(['subscribe', 'unsubscribe']),
  subscription: z.record(z.string(), z.unknown()),
});

export const ErrorData = z.string();

export const PostResponseData = z.object({
  id: z.number(),
  response: z.object({ type: z.enum(['info', 'action', 'error']), payload: z.unknown() }),
});
