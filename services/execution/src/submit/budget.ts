// The venue budgets this process spends before it sends: its share of the per-IP REST weight, the
// IP's window shared with every process on the same egress IP (leased in chunks from the NATS KV
// rate ledger, so the hot path pays no round trip), and the account's address budget.
import { buckets } from '@hyperflow/contracts';
import {
  addressActionBudget,
  type InfoBudget,
  ipWeightBudget,
  KvLeaseSource,
  LeasedBudget,
  type RateBudget,
  systemTimers,
} from '@hyperflow/hyperliquid';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export interface ExecutionBudgets {
  /** per-IP weight: REST /exchange and /info */
  readonly ip: RateBudget & InfoBudget;
  /** per-address actions (doc 7.2) */
  readonly address: RateBudget;
  close(): void;
}

/** Local share first: a request this process may not make never consumes shared budget. */
function both(local: RateBudget, shared: RateBudget): RateBudget {
  return {
    async acquire(weight, options) {
      const mine = await local.acquire(weight, options);
      if (!mine.granted) return mine;
      return shared.acquire(weight, options);
    },
    debit(weight) {
      local.debit(weight);
      shared.debit(weight);
    },
    sync(observed) {
      local.sync(observed);
      shared.sync(observed);
    },
    snapshot: () => local.snapshot(),
    close() {
      local.close();
      shared.close();
    },
  };
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
  const bucket = buckets(opts.streamPrefix).ratelimit;
  let ip: RateBudget = local;
  try {
    // bind does not check that the bucket exists: ask the stream
    await (await jetstreamManager(opts.nc)).streams.info(`KV_${bucket}`);
    const store = await new Kvm(jetstream(opts.nc)).open(bucket);
    const shared = new LeasedBudget({
      source: new KvLeaseSource({ store, key: `ip.${opts.ipBucket}`, clock, windowMs: opts.windowMs }),
      throttleMs: opts.windowMs,
      clock,
      timers: systemTimers,
      logger: opts.log,
    });
    ip = both(local, shared);
  } catch (err) {
    opts.log.warn({ err, bucket }, 'no shared rate ledger: the per-IP budget is this process alone');
  }
  return {
    ip: ip as RateBudget & InfoBudget,
    address,
    close() {
      ip.close();
      address.close();
    },
  };
}
