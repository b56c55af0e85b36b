// Fail closed: a read that decides whether the service may trade (the risk mode, the signer lease,
// the account state, the open orders, venue meta) is retried with backoff on error, never replaced
// by a default. While it waits the service reports not ready, with what it waits for and why.
import { ExecutionError } from '../errors.js';
import type { Clock, Logger } from '../ports.js';

export class StartAbortedError extends ExecutionError {
  override name = 'StartAbortedError';
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** aborts the wait (shutdown): the retry rejects with StartAbortedError */
  readonly signal?: AbortSignal | undefined;
  /** not ready, and why, while it waits */
  readonly onWaiting?: ((reason: string) => void) | undefined;
  /** first delay; doubled on every failure up to maxDelayMs */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** an error that retrying cannot fix (a configuration error, a corrupt record): thrown at once */
  readonly permanent?: (err: unknown) => boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** `read()` until it succeeds; every failure logged with what is awaited and the next delay. */
export async function untilOk<T>(what: string, read: () => Promise<T>, o: RetryOptions): Promise<T> {
  let delayMs = o.initialDelayMs ?? 100;
  const maxDelayMs = o.maxDelayMs ?? 5_000;
  // always one attempt, even once stopped (a record being made gets its try); no waiting after
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (o.permanent?.(err)) throw err;
      if (o.signal?.aborted) throw new StartAbortedError(`stopped while waiting for ${what}`, { cause: err });
      const reason = `waiting for ${what}: ${message(err)}`;
      o.log.warn({ err, attempt, retryInMs: delayMs }, reason);
      o.onWaiting?.(reason);
    }
    await o.clock.sleep(delayMs, o.signal);
    if (o.signal?.aborted) throw new StartAbortedError(`stopped while waiting for ${what}`);
    delayMs = Math.min(maxDelayMs, delayMs * 2);
  }
}
