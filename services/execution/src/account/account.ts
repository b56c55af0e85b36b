// The account as the venue sees it. On start (once this replica leads): positions, balance and open
// orders into the risk book and onto `acct.`; fills made while nobody listened, recovered; then the
// account's fills and order updates followed live. Every fill is attributed to its order (by
// cloid); someone else's fill (manual, another tool) moves the position only when it is live.
import type { BalanceChanged, FillRecorded, Net, PositionChanged } from '@hyperflow/contracts';
import type { ClearinghouseState, OpenOrders, WsOrderUpdate } from '@hyperflow/hyperliquid';
import type { HandleResult } from '../execute/executor.js';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { ExecutionMetrics } from '../metrics/metrics.js';
import type { Clock, Logger, Module } from '../ports.js';
import { accountSnapshot } from '../recovery/reconcile.js';
import type { RiskFact } from '../risk/engine.js';

export interface AccountVenue {
  clearinghouseState(): Promise<ClearinghouseState>;
  openOrders(): Promise<OpenOrders>;
}

/** The fill recovery (recovery/fills.ts FillRecovery fits). */
export interface FillRecoveryPort {
  restore(last: { readonly timeMs: number; readonly tids: readonly number[] } | undefined): void;
  observe(fill: { readonly exchTsMs: number; readonly tid: number }): void;
  run(): Promise<{ readonly recovered: number }>;
}

export interface AccountHandlers {
  onFill(fill: FillRecorded, snapshot: boolean): Promise<void>;
  onOrderUpdate(update: WsOrderUpdate): Promise<void>;
  /** after a reconnect and resubscribe: something may have been missed */
  onResubscribed(): void;
  /** a frame could not be processed (a fill not published or not recorded): recover fills */
  onFrameFailed(): void;
}

export interface AccountPorts {
  readonly net: Net;
  /** master or sub-account */
  readonly account: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: ExecutionMetrics;
  readonly venue: AccountVenue;
  apply(fact: RiskFact, cause: string): void;
  publishPosition(p: PositionChanged): Promise<unknown>;
  publishBalance(b: BalanceChanged): Promise<unknown>;
  /** our order's record of one fill / cancel; undefined: not an order of ours */
  recordFill(
    cloid: string,
    fill: Pick<FillRecorded, 'oid' | 'tid' | 'sz' | 'px' | 'fee'>,
  ): Promise<HandleResult | undefined>;
  recordCanceled(cloid: string, reason: string, oid: number): Promise<unknown>;
  /** fill recovery on `record` (undefined: off) and the last fill seen before this start */
  readonly fills?: {
    create(record: (fill: FillRecorded) => Promise<void>): FillRecoveryPort;
    lastSeen(): Promise<{ readonly timeMs: number; readonly tids: readonly number[] } | undefined>;
  };
  /** follows the account's fills and order updates (undefined: not followed) */
  readonly follow?: (handlers: AccountHandlers) => Promise<{ close(): Promise<void> }>;
  /** reading the account state is retried with backoff until it succeeds; never "flat" by default */
  readonly retry: Omit<RetryOptions, 'permanent'>;
  /** the account state was read again after a failure: ready again */
  onReconciled?(): void;
}

/** the risk-book feed key held lost while the account state is unknown (entries held) */
export const ACCOUNT_FEED_KEY = 'execution/account';

export interface AccountModule extends Module {
  /** what the venue holds now, into the risk book and onto `acct.` */
  reconcile(): Promise<void>;
}

export async function startAccount(p: AccountPorts): Promise<AccountModule> {
  const { log } = p;
  const reconcile = async (): Promise<void> => {
    const [state, open] = await Promise.all([p.venue.clearinghouseState(), p.venue.openOrders()]);
    const snap = accountSnapshot({
      net: p.net,
      account: p.account,
      state,
      openOrders: open,
      atMs: p.clock.now(),
    });
    for (const f of snap.facts) p.apply(f, 'reconcile');
    for (const position of snap.positions) await p.publishPosition(position);
    await p.publishBalance(snap.balance);
    log.info(
      { positions: snap.positions.length, openOrders: open.length },
      'account reconciled with the venue',
    );
  };
  const stopped = new AbortController();
  const signal = p.retry.signal ? AbortSignal.any([p.retry.signal, stopped.signal]) : stopped.signal;
  // the risk limits need the positions: no signal is taken before they are read
  await untilOk('the account state', reconcile, { ...p.retry, signal });
  /** after a reconnect: read again; while unreadable, REDUCE_ONLY (no new entries) and not ready */
  let resync: Promise<void> | undefined;
  const reconcileAgain = (): void => {
    resync ??= reconcile()
      .catch(async (err: unknown) => {
        log.error({ err }, 'account reconciliation failed: no new entries until the account state is read');
        p.apply({ type: 'feedLost', key: ACCOUNT_FEED_KEY, detail: 'account state unreadable' }, 'account');
        await untilOk('the account state', reconcile, { ...p.retry, signal });
        p.apply({ type: 'feedRestored', key: ACCOUNT_FEED_KEY }, 'account');
        p.onReconciled?.();
      })
      .catch((err: unknown) => log.warn({ err }, 'account reconciliation given up: stopping'))
      .finally(() => {
        resync = undefined;
      });
  };

  /** one fill of the account (live, a socket snapshot, or recovered): into its order's record */
  const onAccountFill = async (fill: FillRecorded, snapshot: boolean): Promise<void> => {
    const { oid, tid, sz, px, fee } = fill;
    const ours =
      fill.cloid === undefined ? undefined : await p.recordFill(fill.cloid, { oid, tid, sz, px, fee });
    // someone else's order: only live fills move the position, a snapshot is already in the
    // positions reconciled from the venue
    if ((ours === undefined || ours.status === 'none') && !snapshot) {
      const fact: RiskFact = {
        type: 'orderFilled',
        orderId: `oid-${fill.oid}`,
        coin: fill.coin,
        side: fill.side,
        fillSz: fill.sz,
        complete: false,
      };
      p.apply(fact, 'fill');
    }
  };

  // fills made while nobody listened (down, or a socket reconnecting): before the order scan, so a
  // resting order filled meanwhile gets its per-fill events (tid, price), not one reconciled total
  // a recovered fill is already in the positions reconciled from the venue
  const fills = p.fills?.create((fill) => onAccountFill(fill, true));
  const recoverFills = (): Promise<void> =>
    fills === undefined
      ? Promise.resolve()
      : fills.run().then(
          (r) => {
            p.metrics.fillRecovery('ok');
            if (r.recovered > 0) p.metrics.fillRecovery('fills', r.recovered);
          },
          (err: unknown) => {
            p.metrics.fillRecovery('failed');
            log.error({ err }, 'fill recovery failed; the next reconnect retries');
          },
        );
  if (fills !== undefined && p.fills !== undefined) {
    // retried, not defaulted: looking back the default instead would publish old fills again
    const lastSeen = p.fills.lastSeen;
    fills.restore(await untilOk('the last fill seen', () => lastSeen(), { ...p.retry, signal }));
    await recoverFills();
  }

  const follower = await p.follow?.({
    // the mark moves only past a fill that was recorded: a failed one is fetched again
    onFill: async (fill, snapshot) => {
      await onAccountFill(fill, snapshot);
      fills?.observe(fill);
    },
    onFrameFailed: () => void recoverFills(),
    onOrderUpdate: async (u) => {
      const cloid = u.order.cloid;
      if (typeof cloid === 'string' && /canceled$|^scheduledCancel$/i.test(u.status)) {
        await p.recordCanceled(cloid.toLowerCase(), u.status, u.order.oid);
      }
    },
    onResubscribed: () => {
      void recoverFills();
      reconcileAgain();
    },
  });
  return {
    reconcile,
    async stop() {
      stopped.abort();
      await follower?.close();
      await resync;
    },
    abandon() {
      stopped.abort();
      void follower?.close();
    },
  };
}
