// The kill switch: cancel every open order of the account at the venue, in one prioritised batch,
// and record the cancels on the orders that are ours. Used on `halt`.
import type { Logger } from '../ports.js';

export interface VenueOpenOrder {
  readonly coin: string;
  readonly oid: number;
  readonly cloid?: string | null | undefined;
}

export interface KillSwitchPorts {
  openOrders(): Promise<readonly VenueOpenOrder[]>;
  assetId(coin: string): number | undefined;
  /** one signed cancel batch; per cancel: true = canceled, false = refused; undefined = no readable answer */
  cancel(
    cancels: readonly { readonly asset: number; readonly oid: number }[],
  ): Promise<readonly boolean[] | undefined>;
  /** records the cancel on our order aggregate (its cloid is the order id) */
  recordCanceled(cloid: string, oid: number): Promise<void>;
  readonly log: Logger;
}

export interface CancelAllResult {
  readonly open: number;
  readonly canceled: number;
  readonly failed: number;
}

export async function cancelAll(p: KillSwitchPorts): Promise<CancelAllResult> {
  const open = await p.openOrders();
  const targets = open.flatMap((o) => {
    const asset = p.assetId(o.coin);
    if (asset === undefined)
      p.log.error({ coin: o.coin, oid: o.oid }, 'kill switch: unknown coin, cannot cancel');
    return asset === undefined ? [] : [{ order: o, asset }];
  });
  if (targets.length === 0) return { open: open.length, canceled: 0, failed: open.length };
  const results = await p.cancel(targets.map((t) => ({ asset: t.asset, oid: t.order.oid })));
  if (results === undefined) {
    p.log.error({ open: open.length }, 'kill switch: no readable answer to the cancel batch');
    return { open: open.length, canceled: 0, failed: open.length };
  }
  let canceled = 0;
  for (const [i, t] of targets.entries()) {
    if (results[i] !== true) continue;
    canceled += 1;
    const cloid = t.order.cloid;
    if (typeof cloid === 'string') await p.recordCanceled(cloid.toLowerCase(), t.order.oid);
  }
  return { open: open.length, canceled, failed: open.length - canceled };
}
