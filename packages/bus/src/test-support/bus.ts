import { type Subjects, subjects } from '@hyperflow/contracts';
import { waitFor as kitWaitFor, testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { inject, onTestFinished } from 'vitest';
import { type ProvisionLimits, type ProvisionResult, provision } from '../provision.js';

// the testkit's global setup provides this; declared here so the bus tsconfig sees it
declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

const KIB = 1024;

/** Small limits so parallel tests never reserve much disk. */
export const TEST_LIMITS: ProvisionLimits = {
  streams: {
    MARKET: { maxAgeMs: 3_600_000, maxBytes: 8 * KIB * KIB },
    SIGNALS: { maxBytes: 1024 * KIB },
    EXECUTION: { maxBytes: 1024 * KIB },
    CONTROL: { maxBytes: 256 * KIB },
    DLQ: { maxBytes: 1024 * KIB },
  },
  buckets: {
    ratelimit: { maxBytes: 256 * KIB },
    leases: { maxBytes: 256 * KIB },
    snapshots: { maxBytes: 256 * KIB },
  },
};

export interface TestBus {
  readonly nc: NatsConnection;
  readonly root: string;
  readonly namePrefix: string;
  readonly subj: Subjects;
  /** stream names of this test's provisioned streams */
  readonly streams: ProvisionResult['streams'];
  /** deletes every stream and bucket this test created, then closes the connection */
  cleanup(): Promise<void>;
}

/**
 * A connection plus freshly provisioned, uniquely named streams and buckets for one test
 * (`false`: provision nothing; limits: provision with these instead of TEST_LIMITS). Call it inside
 * the test: it deletes what it made and closes the connection when the test finishes (after the
 * suite's afterEach hooks, so consumers stop first).
 */
export async function testBus(
  label: string,
  provisionIt: boolean | ProvisionLimits = true,
): Promise<TestBus> {
  const scope = testScope(label);
  const nc = await connect({ servers: inject('natsUrl'), name: `bus-test-${label}` });
  const limits = provisionIt === true ? TEST_LIMITS : provisionIt;
  const result =
    limits === false
      ? undefined
      : await provision(nc, { root: scope.root, namePrefix: scope.streamPrefix, limits });
  const cleanup = async (): Promise<void> => {
    await deleteScoped(nc, scope.streamPrefix);
    await nc.close();
  };
  onTestFinished(cleanup);
  return {
    nc,
    root: scope.root,
    namePrefix: scope.streamPrefix,
    subj: subjects('sim', scope.root),
    get streams() {
      if (!result) throw new Error('not provisioned');
      return result.streams;
    },
    cleanup,
  };
}

/** Deletes the streams (and KV_ streams) whose name starts with the prefix. */
export async function deleteScoped(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) names.push(name);
  }
  for (const name of names) await jsm.streams.delete(name);
}

/** Polls until `check` returns true (tests only: real brokers are asynchronous). */
/** The test kit's poll, with this suite's default timeout. */
export const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 5000) =>
  kitWaitFor(check, timeoutMs);
