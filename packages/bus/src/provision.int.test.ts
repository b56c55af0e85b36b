import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { provision } from './provision.js';
import { TEST_LIMITS, testBus } from './test-support/bus.js';

const MS = 1_000_000;

describe('provision', () => {
  it('creates every stream and bucket once; a second run is a no-op', async () => {
    const bus = await testBus('prov', false);
    const opts = { root: bus.root, namePrefix: bus.namePrefix, limits: TEST_LIMITS };

    const first = await provision(bus.nc, opts);
    expect(Object.values(first.streams).map((s) => s.action)).toEqual(Array(5).fill('created'));
    expect(Object.values(first.buckets).map((b) => b.action)).toEqual(Array(3).fill('created'));

    const second = await provision(bus.nc, opts);
    expect(Object.values(second.streams).map((s) => s.action)).toEqual(Array(5).fill('unchanged'));
    expect(Object.values(second.buckets).map((b) => b.action)).toEqual(Array(3).fill('unchanged'));

    const jsm = await jetstreamManager(bus.nc);
    const market = await jsm.streams.info(first.streams.MARKET.name);
    expect(market.config.subjects).toEqual([`${bus.root}.*.md.>`]);
    expect(market.config.max_age).toBe(3_600_000 * MS);
    expect(market.config.max_bytes).toBe(8 * 1024 * 1024);
    expect(market.config.duplicate_window).toBe(120_000 * MS);
    const exec = await jsm.streams.info(first.streams.EXECUTION.name);
    expect(exec.config.subjects).toEqual([`${bus.root}.*.exec.>`, `${bus.root}.*.acct.>`]);
    expect(exec.config.max_age).toBe(0); // the event store keeps everything
    expect(exec.config.storage).toBe('file');
    expect(exec.config.allow_atomic).toBe(true); // the event store's atomic appends
    expect(market.config.allow_atomic).toBeUndefined();
    const leases = await jsm.streams.info(`KV_${first.buckets.leases.name}`);
    expect(leases.config.max_age).toBe(30_000 * MS);
    expect(leases.config.max_msgs_per_subject).toBe(1);
  });

  it('applies a changed limit to the existing stream and bucket', async () => {
    const bus = await testBus('provlim', false);
    const base = { root: bus.root, namePrefix: bus.namePrefix, limits: TEST_LIMITS };
    const first = await provision(bus.nc, base);

    const changed = await provision(bus.nc, {
      ...base,
      limits: {
        streams: {
          ...TEST_LIMITS.streams,
          MARKET: { maxAgeMs: 7_200_000, maxBytes: 4 * 1024 * 1024 },
          EXECUTION: { ...TEST_LIMITS.streams?.EXECUTION, allowAtomicPublish: false },
        },
        buckets: { ...TEST_LIMITS.buckets, leases: { maxBytes: 256 * 1024, ttlMs: 10_000 } },
      },
    });
    expect(changed.streams.MARKET.action).toBe('updated');
    expect(changed.streams.SIGNALS.action).toBe('unchanged');
    expect(changed.streams.EXECUTION.action).toBe('updated');
    expect(changed.buckets.leases.action).toBe('updated');
    expect(changed.buckets.snapshots.action).toBe('unchanged');

    const jsm = await jetstreamManager(bus.nc);
    const market = await jsm.streams.info(first.streams.MARKET.name);
    expect(market.config.max_age).toBe(7_200_000 * MS);
    expect(market.config.max_bytes).toBe(4 * 1024 * 1024);
    expect((await jsm.streams.info(first.streams.EXECUTION.name)).config.allow_atomic).toBeFalsy();
    const leases = await jsm.streams.info(`KV_${first.buckets.leases.name}`);
    expect(leases.config.max_age).toBe(10_000 * MS);
    expect(leases.config.duplicate_window).toBe(10_000 * MS);
  });
});
