import { provision } from '@hyperflow/bus';
import { type Subjects, streams, subjects } from '@hyperflow/contracts';
import { waitFor as kitWaitFor, testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const MIB = 1024 * 1024;

export interface TestBus {
  readonly nc: NatsConnection;
  readonly root: string;
  readonly prefix: string;
  readonly subj: Subjects;
  readonly streams: ReturnType<typeof streams>;
  connect(name: string): Promise<NatsConnection>;
  cleanup(): Promise<void>;
}

/** A connection plus this test's own provisioned streams (unique subject root and name prefix). */
export async function testBus(label: string): Promise<TestBus> {
  const scope = testScope(label);
  const open = (name: string) => connect({ servers: inject('natsUrl'), name });
  const nc = await open(`strategy-test-${label}`);
  await provision(nc, {
    root: scope.root,
    namePrefix: scope.streamPrefix,
    limits: {
      streams: {
        MARKET: { maxAgeMs: 3_600_000, maxBytes: 16 * MIB },
        SIGNALS: { maxBytes: MIB },
        EXECUTION: { maxBytes: MIB },
        CONTROL: { maxBytes: MIB },
        DLQ: { maxBytes: MIB },
      },
      buckets: { ratelimit: { maxBytes: MIB }, leases: { maxBytes: MIB }, snapshots: { maxBytes: MIB } },
    },
  });
  return {
    nc,
    root: scope.root,
    prefix: scope.streamPrefix,
    subj: subjects('sim', scope.root),
    streams: streams(scope.root, scope.streamPrefix),
    connect: open,
    async cleanup() {
      const jsm = await jetstreamManager(nc);
      const names: string[] = [];
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(scope.streamPrefix) || name.startsWith(`KV_${scope.streamPrefix}`))
          names.push(name);
      }
      for (const name of names) await jsm.streams.delete(name);
      await nc.close();
    },
  };
}

/** Polls until `check` holds (brokers are asynchronous). */
/** The test kit's poll, with this suite's default timeout. */
export const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) =>
  kitWaitFor(check, timeoutMs);
