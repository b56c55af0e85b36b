import {
  DEFAULT_BUCKET_LIMITS,
  DEFAULT_STREAM_LIMITS,
  type ProvisionLimits,
  type ProvisionResult,
  serverPasswordEnv,
} from '@hyperflow/bus';
import { NatsLocalError, startNatsCluster } from '@hyperflow/nats-local';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CliError } from '../errors.js';
import { type NatsUser, runPasswords } from './nats-server.js';

/** `hyperflow up --cluster N`: N local servers with the repository's config, routed on loopback. */
export interface LocalNatsCluster {
  /** every node's URL, comma-separated (the services' NATS_URL form) */
  readonly url: string;
  readonly urls: readonly string[];
  readonly version: string;
  readonly passwords: Readonly<Record<NatsUser, string>>;
  stop(): Promise<void>;
}

/**
 * Starts the cluster (each node's store in `<dataDir>/<node>`, kept across runs like the single
 * server's) and waits for its meta leader. Passwords are made for this run and never printed.
 */
export async function startLocalNatsCluster(opts: {
  repoRoot: string;
  configFile: string;
  dataDir: string;
  size: number;
}): Promise<LocalNatsCluster> {
  const passwords = runPasswords();
  // the servers get bcrypt hashes only, as the single server does
  const env = serverPasswordEnv(passwords, 10);
  try {
    const cluster = await startNatsCluster({
      size: opts.size,
      configFile: opts.configFile,
      env,
      dataDir: opts.dataDir,
      repoRoot: opts.repoRoot,
    });
    return {
      url: cluster.urls.join(','),
      urls: cluster.urls,
      version: cluster.version,
      passwords,
      stop: () => cluster.stop(),
    };
  } catch (err) {
    if (err instanceof NatsLocalError) throw new CliError(err.message, { cause: err });
    throw err;
  }
}

/** Every stream and KV bucket at `replicas` copies (one per node of the cluster). */
export function replicatedLimits(replicas: number): ProvisionLimits {
  const each = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, { replicas }])) as { [P in K]: { replicas: number } };
  return {
    streams: each(Object.keys(DEFAULT_STREAM_LIMITS) as (keyof typeof DEFAULT_STREAM_LIMITS)[]),
    buckets: each(Object.keys(DEFAULT_BUCKET_LIMITS) as (keyof typeof DEFAULT_BUCKET_LIMITS)[]),
  };
}

/** `MARKET=3 SIGNALS=3 … KV_hl_leases=3`: each provisioned stream's replicas, as the server reports them. */
export async function replicasOf(nc: NatsConnection, provisioned: ProvisionResult): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const names = [
    ...Object.values(provisioned.streams).map((s) => s.name),
    ...Object.values(provisioned.buckets).map((b) => `KV_${b.name}`),
  ];
  const infos = await Promise.all(names.map((n) => jsm.streams.info(n)));
  return infos.map((i) => `${i.config.name}=${i.config.num_replicas}`).join(' ');
}
