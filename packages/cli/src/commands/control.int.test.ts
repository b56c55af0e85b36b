import { provision } from '@hyperflow/bus';
import { ControlCommand, parse, subjects } from '@hyperflow/contracts';
import { testScope } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, inject, it } from 'vitest';
import { sendControl } from './control.js';

describe('hyperflow halt/resume', () => {
  it('publishes a validated ControlCommand on the control subject, kept in the CONTROL stream', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const scope = testScope('ctl');
    const st = await provision(nc, {
      root: scope.root,
      namePrefix: scope.streamPrefix,
      limits: {
        streams: {
          MARKET: { maxBytes: 1 << 20 },
          DLQ: { maxBytes: 1 << 20 },
          CONTROL: { maxBytes: 1 << 20 },
        },
      },
    });
    const jsm = await jetstreamManager(nc);
    try {
      const sub = nc.subscribe(subjects('testnet', scope.root).control('execution'), { max: 1 });
      const sent = await sendControl({
        nc,
        net: 'testnet',
        type: 'halt',
        target: 'execution',
        reason: 'test',
        by: 'cli:test',
        nowMs: 1_732_000_000_000,
        root: scope.root,
      });
      for await (const m of sub) expect(parse(ControlCommand, m.json())).toEqual(sent);
      expect(sent).toMatchObject({ type: 'halt', net: 'testnet', by: 'cli:test', reason: 'test' });
      const info = await jsm.streams.info(st.streams.CONTROL.name);
      expect(info.state.messages).toBeGreaterThanOrEqual(1);
    } finally {
      for (const s of Object.values(st.streams)) await jsm.streams.delete(s.name).catch(() => undefined);
      for (const b of Object.values(st.buckets))
        await jsm.streams.delete(`KV_${b.name}`).catch(() => undefined);
      await nc.close();
    }
  });
});
