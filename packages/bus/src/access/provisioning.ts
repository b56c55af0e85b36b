// The provisioner's durables and the services' verify-only start check. Streams and buckets are
// `provision`'s; a service never creates anything: it checks what it needs and fails at start,
// naming what is missing, when the provisioner has not run (or ran with another config).
import { buckets, streams } from '@hyperflow/contracts';
import { type Logger, silentLogger } from '@hyperflow/core';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { durableConfig } from '../consumer.js';
import { BusError } from '../errors.js';
import { configDiff, type ProvisionAction } from '../provision.js';
import { durablesFor, IDENTITIES } from './identities.js';

/** What runConsumer asks for by default: the provisioner creates exactly that. */
export const DURABLE_DEFAULTS = { ackWaitMs: 30_000, maxAckPending: 1000 } as const;

export interface DurableScope {
  /** the network the stack runs (durable filters are per network) */
  readonly net: string;
  readonly root?: string;
  readonly namePrefix?: string;
  readonly log?: Logger;
}

const notFound = (err: unknown, code: number) => err instanceof JetStreamApiError && err.code === code;

/** Creates or updates every durable of the identities table (the provisioner's job). */
export async function provisionDurables(
  nc: NatsConnection,
  scope: DurableScope,
): Promise<{ readonly stream: string; readonly name: string; readonly action: ProvisionAction }[]> {
  const log = scope.log ?? silentLogger;
  const jsm = await jetstreamManager(nc);
  const names = streams(scope.root, scope.namePrefix);
  const out: { stream: string; name: string; action: ProvisionAction }[] = [];
  for (const d of durablesFor(scope.net, scope.root)) {
    const stream = names[d.stream].name;
    const cfg = durableConfig({ durable: d.name, filterSubject: d.filter, ...DURABLE_DEFAULTS });
    let existing: Awaited<ReturnType<typeof jsm.consumers.info>> | undefined;
    try {
      existing = await jsm.consumers.info(stream, d.name);
    } catch (err) {
      if (!notFound(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    }
    if (existing === undefined) {
      await jsm.consumers.add(stream, cfg);
      log.info({ stream, durable: d.name }, 'consumer created');
      out.push({ stream, name: d.name, action: 'created' });
      continue;
    }
    const changed = configDiff(cfg, existing.config as unknown as Record<string, unknown>);
    if (changed.length > 0) {
      const { durable_name: _d, ...update } = cfg;
      await jsm.consumers.update(stream, d.name, update);
      log.info({ stream, durable: d.name, changed }, 'consumer updated');
    }
    out.push({ stream, name: d.name, action: changed.length > 0 ? 'updated' : 'unchanged' });
  }
  return out;
}

export interface VerifyOptions {
  readonly root?: string;
  readonly namePrefix?: string;
  /** also check the identity's durables (production: the provisioner made them) */
  readonly net?: string;
}

/**
 * Verify-only provisioning for one identity of the table: every stream and bucket it uses exists
 * (and, with `net`, each of its durables with the filter it needs). Throws one BusError naming
 * everything missing; changes nothing (a service may not).
 */
export async function verifyProvisioned(
  nc: NatsConnection,
  user: string,
  opts: VerifyOptions = {},
): Promise<void> {
  const id = IDENTITIES.find((i) => i.user === user);
  if (id === undefined) throw new BusError(`verify: ${user} is not an identity of the table`);
  const jsm = await jetstreamManager(nc);
  const names = streams(opts.root, opts.namePrefix);
  const kv = buckets(opts.namePrefix);
  const wanted = new Set<string>();
  for (const s of id.streamInfo) {
    wanted.add(
      s.startsWith('KV:') ? `KV_${kv[s.slice(3) as keyof typeof kv]}` : names[s as keyof typeof names].name,
    );
  }
  for (const k of id.kv) wanted.add(`KV_${kv[k.bucket]}`);
  const problems: string[] = [];
  for (const stream of wanted) {
    try {
      await jsm.streams.info(stream);
    } catch (err) {
      if (notFound(err, JetStreamApiCodes.StreamNotFound)) problems.push(`stream ${stream} does not exist`);
      else problems.push(`stream ${stream}: ${(err as Error).message}`);
    }
  }
  if (opts.net !== undefined) {
    for (const d of durablesFor(opts.net, opts.root).filter((x) => x.owner === user)) {
      const stream = names[d.stream].name;
      try {
        const ci = await jsm.consumers.info(stream, d.name);
        if (ci.config.filter_subject !== d.filter) {
          problems.push(
            `consumer ${d.name} on ${stream} filters ${ci.config.filter_subject}, not ${d.filter}`,
          );
        }
      } catch (err) {
        if (
          notFound(err, JetStreamApiCodes.ConsumerNotFound) ||
          notFound(err, JetStreamApiCodes.StreamNotFound)
        ) {
          problems.push(`consumer ${d.name} on ${stream} does not exist`);
        } else problems.push(`consumer ${d.name} on ${stream}: ${(err as Error).message}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new BusError(
      `${user}: the bus is not provisioned for it (${problems.join('; ')}). Run the provisioner first: ` +
        '`hyperflow up` does, `docker compose up` runs the `provision` service, Kubernetes the provision Job',
    );
  }
}
