import { parseJson } from '@hyperflow/contracts';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { StrategyError } from '../errors.js';

/**
 * The strategies' state after every event up to `md` / `acct` (stream sequences) was decided and
 * its signals published. `configHash` ties it to the strategies document: another config starts
 * from the replay instead. Control flags are not in it (they replay from the CONTROL stream).
 */
export const StrategySnapshot = z.object({
  v: z.literal(1),
  configHash: z.string().min(1),
  md: z.number().int().nonnegative(),
  acct: z.number().int().nonnegative(),
  atMs: z.number().nonnegative(),
  strategies: z.record(z.string(), z.unknown()),
});
export type StrategySnapshot = z.infer<typeof StrategySnapshot>;

/** The snapshot port the engine depends on. */
export interface SnapshotStore {
  load(): Promise<StrategySnapshot | undefined>;
  save(snapshot: StrategySnapshot): Promise<void>;
}

/** Snapshots in a KV bucket (the contract's `snapshots` bucket), one key per instance. */
export async function kvSnapshotStore(
  nc: NatsConnection,
  bucket: string,
  key: string,
): Promise<SnapshotStore> {
  let kv: Awaited<ReturnType<Kvm['open']>>;
  try {
    kv = await new Kvm(jetstream(nc)).open(bucket);
  } catch (err) {
    throw new StrategyError(`cannot open snapshot bucket ${bucket}`, { cause: err });
  }
  return {
    async load() {
      const e = await kv.get(key);
      if (e === null || e.operation !== 'PUT' || e.value.length === 0) return undefined;
      return parseJson(StrategySnapshot, e.value, `snapshot ${key}`);
    },
    async save(s) {
      await kv.put(key, JSON.stringify(s));
    },
  };
}
