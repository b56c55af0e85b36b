import { connectBus, type LeaseBucket, openLeaseBucket, provision } from '@hyperflow/bus';
import { buckets } from '@hyperflow/contracts';
import { ExchangeSigner, LocalSigner, noopAction } from '@hyperflow/signing';
import { testScope, waitFor } from '@hyperflow/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { LeasedNonceManager, type NonceLeaseData, NonceLeaseError } from './nonce-lease.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

type Conn = Awaited<ReturnType<typeof connectBus>>;

const TTL_MS = 2000;
const FAST = { ttlMs: TTL_MS, renewIntervalMs: 400, safetyMarginMs: 400, pollMs: 100 } as const;
const KIB = 1024;
const SIGNER = new LocalSigner('0x0123456789012345678901234567890123456789012345678901234567890123');

interface Proc {
  readonly nc: Conn;
  readonly leases: LeaseBucket;
}

const opened: { nc: Conn; streams: string[] }[] = [];

/** Provisions a scoped lease bucket (max_age = TTL_MS) and returns two "processes" on it. */
async function twoProcesses(label: string, ttlMs: number = TTL_MS): Promise<[Proc, Proc]> {
  const scope = testScope(label);
  const admin = await connectBus({ servers: inject('natsUrl'), name: `${label}-admin` });
  const small = { maxBytes: 256 * KIB };
  const result = await provision(admin, {
    root: scope.root,
    namePrefix: scope.streamPrefix,
    limits: {
      streams: {
        MARKET: { maxAgeMs: 60_000, maxBytes: 256 * KIB },
        SIGNALS: small,
        EXECUTION: small,
        CONTROL: small,
        DLQ: small,
      },
      buckets: { ratelimit: small, snapshots: small, leases: { ...small, ttlMs } },
    },
  });
  opened.push({
    nc: admin,
    streams: [
      ...Object.values(result.streams).map((s) => s.name),
      ...Object.values(result.buckets).map((b) => `KV_${b.name}`),
    ],
  });
  const proc = async (name: string): Promise<Proc> => {
    const nc = await connectBus({ servers: inject('natsUrl'), name });
    opened.push({ nc, streams: [] });
    return { nc, leases: await openLeaseBucket(nc, buckets(scope.streamPrefix).leases) };
  };
  return [await proc(`${label}-a`), await proc(`${label}-b`)];
}

afterEach(async () => {
  for (const { nc, streams } of opened.splice(0).reverse()) {
    // JetStream API over plain request/reply: no extra client dependency for cleanup
    for (const s of streams) await nc.request(`$JS.API.STREAM.DELETE.${s}`);
    await nc.close();
  }
});

function manager(p: Proc, holderId: string, clock: () => number = Date.now): LeasedNonceManager {
  return new LeasedNonceManager({ leases: p.leases, signer: SIGNER.address, holderId, clock, ...FAST });
}

describe('LeasedNonceManager (real nats-server)', () => {
  it('only the lease holder issues nonces; the other refuses, and a burst cannot pass the persisted ceiling', async () => {
    const [pa, pb] = await twoProcesses('nonce1');
    const a = manager(pa, 'A');
    const b = manager(pb, 'B');
    await a.acquire();
    expect(await b.tryAcquire()).toBe(false);
    expect(a.isActive()).toBe(true);
    expect(b.isActive()).toBe(false);

    const signerA = new ExchangeSigner({ signer: SIGNER, network: 'testnet', nonces: a });
    const signerB = new ExchangeSigner({ signer: SIGNER, network: 'testnet', nonces: b });
    expect((await signerA.sign(noopAction())).nonce).toBeGreaterThan(0);
    await expect(signerB.sign(noopAction())).rejects.toBeInstanceOf(NonceLeaseError);
    expect(() => a.next('0x0000000000000000000000000000000000000001')).toThrow(NonceLeaseError);

    // ceiling = write time + ttl − margin (≈ now + 1600 ms): a tight loop runs the counter past it
    expect(() => {
      for (let i = 0; i < 5000; i++) a.next(SIGNER.address);
    }).toThrow(/ceiling/);
    a.abandon();
  });

  it('the standby takes over after the holder stops renewing; its nonces are strictly above, even with a slow clock', async () => {
    const [pa, pb] = await twoProcesses('nonce2');
    const a = manager(pa, 'A');
    // B's clock is 5 s behind: only the persisted ceiling keeps its nonces above A's
    const b = manager(pb, 'B', () => Date.now() - 5000);
    await a.acquire();
    const standby = b.acquire();

    const fromA: number[] = [];
    const draw = (n: number) => {
      for (let i = 0; i < n; i++) fromA.push(a.next(SIGNER.address));
    };
    draw(300);
    await new Promise((r) => setTimeout(r, 700)); // at least one renewal persisted them
    draw(300); // drawn after the last write: not persisted, but under its ceiling
    a.abandon(); // crash: no more renewals, no release
    expect(() => a.next(SIGNER.address)).toThrow(NonceLeaseError);

    await standby;
    expect(b.isActive()).toBe(true);
    const fromB = Array.from({ length: 300 }, () => b.next(SIGNER.address));
    const maxA = Math.max(...fromA);
    expect(Math.min(...fromB)).toBeGreaterThan(maxA);
    const all = [...fromA, ...fromB];
    expect(new Set(all).size).toBe(all.length);
    for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1] as number);
    await b.release();
  });

  it('a graceful release hands over at once and the standby continues at exactly last + 1', async () => {
    const [pa, pb] = await twoProcesses('nonce3');
    const a = manager(pa, 'A');
    const b = manager(pb, 'B', () => Date.now() - 5000);
    await a.acquire();
    const standby = b.acquire();
    let last = 0;
    for (let i = 0; i < 100; i++) last = a.next(SIGNER.address);
    const releasedAt = Date.now();
    await a.release();
    expect(a.isActive()).toBe(false);
    await standby;
    expect(Date.now() - releasedAt).toBeLessThan(TTL_MS);
    expect(b.next(SIGNER.address)).toBe(last + 1);
    await b.release();
  });

  it('the persisted ceiling never decreases, even when the clock steps back', async () => {
    const [pa] = await twoProcesses('nonce5');
    let offset = 0;
    const a = manager(pa, 'A', () => Date.now() - offset);
    await a.acquire();
    const peek = async (): Promise<number> => {
      const r = await pa.leases
        .lease<NonceLeaseData>({ key: `nonce.${a.signer}`, holderId: 'peek', ...FAST })
        .tryAcquire();
      if (r.acquired || r.previous === undefined) throw new Error('expected A to hold the lease');
      return r.previous.ceiling;
    };
    const before = await peek();
    offset = 10_000; // the clock steps back 10 s
    await new Promise((r) => setTimeout(r, 1000)); // a wait for renewals, not a timing assertion
    expect(a.isActive()).toBe(true);
    expect(await peek()).toBeGreaterThanOrEqual(before);
    await a.release();
  });

  it('an early takeover (presence) resumes above every nonce the gone holder could have had in flight', async () => {
    const LONG_TTL_MS = 30_000; // the takeover must not wait for it
    const [pa, pb] = await twoProcesses('nonce4', LONG_TTL_MS);
    const common = {
      signer: SIGNER.address,
      ttlMs: LONG_TTL_MS,
      presence: { root: 'nonce4', intervalMs: 100 },
    } as const;
    const a = new LeasedNonceManager({ leases: pa.leases, holderId: 'A', ...common });
    // B's clock is 5 s behind: only the persisted ceiling keeps its nonces above A's
    const b = new LeasedNonceManager({
      leases: pb.leases,
      holderId: 'B',
      clock: () => Date.now() - 5000,
      ...common,
    });
    await a.acquire();
    expect(a.presenceSubject).toBeDefined();
    let active = false;
    const standby = b.acquire().then(() => {
      active = true;
    });
    // the worst case: A issued every nonce up to its ceiling (all unpersisted, all possibly in
    // flight to the venue) when its connection went away without a release
    const fromA: number[] = [];
    expect(() => {
      for (;;) fromA.push(a.next(SIGNER.address));
    }).toThrow(/ceiling/);
    await pa.nc.close();
    expect(() => a.next(SIGNER.address)).toThrow(NonceLeaseError);
    await waitFor(() => active, 5000); // presence, not the 30 s TTL
    await standby;
    expect(b.isActive()).toBe(true);
    const fromB = Array.from({ length: 300 }, () => b.next(SIGNER.address));
    expect(Math.min(...fromB)).toBeGreaterThan(Math.max(...fromA));
    await b.release();
  });
});
