import type { NatsConnection } from '@nats-io/transport-node';
import { type Histogram, histogram, record } from './histogram.js';

const now = () => performance.timeOrigin + performance.now();

/**
 * The transport floor of a tick-to-order path: three core publish → subscribe hops, each relay on
 * its own connection; closed loop, `n` samples after 500 of warm-up. A payload the size of a trade.
 */
export async function natsFloor(
  conn: (name: string) => Promise<NatsConnection>,
  n: number,
  hops = 3,
): Promise<Histogram> {
  const first = await conn('floor-0');
  const relays: NatsConnection[] = [];
  for (let i = 1; i < hops; i++) {
    const c = await conn(`floor-${i}`);
    c.subscribe(`floor.${i}`, { callback: (_e, m) => c.publish(`floor.${i + 1}`, m.data) });
    relays.push(c);
  }
  const last = await conn(`floor-${hops}`);
  let arrived: (() => void) | undefined;
  last.subscribe(`floor.${hops}`, { callback: () => arrived?.() });
  await Promise.all([...relays, last].map((c) => c.flush()));
  const payload = new TextEncoder().encode(
    JSON.stringify({
      type: 'trade',
      v: 1,
      net: 'sim',
      id: 'trade:ETH:1700000000000:1',
      coin: 'ETH',
      side: 'buy',
      px: '3000.1',
      sz: '0.0100',
      tid: 1,
      hash: `0x${'0'.repeat(64)}`,
      exchTsMs: 1_700_000_000_000,
      recvTsMs: 1_700_000_000_000.5,
    }),
  );
  const h = histogram();
  for (let i = 0; i < n + 500; i++) {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const t0 = now();
    first.publish('floor.1', payload);
    await done;
    if (i >= 500) record(h, now() - t0);
  }
  return h;
}
