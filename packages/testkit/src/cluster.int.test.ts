import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsCluster, startNatsCluster } from './index.js';

// Three real nats-server processes routed on loopback; the leaders are killed with SIGKILL.
describe('startNatsCluster', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  beforeAll(async () => {
    cluster = await startNatsCluster();
    nc = await connect({ servers: [...cluster.urls], name: 'testkit-cluster' });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('runs three loopback servers of the supported range, each reachable on its own URL', async () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['hyperflow-1', 'hyperflow-2', 'hyperflow-3']);
    expect(new Set(cluster.urls).size).toBe(3);
    for (const url of cluster.urls) {
      expect(url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      const one = await connect({ servers: url, reconnect: false });
      expect(one.info?.cluster).toBe('hyperflow');
      await one.close();
    }
    expect(cluster.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('finds the meta leader, and elects another after it is killed; the restarted node rejoins', async () => {
    const leader = await cluster.waitForMetaLeader();
    await leader.kill();
    expect(leader.running).toBe(false);
    const next = await cluster.waitForMetaLeader({ not: leader });
    expect(next).not.toBe(leader);
    await leader.restart();
    expect(leader.running).toBe(true);
    // every running peer current again, in the leader's own view
    expect(await cluster.waitForMetaLeader()).toBeDefined();
  }, 60_000);

  it('finds an R3 stream’s leader, and a new one after kill -9 of that node', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'KIT_R3', subjects: ['kit.r3.>'], num_replicas: 3 });
    const leader = await cluster.waitForStreamLeader('KIT_R3');
    expect((await jsm.streams.info('KIT_R3')).cluster?.leader).toBe(leader.name);
    await leader.kill();
    const next = await cluster.waitForStreamLeader('KIT_R3', { not: leader });
    expect(next.name).not.toBe(leader.name);
    expect((await jsm.streams.info('KIT_R3')).cluster?.leader).toBe(next.name);
    await leader.restart();
    await cluster.waitForStreamLeader('KIT_R3');
  }, 60_000);
});
