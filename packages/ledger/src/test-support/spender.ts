// One process of the multi-process ledger test: spends weight from the shared KV ledger as fast
// as it is granted and prints the grant times (epoch ms) as JSON on stdout.

import { LeasedBudget } from '@hyperflow/hyperliquid';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { KvLeaseSource } from '../kv-lease-source.js';

const [url, bucket, limit, windowMs, wants, runMs] = process.argv.slice(2);
const nc = await connect({ servers: url as string });
const store = await new Kvm(jetstream(nc)).open(bucket as string);
const budget = new LeasedBudget({
  source: new KvLeaseSource({
    store,
    key: 'ip.test',
    limit: Number(limit),
    windowMs: Number(windowMs),
    bucketMs: 100,
  }),
  limit: Number(limit),
  chunk: 10,
  defaultMaxWaitMs: Number(runMs),
});
const grants: number[] = [];
const end = Date.now() + Number(runMs);
await Promise.all(
  Array.from({ length: Number(wants) }, async () => {
    const g = await budget.acquire(1, { priority: 'newOrder', deadlineMs: end });
    if (g.granted) grants.push(Date.now());
  }),
);
budget.close();
await nc.close();
process.stdout.write(JSON.stringify(grants));
