// The one-shot provisioner of compose (`provision` service) and Kubernetes (a Job): connects as
// the provisioner identity, creates or updates streams, KV buckets and the table's durables,
// prints one JSON line and exits 0 (1 with the reason on stderr).
//   NATS_URL=nats://nats:4222 NATS_PASS=… HL_NETWORK=sim node packages/bus/dist/access/provision-main.js
import { Net } from '@hyperflow/contracts';
import { connectBus } from '../connect.js';
import { provision } from '../provision.js';
import { provisionDurables } from './provisioning.js';
import { refusePlaceholder } from './secrets.js';

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const url = env.NATS_URL;
  if (url === undefined || url === '') throw new Error('NATS_URL is not set');
  refusePlaceholder('NATS_PASS', env.NATS_PASS);
  const net = Net.parse(env.HL_NETWORK ?? 'sim');
  const replicas = Number(env.PROVISION_REPLICAS ?? '1');
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new Error('PROVISION_REPLICAS must be an integer from 1 to 5');
  }
  const nc = await connectBus({
    servers: url.split(','),
    name: 'hyperflow-provision',
    user: env.NATS_USER ?? 'provisioner',
    pass: env.NATS_PASS as string,
    timeoutMs: 10_000,
  });
  try {
    const r = { replicas };
    const result = await provision(nc, {
      limits: {
        streams: { MARKET: r, SIGNALS: r, EXECUTION: r, CONTROL: r, DLQ: r },
        buckets: { ratelimit: r, leases: r, snapshots: r },
      },
    });
    const consumers = await provisionDurables(nc, { net });
    process.stdout.write(`${JSON.stringify({ msg: 'provisioned', net, ...result, consumers })}\n`);
  } finally {
    await nc.close();
  }
}

main(process.env).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`provision: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
