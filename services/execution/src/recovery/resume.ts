// Recovery and resume: orders left unfinished by a previous run (crash, restart) are resumed before
// new signals are taken, orders recorded as resting but no longer open at the venue are
// reconciled, and every order whose outcome is still open is resolved again on a timer (resend
// the identical request, or ask orderStatus).
import type { HandleResult } from '../execute/executor.js';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { Clock, Logger, Module } from '../ports.js';
import type { OrderScan } from './scan.js';

/** Keeps `pending` to the orders still waiting for their outcome after a step. */
export function trackResult(pending: Set<string>, r: HandleResult): void {
  if (r.status === 'submitted' || r.status === 'unknown') pending.add(r.orderId);
  else pending.delete(r.orderId);
}

export interface RecoveryPorts {
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs: number;
  /** orders waiting for their outcome to be resolved (shared with the signal intake) */
  readonly pending: Set<string>;
  /** the unfinished and resting orders on the order stream */
  scan(): Promise<OrderScan>;
  /** cloids (lowercase) open at the venue; undefined in dry-run */
  readonly openCloids?: () => Promise<ReadonlySet<string>>;
  resume(orderId: string): Promise<HandleResult>;
  reconcile(orderId: string): Promise<HandleResult>;
  /** a resume may wait in the submission queue: the venue connection awaits it on stop */
  track(work: Promise<unknown>): void;
  /** reading the order stream and the venue's open orders is retried with backoff */
  readonly retry: Omit<RetryOptions, 'permanent'>;
}

export interface Recovery extends Module {
  /** one recovery pass now (what the timer does) */
  recover(): Promise<void>;
}

export async function startRecovery(p: RecoveryPorts): Promise<Recovery> {
  const { log, pending } = p;
  const scan = await untilOk('the order stream scan', () => p.scan(), p.retry);
  for (const orderId of scan.unfinished) pending.add(orderId);
  // resting in our record but no longer open at the venue: canceled or filled while we were away
  if (p.openCloids !== undefined && scan.resting.length > 0) {
    const openCloids = p.openCloids;
    const open = await untilOk('the open orders at the venue', () => openCloids(), p.retry);
    for (const orderId of scan.resting.filter((id) => !open.has(id))) {
      // retried, not skipped: a skipped one would stay resting in our record (and the risk book) for good
      await untilOk(`the reconciliation of resting order ${orderId}`, () => p.reconcile(orderId), p.retry);
    }
  }
  /** one resume at a time per order, each on its own: a resend waits in the submission queue by
   * its priority, so an order waiting for the budget never holds back another's resend */
  const resuming = new Map<string, Promise<void>>();
  const recover = (): Promise<void> => {
    for (const orderId of pending) {
      if (resuming.has(orderId)) continue;
      const run = p
        .resume(orderId)
        .then(
          (r) => trackResult(pending, r),
          (err: unknown) => log.error({ err, orderId }, 'order recovery failed; will retry'),
        )
        .finally(() => resuming.delete(orderId));
      resuming.set(orderId, run);
      p.track(run);
    }
    return Promise.all(resuming.values()).then(() => undefined);
  };
  if (pending.size > 0) log.warn({ orders: pending.size }, 'resuming unfinished orders');
  await recover();
  const cancelTimer = p.clock.every(p.intervalMs, () => void recover());
  return {
    recover,
    async stop() {
      cancelTimer();
    },
    abandon: cancelTimer,
  };
}
