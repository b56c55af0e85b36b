import { REFUSAL } from '@hyperflow/hyperliquid/internal';
/** Subscription selector for the stall fault: a channel, optionally one coin or user. */
export interface StallTarget {
  readonly channel: string;
  readonly coin?: string;
}

/**
 * Fault switches shared by the transports. Time-bounded faults store an end time read from the
 * injected clock.
 */
export class FaultState {
  /** until (ms) every REST call and WS post answers 429 */
  rateLimitedUntil = 0;
  /** added delay before every REST reply and WS post reply */
  latencyMs = 0;
  /** orders to refuse before the engine sees them */
  rejectOrders = 0;
  rejectReason: string = REFUSAL.margin;
  /** stalled channels: data frames stop, the socket and pongs keep going */
  readonly stalls: { target: StallTarget; until: number }[] = [];

  isStalled(channel: string, coin: string | undefined, now: number): boolean {
    return this.stalls.some(
      (s) =>
        s.until > now &&
        s.target.channel === channel &&
        (s.target.coin === undefined || s.target.coin === coin),
    );
  }
}
