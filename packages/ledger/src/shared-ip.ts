import { buckets } from '@hyperflow/contracts';
import { type Clock, type Logger, systemTimers } from '@hyperflow/core';
import { LeasedBudget, type RateBudget } from '@hyperflow/hyperliquid';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { KvLeaseSource } from './kv-lease-source.js';

/**
 * This process's share (`local`) AND the IP's shared window (`shared`). Weight is taken from the
 * local share first, so a request this process may not make never consumes shared budget; a 429
 * means the IP as a whole is over, so both views back off.
 */
export function layeredBudget(local: RateBudget, shared: RateBudget): RateBudget {
  return {
    async acquire(weight, options) {
      const mine = await local.acquire(weight, options);
      if (!mine.granted) return mine;
      // a local share taken for a request that is then refused ages out with its window
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

export interface SharedIpBudgetOptions {
  readonly nc: NatsConnection;
  /** prefix of the bucket names (tests use their own); the bucket is `buckets(prefix).ratelimit` */
  readonly bucketPrefix?: string;
  /** the egress IP's name: every process behind one IP uses the same */
  readonly ipBucket: string;
  /** venue: one minute */
  readonly windowMs?: number;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * The per-IP REST weight window shared by every process on one egress IP, leased in chunks from
 * the NATS KV rate ledger (so the hot path pays no round trip), layered under `local`. Without a
 * provisioned ledger bucket, `local` alone applies, with a warning.
 */
export async function withSharedIpBudget(
  local: RateBudget,
  opts: SharedIpBudgetOptions,
): Promise<RateBudget> {
  const bucket = buckets(opts.bucketPrefix ?? '').ratelimit;
  try {
    // opening a bucket does not check that it exists: ask the stream
    await (await jetstreamManager(opts.nc)).streams.info(`KV_${bucket}`);
    const store = await new Kvm(jetstream(opts.nc)).open(bucket);
    const shared = new LeasedBudget({
      source: new KvLeaseSource({
        store,
        key: `ip.${opts.ipBucket}`,
        clock: opts.clock,
        ...(opts.windowMs === undefined ? {} : { windowMs: opts.windowMs }),
      }),
      ...(opts.windowMs === undefined ? {} : { throttleMs: opts.windowMs }),
      clock: opts.clock,
      timers: systemTimers,
      logger: opts.log,
    });
    return layeredBudget(local, shared);
  } catch (err) {
    opts.log.warn({ err, bucket }, 'no shared rate ledger: the REST budget is this process alone');
    return local;
  }
}
