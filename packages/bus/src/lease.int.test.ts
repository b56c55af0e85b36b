import { buckets } from '@hyperflow/contracts';
import { testScope } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type LeaseBucket, type LeaseLostReason, openLeaseBucket } from './lease.js';
import { provision } from './provision.js';
import { deleteScoped, TEST_LIMITS, waitFor } from './test-support/bus.js';

const TTL_MS = 2000;
const FAST = { ttlMs: TTL_MS, renewIntervalMs: 400, safetyMarginMs: 400, pollMs: 100 } as const;

interface Env {
  readonly nc: NatsConnection;
  readonly bucket: LeaseBucket;
  readonly prefix: string;
}

const envs: Env[] = [];

async function env(label: string): Promise<Env> {
  const scope = testScope(label);
  const nc = await connect({ servers: inject('natsUrl'), name: `lease-test-${label}` });
  await provision(nc, {
    root: scope.root,
    namePrefix: scope.streamPrefix,
    limits: {
      ...TEST_LIMITS,
      buckets: { ...TEST_LIMITS.buckets, leases: { maxBytes: 256 * 1024, ttlMs: TTL_MS } },
    },
  });
  const bucket = await openLeaseBucket(nc, buckets(scope.streamPrefix).leases);
  const e = { nc, bucket, prefix: scope.streamPrefix };
  envs.push(e);
  return e;
}

afterEach(async () => {
  for (const e of envs.splice(0)) {
    await deleteScoped(e.nc, e.prefix);
    await e.nc.close();
  }
});

describe('KvLease (real nats-server, bucket max_age as TTL)', () => {
  it('admits one holder; the other stays standby while the holder renews past the TTL', async () => {
    const { bucket } = await env('lease1');
    const a = bucket.lease<{ n: number }>({ key: 'signer-x', holderId: 'A', ...FAST });
    const b = bucket.lease<{ n: number }>({ key: 'signer-x', holderId: 'B', ...FAST });
    await a.acquire({ data: () => ({ n: 1 }) });
    expect(a.isHeld()).toBe(true);

    const r = await b.tryAcquire();
    expect(r).toMatchObject({ acquired: false, holder: 'A', previous: { n: 1 } });

    // the standby keeps waiting across more than two TTLs because A keeps renewing
    const ac = new AbortController();
    const standby = b.acquire({ signal: ac.signal });
    await new Promise((r) => setTimeout(r, TTL_MS * 2 + 200));
    expect(a.isHeld()).toBe(true);
    expect(b.isHeld()).toBe(false);
    ac.abort();
    await expect(standby).rejects.toThrow(/standby aborted/);
    await a.release();
  });

  it('the standby takes over after the holder stops renewing, and sees its last data', async () => {
    const { bucket } = await env('lease2');
    const lostA: LeaseLostReason[] = [];
    let n = 0;
    const a = bucket.lease<{ n: number }>({
      key: 'k',
      holderId: 'A',
      ...FAST,
      dataForRenew: () => ({ n: ++n }),
      onLost: (r) => lostA.push(r),
    });
    await a.acquire({ data: () => ({ n }) });
    const b = bucket.lease<{ n: number }>({ key: 'k', holderId: 'B', ...FAST });
    const started = Date.now();
    const takeover = b.acquire();
    await waitFor(() => n >= 3, 5000); // a few renewals written while B watches
    a.abandon(); // crash: no more renewals, no release
    const lastWritten = n;
    const { previous } = await takeover;
    expect(b.isHeld()).toBe(true);
    expect(previous).toEqual({ n: lastWritten });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL_MS);
    expect(lostA).toEqual([]); // abandon is not a loss notification
    await b.release();
  });

  it('a holder cut off from NATS stops trusting the lease (onLost "expired") before the standby can take over', async () => {
    const { bucket } = await env('lease6');
    const ncA = await connect({ servers: inject('natsUrl'), name: 'lease-test-holder' });
    const bucketA = await openLeaseBucket(ncA, bucket.name);
    let lostAt = 0;
    const lost: LeaseLostReason[] = [];
    const a = bucketA.lease({
      key: 'k',
      holderId: 'A',
      ...FAST,
      onLost: (r) => {
        lost.push(r);
        lostAt = Date.now();
      },
    });
    await a.acquire();
    const b = bucket.lease({ key: 'k', holderId: 'B', ...FAST });
    const takeover = b.acquire().then(() => Date.now());
    await ncA.close(); // renewals now fail
    const acquiredAt = await takeover;
    expect(lost).toEqual(['expired']);
    expect(a.isHeld()).toBe(false);
    expect(lostAt).toBeLessThan(acquiredAt);
    await b.release();
  });

  it('concurrent renew calls share one write (no self-inflicted "taken")', async () => {
    const { bucket } = await env('lease7');
    const lost: LeaseLostReason[] = [];
    const a = bucket.lease({ key: 'k', holderId: 'A', ...FAST, onLost: (r) => lost.push(r) });
    await a.acquire();
    await Promise.all([a.renew(), a.renew(), a.renew()]);
    await a.renew();
    expect(lost).toEqual([]);
    expect(a.isHeld()).toBe(true);
    await a.release();
  });

  it('release hands over at once with the final data', async () => {
    const { bucket } = await env('lease4');
    const a = bucket.lease<{ n: number }>({ key: 'k', holderId: 'A', ...FAST });
    await a.acquire({ data: () => ({ n: 7 }) });
    const b = bucket.lease<{ n: number }>({ key: 'k', holderId: 'B', ...FAST });
    const takeover = b.acquire({ data: (prev) => ({ n: (prev?.n ?? 0) + 1 }) });
    await a.release({ n: 42 });
    const started = Date.now();
    const { previous } = await takeover;
    expect(previous).toEqual({ n: 42 });
    expect(Date.now() - started).toBeLessThan(TTL_MS);
    expect(b.data).toEqual({ n: 43 });
    await b.release();
  });

  it('onLost("taken") when another holder wrote the key under us', async () => {
    const { bucket, nc } = await env('lease5');
    const lost: LeaseLostReason[] = [];
    const a = bucket.lease({ key: 'k', holderId: 'A', ...FAST, onLost: (r) => lost.push(r) });
    await a.acquire();
    // a rogue writer overwrites the key without a revision check
    const { Kvm } = await import('@nats-io/kv');
    const { jetstream } = await import('@nats-io/jetstream');
    const kv = await new Kvm(jetstream(nc)).open(bucket.name);
    await kv.put('k', JSON.stringify({ holder: 'Z', released: false, data: null, writtenAtMs: 0 }));
    await waitFor(() => lost.length > 0, 3000);
    expect(lost).toEqual(['taken']);
    expect(a.isHeld()).toBe(false);
  });
});
