// The venue budgets this process spends before it sends: its share of the per-IP REST weight, the
// IP's window shared with every process on the same egress IP (leased in chunks from the NATS KV
// rate ledger, so the hot path pays no round trip), and the account's address budget.

import { systemTimers } from '@hyperflow/core';
import {
  addressActionBudget,
  type InfoBudget,
  ipWeightBudget,
  type RateBudget,
} from '@hyperflow/hyperliquid';
import { withSharedIpBudget } from '@hyperflow/ledger';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export interface ExecutionBudgets {
  /** per-IP weight: REST /exchange and /info */
  readonly ip: RateBudget & InfoBudget;
  /** per-address actions (doc 7.2) */
  readonly address: RateBudget;
  close(): void;
}

export async function executionBudgets(opts: {
  readonly nc: NatsConnection;
  readonly streamPrefix: string;
  readonly ipBucket: string;
  readonly restWeightPerMinute: number;
  /** venue: one minute */
  readonly windowMs: number;
  readonly clock: () => number;
  readonly log: Logger;
}): Promise<ExecutionBudgets> {
  const clock = { now: opts.clock };
  const local = ipWeightBudget({
    limit: opts.restWeightPerMinute,
    windowMs: opts.windowMs,
    clock,
    timers: systemTimers,
  });
  const address = addressActionBudget({ clock, timers: systemTimers });
  const ip = await withSharedIpBudget(local, {
    nc: opts.nc,
    bucketPrefix: opts.streamPrefix,
    ipBucket: opts.ipBucket,
    windowMs: opts.windowMs,
    clock,
    log: opts.log,
  });
  return {
    ip: ip as RateBudget & InfoBudget,
    address,
    close() {
      ip.close();
      address.close();
    },
  };
}
