import type { MarketEvent, SignalCause, SignalEmitted } from '@hyperflow/contracts';
import { signalId } from '../signals/signal-id.js';

export const causeOf = (e: MarketEvent): SignalCause => ({
  id: e.id,
  exchTsMs: e.exchTsMs,
  recvTsMs: e.recvTsMs,
});

export interface SignalDraft {
  readonly strategy: string;
  readonly coin: string;
  /** the market event that triggered the signal: its id makes the signal id */
  readonly trigger: MarketEvent;
  /** distinguishes two signals one trigger causes in one strategy */
  readonly tag?: string;
  readonly side: 'buy' | 'sell';
  readonly size?: string;
  readonly targetPosition?: string;
  readonly style: 'market' | 'limit' | 'postOnly';
  readonly limitPx?: string;
  readonly reduceOnly: boolean;
  readonly reason: string;
  /** further causes after the trigger (e.g. the last trade of a candle) */
  readonly moreCauses?: readonly SignalCause[];
  readonly ttlMs: number;
}

/** A contract signal from a draft; `now` only becomes `createdAtMs`. */
export function makeSignal(d: SignalDraft, now: number): SignalEmitted {
  const first = causeOf(d.trigger);
  const causes = [first, ...(d.moreCauses ?? []).filter((c) => c.id !== first.id)];
  return {
    type: 'signal',
    v: 1,
    net: d.trigger.net,
    id: signalId(d.strategy, d.coin, d.trigger.id, d.tag),
    strategy: d.strategy,
    coin: d.coin,
    side: d.side,
    ...(d.size === undefined ? {} : { size: d.size }),
    ...(d.targetPosition === undefined ? {} : { targetPosition: d.targetPosition }),
    style: d.style,
    ...(d.limitPx === undefined ? {} : { limitPx: d.limitPx }),
    reduceOnly: d.reduceOnly,
    reason: d.reason.slice(0, 500),
    causes,
    createdAtMs: now,
    ttlMs: d.ttlMs,
  };
}
