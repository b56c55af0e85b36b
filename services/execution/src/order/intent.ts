// What a signal asks for, as one order: side and size resolved against the current position. Pure.
import type { SignalEmitted } from '@hyperflow/contracts';
import { abs, type Fixed, fx, str, ZERO } from '../decimal/fixed.js';

export interface OrderIntent {
  readonly coin: string;
  readonly side: 'buy' | 'sell';
  /** base units, decimal string; "0" when a target position is already reached */
  readonly sz: string;
  readonly style: 'market' | 'limit' | 'postOnly';
  readonly limitPx?: string;
  readonly reduceOnly: boolean;
}

/** The signal's deadline: it must not be traded after this. */
export function signalExpiresAtMs(signal: SignalEmitted): number {
  return Math.floor(signal.createdAtMs + signal.ttlMs);
}

/**
 * A `size` signal trades that size on its side. A `targetPosition` signal trades the difference
 * to the target (its side follows from the sign of the difference), given the current position.
 */
export function intentFromSignal(signal: SignalEmitted, positionSzi: Fixed = ZERO): OrderIntent {
  const base = {
    coin: signal.coin,
    style: signal.style,
    reduceOnly: signal.reduceOnly,
    ...(signal.limitPx === undefined ? {} : { limitPx: signal.limitPx }),
  };
  if (signal.size !== undefined) return { ...base, side: signal.side, sz: signal.size };
  const delta = fx(signal.targetPosition ?? '0') - positionSzi;
  return { ...base, side: delta >= ZERO ? 'buy' : 'sell', sz: str(abs(delta)) };
}
