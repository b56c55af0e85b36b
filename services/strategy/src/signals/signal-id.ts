import { sha256Hex } from '@hyperflow/core';

/** The contract's limit on an event id. */
const MAX_ID = 200;

/**
 * A signal's id, a pure function of (strategy, coin, triggering event id[, tag]), so a replay or a
 * backtest over the same events yields the same ids and execution de-duplicates on them.
 * Readable `strategy:coin:eventId` when it fits the contract's 200 characters, else
 * `strategy:sha256(...)`. `tag` separates two signals one event can cause in one strategy.
 */
export function signalId(strategy: string, coin: string, eventId: string, tag?: string): string {
  const readable = `${strategy}:${coin}:${eventId}${tag === undefined ? '' : `:${tag}`}`;
  if (readable.length <= MAX_ID) return readable;
  return `${strategy}:${sha256Hex(JSON.stringify([strategy, coin, eventId, tag ?? null]))}`;
}
