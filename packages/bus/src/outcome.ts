import { ContractError } from '@hyperflow/contracts';
import { PoisonMessageError } from './errors.js';

/** The DLQ record's `reason` values this runner writes. */
export type DeadLetterReason =
  | 'invalidJson'
  | 'outOfBounds'
  | 'schema'
  | 'network'
  | 'poison'
  | 'maxDeliveries';

export type Outcome =
  | { readonly kind: 'ack' }
  | { readonly kind: 'nak'; readonly delayMs: number }
  | { readonly kind: 'dead'; readonly reason: DeadLetterReason; readonly problems: readonly string[] };

/** Default nak delays by attempt (ms): quick first retry, then back off. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 5000, 30_000];

/** The nak delay for the given delivery (1-based): `backoff[n-1]`, the last entry once past the end. */
export function nakDelayMs(backoff: readonly number[], deliveryCount: number): number {
  if (backoff.length === 0) return 0;
  const i = Math.min(Math.max(deliveryCount, 1), backoff.length) - 1;
  return backoff[i] ?? 0;
}

/**
 * Maps what a handler did to an acknowledgement: done → ack; poison (a PoisonMessageError, or a
 * ContractError: the handler found the data unusable) → dead-letter; anything else is transient →
 * nak with backoff until `maxDeliver` attempts are spent, then dead-letter. Pure.
 */
export function outcomeOf(
  result: { readonly ok: true } | { readonly ok: false; readonly error: unknown },
  deliveryCount: number,
  maxDeliver: number,
  backoff: readonly number[],
): Outcome {
  if (result.ok) return { kind: 'ack' };
  const { error } = result;
  if (error instanceof PoisonMessageError) {
    return { kind: 'dead', reason: 'poison', problems: [error.message, ...error.problems] };
  }
  if (error instanceof ContractError) {
    return { kind: 'dead', reason: 'poison', problems: [error.message] };
  }
  if (deliveryCount >= maxDeliver) {
    return {
      kind: 'dead',
      reason: 'maxDeliveries',
      problems: [`failed ${deliveryCount} of ${maxDeliver} deliveries; last: ${describe(error)}`],
    };
  }
  return { kind: 'nak', delayMs: nakDelayMs(backoff, deliveryCount) };
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
