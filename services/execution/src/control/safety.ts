// The kill switch and the dead-man's switches. The kill switch halts nothing itself (the risk
// mode does): it cancels every open order of the account at the venue in one prioritised batch
// and records the cancels on our orders. The local dead-man's switch fires it when market data
// stops (and holds REDUCE_ONLY until mids return); the venue's own (`scheduleCancel`) is refreshed
// while this replica leads.
import type { SubmitOutcome } from '@hyperflow/hyperliquid';
import { cancelAction, scheduleCancelAction } from '@hyperflow/signing';
import { type RetryOptions, untilOk } from '../lifecycle/retry.js';
import type { Clock, Logger, Module } from '../ports.js';
import type { RiskFact } from '../risk/engine.js';
import { cancelAll, type VenueOpenOrder } from './kill-switch.js';
import { type ScheduleCancelSwitch, scheduleAnswerOf, startScheduleCancel } from './schedule-cancel.js';

const DEADMAN_KEY = 'execution/deadman';

/** Signs an action and sends it at cancel priority (the venue connection's sendAction). */
export type SendAction = (key: string, action: object) => Promise<SubmitOutcome>;

export interface KillSwitchPorts {
  readonly log: Logger;
  /** undefined in dry-run: nothing to cancel */
  readonly sendAction: SendAction | undefined;
  /** only the replica holding the signer lease cancels */
  isActive(): boolean;
  openOrders(): Promise<readonly VenueOpenOrder[]>;
  assetId(coin: string): number | undefined;
  /** records a cancel on our order (its cloid is the order id) */
  recordCanceled(cloid: string, reason: string, oid: number): Promise<unknown>;
  /** the run may wait in the submission queue: the venue connection awaits it on stop */
  track(work: Promise<unknown>): void;
  /** the open orders are read again with backoff until they are (or the switch stops) */
  readonly retry: Omit<RetryOptions, 'permanent' | 'signal'>;
}

export interface KillSwitch extends Module {
  /** cancels every open order of the account; one run at a time (a second call joins it) */
  fire(reason?: string): Promise<void>;
}

export function startKillSwitch(p: KillSwitchPorts): KillSwitch {
  const { log } = p;
  let killing: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  const retry = { ...p.retry, signal: stopping.signal };
  return {
    fire(reason = 'killSwitch') {
      const send = p.sendAction;
      if (send === undefined || !p.isActive() || stopped) return Promise.resolve();
      killing ??= cancelAll({
        log,
        openOrders: () => untilOk('the open orders to cancel', () => p.openOrders(), retry),
        assetId: (coin) => p.assetId(coin),
        cancel: async (cancels) => {
          const out = await send('killSwitch', cancelAction(cancels));
          if (out.kind !== 'answered' || out.result.kind !== 'cancels') {
            log.error({ outcome: out.kind }, 'kill switch: cancel batch not answered');
            return undefined;
          }
          return out.result.statuses.map((st) => st.kind === 'success');
        },
        recordCanceled: async (cloid, oid) => {
          await p.recordCanceled(cloid, reason, oid);
        },
      })
        .then((r) => log.warn({ ...r, reason }, 'kill switch: open orders canceled'))
        .catch((err: unknown) => log.error({ err }, 'kill switch failed'))
        .finally(() => {
          killing = undefined;
        });
      p.track(killing);
      return killing;
    },
    async stop() {
      stopped = true;
      stopping.abort();
    },
  };
}

export interface DeadmanPorts {
  readonly clock: Clock;
  readonly log: Logger;
  /** no mids for this long → cancel all and REDUCE_ONLY; 0 = off */
  readonly afterMs: number;
  apply(fact: RiskFact, cause: string): void;
  kill(reason: string): Promise<void>;
  /** the venue's scheduled cancel this far ahead, refreshed; undefined = off */
  readonly venue?: { readonly afterMs: number; readonly sendAction: SendAction; readonly log: Logger };
}

export interface Deadman extends Module {
  /** mids arrived at `atMs` */
  midsObserved(atMs: number): void;
  /** the venue's scheduled cancel time it last accepted */
  readonly venueArmedUntil: number | undefined;
}

export async function startDeadman(p: DeadmanPorts): Promise<Deadman> {
  const { clock, log } = p;
  // the venue's own switch (off by default: the venue allows it only after $1M traded volume)
  const venue: ScheduleCancelSwitch | undefined =
    p.venue === undefined ? undefined : await startVenueDeadman(p.venue, clock);
  let lastMidsAtMs = clock.now();
  let fired = false;
  const cancelTimer =
    p.afterMs > 0
      ? clock.every(Math.max(50, Math.min(1000, Math.floor(p.afterMs / 4))), () => {
          if (fired || clock.now() - lastMidsAtMs <= p.afterMs) return;
          fired = true;
          log.error(
            { silentMs: clock.now() - lastMidsAtMs },
            "dead-man's switch: no market data; canceling all",
          );
          p.apply({ type: 'feedLost', key: DEADMAN_KEY, detail: `no mids for ${p.afterMs} ms` }, 'deadman');
          void p.kill('deadMansSwitch');
        })
      : undefined;
  return {
    midsObserved(atMs) {
      lastMidsAtMs = atMs;
      if (!fired) return;
      fired = false;
      p.apply({ type: 'feedRestored', key: DEADMAN_KEY }, 'deadman');
    },
    get venueArmedUntil() {
      return venue?.armedUntil;
    },
    async stop() {
      cancelTimer?.();
      // a graceful stop clears the venue's scheduled cancel: the standby takes the orders over
      await venue?.stop(true);
    },
    abandon() {
      cancelTimer?.();
      // a crash leaves the venue's scheduled cancel armed: it fires
      void venue?.stop(false);
    },
  };
}

function startVenueDeadman(
  o: NonNullable<DeadmanPorts['venue']>,
  clock: Clock,
): Promise<ScheduleCancelSwitch> {
  return startScheduleCancel({
    afterMs: o.afterMs,
    refreshMs: Math.max(1_000, Math.floor(o.afterMs / 3)),
    clock: () => clock.now(),
    log: o.log,
    send: async (time) =>
      scheduleAnswerOf(
        await o.sendAction('scheduleCancel', scheduleCancelAction(time === undefined ? {} : { time })),
      ),
  });
}
