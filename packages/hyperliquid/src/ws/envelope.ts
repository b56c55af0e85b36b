import { z } from 'zod';

// The few envelope shapes the transport itself needs; the payload schemas of each channel live in
// messages.ts and are applied by the caller.

/** venue: sent as a plain text (non-JSON) frame right after connecting; not an error */
export const GREETING = 'Websocket connection established.';

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
