import { type Result, type Suite, sized } from '@hyperflow/bench';
import { subjects, TradeEvent } from '@hyperflow/contracts';
import { startNats } from '@hyperflow/testkit';
import { connect } from '@nats-io/transport-node';
import { createFastPublisher, provision } from '../src/index.js';

const N = sized(20_000, 2_000);

/**
 * Market-data publishing: the bus's validated, pipelined JetStream path against the floor of
 * JSON.parse plus a raw core publish of the same bytes, on the same nats-server.
 */
async function publish(): Promise<Result[]> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  try {
    await provision(nc, { limits: { streams: { MARKET: { maxAgeMs: 600_000, maxBytes: 256 * 2 ** 20 } } } });
    const s = subjects('sim');
    const frames = Array.from({ length: N }, (_, i) =>
      JSON.stringify({
        type: 'trade',
        v: 1,
        net: 'sim',
        id: `trade:BTC:${1_700_000_000_000 + i}:${i}`,
        coin: 'BTC',
        side: i % 2 ? 'buy' : 'sell',
        px: `6999${i % 10}.0`,
        sz: '0.01500',
        tid: i,
        hash: '0xabc',
        exchTsMs: 1_700_000_000_000 + i,
        recvTsMs: 1_700_000_000_000.5 + i,
      }),
    );
    const subject = s.trade('BTC');

    // floor: parse + raw core publish (no validation, no acks), flushed
    let t0 = performance.now();
    for (const f of frames) nc.publish(`${subject}.floor`, JSON.stringify(JSON.parse(f)));
    await nc.flush();
    const floorPerSec = N / ((performance.now() - t0) / 1000);

    const fast = createFastPublisher(nc, { maxInFlight: 1024 });
    t0 = performance.now();
    for (const f of frames) {
      const ev = JSON.parse(f) as TradeEvent;
      await fast.publish(subject, TradeEvent, ev, { msgId: ev.id });
    }
    const stats = await fast.flush();
    const fastPerSec = N / ((performance.now() - t0) / 1000);
    if (stats.failed > 0) throw new Error(`publish bench: ${stats.failed} publishes failed`);

    return [
      {
        suite: 'publish',
        name: 'validated JetStream publishes/s (pipelined, de-duplicated)',
        value: fastPerSec,
        unit: 'msgs/s',
        baseline: 'floor: JSON.parse + raw core publish',
        baselineValue: floorPerSec,
        ratio: fastPerSec / floorPerSec,
        // the bus path alone: validation and acked, de-duplicated storage against a fire-and-forget
        // publish; the ingest rows (raw venue frames → JetStream) carry the issue's ≥ 0.7× target
        target:
          'reported, no target: the cost of validation + acked storage (the ingest rows carry the ≥ 0.7× target)',
        meetsTarget: true,
      },
    ];
  } finally {
    await nc.close();
    await nats.stop();
  }
}

export const publishSuite: Suite = { name: 'publish', run: publish };
