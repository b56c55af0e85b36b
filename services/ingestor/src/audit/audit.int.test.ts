// The WS/REST cross-check end to end: the simulator silently drops a subscription's pushes while
// its market moves, and the ingestor's audit finds the streamed book off the venue's own snapshot.
import { provision } from '@hyperflow/bus';
import { type FeedDriftChanged, HealthEvent, parseJson } from '@hyperflow/contracts';
import { loadConfig } from '@hyperflow/service';
import { type SimulatorHandle, startSimulator } from '@hyperflow/simulator';
import { testScope, waitFor } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type RunningIngestor, startIngestor } from '../app.js';
import { IngestorConfig } from '../config/config.js';
import { silentLogger } from '../ports.js';

let nc: NatsConnection;
let sim: SimulatorHandle;
let root: string;
let prefix: string;
let drifts: FeedDriftChanged[];
let tap: Subscription;
let running: RunningIngestor | undefined;

beforeEach(async () => {
  const scope = testScope('audit');
  root = scope.root;
  prefix = scope.streamPrefix;
  nc = await connect({ servers: inject('natsUrl'), name: 'ingestor-audit-test' });
  await provision(nc, { root, namePrefix: prefix });
  drifts = [];
  tap = nc.subscribe(`${root}.sim.md.health.drift.>`, {
    callback: (_err, m) => {
      const e = parseJson(HealthEvent, m.data);
      if (e.type === 'drift') drifts.push(e);
    },
  });
  sim = await startSimulator({ port: 0, seed: 11, tickMs: 50, l2BookIntervalMs: 100, warmupTicks: 30 });
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  tap.unsubscribe();
  await sim.close();
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) await jsm.streams.delete(name);
  }
  await nc.close();
});

async function start(): Promise<RunningIngestor> {
  const config = loadConfig(IngestorConfig, {
    NATS_URL: inject('natsUrl'),
    HL_WS_URL: sim.wsUrl,
    HL_REST_URL: sim.httpUrl,
    SUBJECT_ROOT: root,
    STREAM_PREFIX: prefix,
    COINS: 'BTC',
    CHANNELS: 'l2Book,bbo',
    STALE_AFTER_MS: '0',
    FALLBACK_AFTER_MS: '60000',
    INSTANCE_ID: 'audit-a',
    AUDIT_INTERVAL_MS: '150',
    AUDIT_TOLERANCE_BPS: '50',
    AUDIT_CONFIRM_MS: '600',
  });
  running = await startIngestor({ config, nc, log: silentLogger });
  return running;
}

describe('WS/REST cross-check against the simulator', () => {
  it('a stalled l2Book while the market moves is a detected drift; resolved once pushes resume', async () => {
    const r = await start();
    await waitFor(() => r.ingestor.isReady, 10_000, 'ready');
    await waitFor(() => r.auditor.targetCount === 2, 5_000, 'targets');
    // the simulator keeps the socket, pongs and the bbo flowing, but drops every l2Book push
    sim.faults.stall({ channel: 'l2Book', coin: 'BTC' }, 60_000);
    expect(sim.move({ coin: 'BTC', bps: '-800' })).toBeDefined();
    await waitFor(() => drifts.some((d) => d.status === 'detected'), 15_000, 'drift detected');
    const detected = drifts.filter((d) => d.status === 'detected');
    // only the stalled subscription drifts: the bbo, still pushed, agrees with REST
    expect(detected).toHaveLength(1);
    expect(detected[0]).toMatchObject({
      instance: 'audit-a',
      check: 'book',
      subscription: { channel: 'l2Book', coin: 'BTC' },
    });
    expect(detected[0]?.detail).toMatch(/^streamed bid \S+ ask \S+, REST bid \S+ ask \S+$/);
    sim.faults.clear();
    await waitFor(() => drifts.some((d) => d.status === 'resolved'), 15_000, 'drift resolved');
    expect(drifts.map((d) => d.status)).toEqual(['detected', 'resolved']);
  });

  it('a healthy feed over many checks raises no drift', async () => {
    const r = await start();
    await waitFor(() => r.ingestor.isReady, 10_000, 'ready');
    // 20 checks of each target (150 ms apart, round-robin over two) while the market walks
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(r.auditor.compared).toBeGreaterThanOrEqual(20);
    expect(drifts).toEqual([]);
  });
});
