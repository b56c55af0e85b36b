import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buckets } from '@hyperflow/contracts';
import { testScope } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type LeaseBucket, type LeaseLostReason, type LeaseRecord, openLeaseBucket } from './lease.js';
import { provision } from './provision.js';
import { deleteScoped, TEST_LIMITS, waitFor } from './test-support/bus.js';

const TTL_MS = 2000;
const FAST = { ttlMs: TTL_MS, renewIntervalMs: 400, safetyMarginMs: 400, pollMs: 100 } as const;

interface Env {
  readonly nc: NatsConnection;
  readonly bucket: LeaseBucket;
  readonly prefix: string;
  readonly root: string;
}

const envs: Env[] = [];

async function env(label: string, ttlMs: number = TTL_MS): Promise<Env> {
  const scope = testScope(label);
  const nc = await connect({ servers: inject('natsUrl'), name: `lease-test-${label}` });
  await provision(nc, {
    root: scope.root,
    namePrefix: scope.streamPrefix,
    limits: {
      ...TEST_LIMITS,
      buckets: { ...TEST_LIMITS.buckets, leases: { maxBytes: 256 * 1024, ttlMs } },
    },
  });
  const bucket = await openLeaseBucket(nc, buckets(scope.streamPrefix).leases);
  const e = { nc, bucket, prefix: scope.streamPrefix, root: scope.root };
  envs.push(e);
  return e;
}

const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const e of envs.splice(0)) {
    await deleteScoped(e.nc, e.prefix);
    await e.nc.close();
  }
});

describe('KvLease (real nats-server, bucket max_age as TTL)', () => {
  it('refuses a lease TTL longer than the bucket keeps its values', async () => {
    const e = await env('ttlcap');
    expect(e.bucket.ttlMs).toBe(TTL_MS);
    expect(() => e.bucket.lease({ ...FAST, key: 'k', holderId: 'A', ttlMs: TTL_MS + 1 })).toThrow(
      /exceeds bucket .* max_age of 2000 ms/,
    );
    // as long as the bucket's max_age, or shorter (trusted for less than the server keeps it)
    expect(e.bucket.lease({ ...FAST, key: 'k', holderId: 'A' }).isHeld()).toBe(false);
    expect(
      e.bucket.lease({ ...FAST, key: 'k', holderId: 'A', ttlMs: 1500, safetyMarginMs: 200 }).isHeld(),
    ).toBe(false);
  });

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

const HOLDER = fileURLToPath(new URL('./test-support/lease-holder.ts', import.meta.url));
const LONG_TTL_MS = 30_000; // presence must not wait for this
const PRESENCE = { intervalMs: 100, misses: 3 } as const;

/** A holder in its own process (so it can be SIGKILLed, or stall its own event loop only). */
async function childHolder(e: Env, key: string, holderId: string) {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', HOLDER], {
    env: {
      PATH: process.env.PATH ?? '',
      NATS_URL: inject('natsUrl'),
      LEASE_BUCKET: e.bucket.name,
      LEASE_ROOT: e.root,
      LEASE_KEY: key,
      LEASE_HOLDER: holderId,
      LEASE_TTL_MS: String(LONG_TTL_MS),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  const c = { proc, out: '' };
  proc.stdout?.on('data', (b: Buffer) => {
    c.out += b.toString();
  });
  proc.stderr?.on('data', (b: Buffer) => {
    c.out += b.toString();
  });
  await waitFor(() => /^held /m.test(c.out), 20_000);
  return c;
}

describe('KvLease presence (fast takeover after a crash)', () => {
  it('the standby takes over long before the TTL once the holder process is SIGKILLed', async () => {
    const e = await env('presence1', LONG_TTL_MS);
    const a = await childHolder(e, 'k', 'A');
    expect(a.out).toContain(`held ${e.root}.lease.${e.bucket.name}.k.holder`);
    const b = e.bucket.lease<{ n: number }>({
      key: 'k',
      holderId: 'B',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
    });
    let acquired = false;
    const takeover = b.acquire({ data: (prev) => ({ n: (prev?.n ?? 0) + 1 }) }).then((r) => {
      acquired = true;
      return r;
    });
    // while the holder lives, the standby waits (it gets answers)
    await new Promise((r) => setTimeout(r, 600));
    expect(acquired).toBe(false);
    a.proc.kill('SIGKILL');
    await waitFor(() => acquired, 5000); // the TTL is 30 s: only presence can do this
    const { previous } = await takeover;
    expect(previous).toEqual({ n: 1 });
    expect(b.isHeld()).toBe(true);
    expect(b.presenceSubject).toBe(`${e.root}.lease.${e.bucket.name}.k.holder`);
    await b.release();
  }, 30_000);

  it('the standby takes over when the holder connection is closed without a release', async () => {
    const e = await env('presence2', LONG_TTL_MS);
    const ncA = await connect({ servers: inject('natsUrl'), name: 'lease-test-presence-holder' });
    const lostA: LeaseLostReason[] = [];
    const a = (await openLeaseBucket(ncA, e.bucket.name)).lease({
      key: 'k',
      holderId: 'A',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
      onLost: (r) => lostA.push(r),
    });
    await a.acquire();
    expect(a.presenceSubject).toBeDefined();
    const b = e.bucket.lease({
      key: 'k',
      holderId: 'B',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
    });
    const takeover = b.acquire();
    await ncA.close(); // no release: the lease key still names A
    expect(a.isHeld()).toBe(false); // its connection is gone: it no longer trusts the lease
    await takeover;
    expect(b.isHeld()).toBe(true);
    await b.release();
  }, 30_000);

  it('a live holder whose event loop stalls is not displaced (timeouts are not "no responders")', async () => {
    const e = await env('presence3', LONG_TTL_MS);
    const a = await childHolder(e, 'k', 'A');
    const b = e.bucket.lease({
      key: 'k',
      holderId: 'B',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
    });
    let acquired = false;
    const ac = new AbortController();
    const standby = b.acquire({ signal: ac.signal }).then(() => {
      acquired = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    // stalled for many presence intervals (more than `misses` of them)
    a.proc.stdin?.write('block 1500\n');
    await waitFor(() => a.out.includes('unblocked'), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(acquired).toBe(false);
    expect(a.out).toContain('unblocked true');
    a.proc.stdin?.write('status\n');
    await waitFor(() => a.out.includes('status'), 5000);
    expect(a.out).toContain('status true');
    expect(a.out).not.toContain('lost');
    ac.abort();
    await expect(standby).rejects.toThrow(/standby aborted/);
  }, 30_000);

  it("a holder that writes between the standby's presence check and its takeover keeps the lease", async () => {
    const e = await env('presence4', LONG_TTL_MS);
    const { Kvm } = await import('@nats-io/kv');
    const { jetstream } = await import('@nats-io/jetstream');
    const kv = await new Kvm(jetstream(e.nc)).open(e.bucket.name);
    const subject = `${e.root}.lease.${e.bucket.name}.k.holder`;
    // a holder that advertises presence but has no responder (its connection is gone), and still writes
    const record = (n: number): string =>
      JSON.stringify({
        holder: 'A',
        released: false,
        data: { n },
        writtenAtMs: Date.now(),
        presence: subject,
      } satisfies LeaseRecord<{ n: number }>);
    let revision = await kv.create('k', record(1));
    let attempts = 0;
    let renewed: Promise<void> = Promise.resolve();
    const b = e.bucket.lease<{ n: number }>({
      key: 'k',
      holderId: 'B',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
    });
    const takeover = b.acquire({
      data: (prev) => {
        attempts += 1;
        if (attempts === 1) {
          // the standby decided to take over; the holder renews first (same connection: ordered)
          renewed = kv.update('k', record(2), revision).then((r) => {
            revision = r;
          });
        }
        return { n: (prev?.n ?? 0) + 100 };
      },
    });
    await waitFor(() => attempts >= 1, 5000);
    await renewed;
    expect(b.isHeld()).toBe(false); // the revision-checked takeover failed
    const entry = await kv.get('k');
    expect(entry?.json<LeaseRecord<{ n: number }>>()).toMatchObject({ holder: 'A', data: { n: 2 } });
    // the holder writes no more: the standby takes over from the newest revision
    const { previous } = await takeover;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(previous).toEqual({ n: 2 });
    expect(b.data).toEqual({ n: 102 });
    await b.release();
  }, 30_000);

  it('a record without presence (TTL-only holder) is never taken over early', async () => {
    const e = await env('presence5', LONG_TTL_MS);
    const ncA = await connect({ servers: inject('natsUrl'), name: 'lease-test-ttl-holder' });
    const a = (await openLeaseBucket(ncA, e.bucket.name)).lease({
      key: 'k',
      holderId: 'A',
      ttlMs: LONG_TTL_MS,
    });
    await a.acquire();
    const b = e.bucket.lease({
      key: 'k',
      holderId: 'B',
      ttlMs: LONG_TTL_MS,
      presence: { root: e.root, ...PRESENCE },
    });
    let acquired = false;
    const ac = new AbortController();
    const standby = b.acquire({ signal: ac.signal }).then(() => {
      acquired = true;
    });
    await new Promise((r) => setTimeout(r, 1000)); // many presence intervals; nobody answers
    expect(acquired).toBe(false);
    expect(a.isHeld()).toBe(true);
    ac.abort();
    await expect(standby).rejects.toThrow(/standby aborted/);
    await a.release();
    await ncA.close();
  }, 30_000);
});
