// The one-shot provision step of `hyperflow up` (and `hyperflow provision`): connects as the
// provisioner identity, creates or updates the streams, KV buckets and durable consumers, and
// closes. No service holds these rights.
import { connectBus, provision, provisionDurables } from '@hyperflow/bus';
import type { Net } from '@hyperflow/contracts';
import { replicasOf, replicatedLimits } from './nats-cluster.js';

export interface ProvisionStepOptions {
  readonly url: string | readonly string[];
  readonly password: string;
  readonly net: Net;
  /** every stream and bucket at this many copies (a cluster); the bus defaults (R1) otherwise */
  readonly replicas?: number;
}

/** One line per stream and consumer for the console, e.g. `MARKET(created)`. */
export async function runProvisionStep(opts: ProvisionStepOptions): Promise<string> {
  const nc = await connectBus({
    servers: opts.url,
    name: 'hyperflow-provision',
    user: 'provisioner',
    pass: opts.password,
    // a one-shot step: fail instead of waiting for a server that is not there
    timeoutMs: 10_000,
  });
  try {
    const result = await provision(
      nc,
      opts.replicas === undefined ? {} : { limits: replicatedLimits(opts.replicas) },
    );
    const durables = await provisionDurables(nc, { net: opts.net });
    return [
      `streams ${Object.values(result.streams)
        .map((s) => `${s.name}(${s.action})`)
        .join(' ')}`,
      `buckets ${Object.values(result.buckets)
        .map((b) => `${b.name}(${b.action})`)
        .join(' ')}`,
      `consumers ${durables.map((d) => `${d.stream}/${d.name}(${d.action})`).join(' ')}`,
      ...(opts.replicas === undefined ? [] : [`replicas ${await replicasOf(nc, result)}`]),
    ].join('\n');
  } finally {
    await nc.close();
  }
}
