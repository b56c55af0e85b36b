// Closed-loop tick-to-order on an in-process pipeline: the next trade goes out when the simulator
// has the order for the previous one, so the figures are latencies, not queueing.
import { type Histogram, histogram, record } from '@hyperflow/bench';
import type { Arrival, Pipeline } from './in-process.js';

/** resting orders are canceled after this many, between samples (a real book is not 10 000 deep) */
export const CANCEL_EVERY = 200;
/** a trade that raises no order within this long counts as lost */
export const ORDER_TIMEOUT_MS = 2_000;

export const HOPS = [
  ['frame', 'venue frame out → ingestor receive (WS loopback, frame read)'],
  ['publish', 'ingestor receive → trade on the bus (parse, normalize, JetStream publish)'],
  ['decide', 'trade on the bus → signal decided (JetStream delivery to strategy, decide)'],
  ['signal', 'signal decided → signal on the bus (JetStream publish)'],
  ['risk', 'signal on the bus → signing starts (delivery to execution, rules, risk)'],
  ['sign', 'signing (EIP-712 digest sign)'],
  ['submit', 'signed → HTTP send (the order step made durable)'],
  ['send', 'HTTP send → simulator receives the signed order'],
] as const;
export type Hop = (typeof HOPS)[number][0];

export interface LoopResult {
  /** ingestor receive → simulator has the order */
  readonly total: Histogram;
  /** venue frame out → simulator has the order */
  readonly fromFrame: Histogram;
  readonly hops: Record<Hop, Histogram>;
  /** measured trades that raised no order in time */
  readonly lost: number;
  readonly wallS: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `warmup` unmeasured orders, then up to `n` measured ones within `budgetMs`. */
export async function closedLoop(
  p: Pipeline,
  n: number,
  budgetMs: number,
  warmup: number,
): Promise<LoopResult> {
  const coin = p.coins[0] as string;
  const band = p.band.get(coin) as { lo: string; hi: string };
  let trades = 0;
  p.sendTrade(coin, band.lo, 'A');
  trades += 1;
  await sleep(200);
  const total = histogram();
  const fromFrame = histogram();
  const hops = Object.fromEntries(HOPS.map(([k]) => [k, histogram()])) as Record<Hop, Histogram>;
  let lost = 0;
  const run = async (count: number, ms: number, measure: boolean) => {
    const until = Date.now() + ms;
    let got = 0;
    let lastTick = Date.now();
    let canceledAt = 0;
    while (got < count && Date.now() < until) {
      if (got - canceledAt >= CANCEL_EVERY) {
        await p.cancelAll();
        canceledAt = got;
      }
      if (Date.now() - lastTick >= 250) {
        p.tick();
        lastTick = Date.now();
      }
      const order = new Promise<Arrival | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), ORDER_TIMEOUT_MS);
        p.onArrival = (a) => {
          clearTimeout(timer);
          resolve(a);
        };
      });
      const up = trades % 2 === 1;
      trades += 1;
      const sentAt = p.sendTrade(coin, up ? band.hi : band.lo, up ? 'B' : 'A');
      const a = await order;
      p.onArrival = undefined;
      if (a === undefined) {
        if (measure) lost += 1;
        continue;
      }
      got += 1;
      if (!measure) continue;
      // the signal tap may run just after the order arrived: give it a moment
      let s = p.samples.get(a.cloid);
      for (let k = 0; s === undefined && k < 50; k++) {
        await sleep(1);
        s = p.samples.get(a.cloid);
      }
      p.samples.delete(a.cloid);
      if (s?.recvTsMs === undefined) continue;
      record(total, a.at - s.recvTsMs);
      record(fromFrame, a.at - sentAt);
      const split: [Hop, number | undefined, number | undefined][] = [
        ['frame', sentAt, s.recvTsMs],
        ['publish', s.recvTsMs, s.tradeOnBusAt],
        ['decide', s.tradeOnBusAt, s.createdAtMs],
        ['signal', s.createdAtMs, s.signalOnBusAt],
        ['risk', s.signalOnBusAt, a.signStart],
        ['sign', a.signStart, a.signEnd],
        ['submit', a.signEnd, a.httpSendAt],
        ['send', a.httpSendAt, a.at],
      ];
      for (const [hop, x, y] of split) {
        if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y >= x - 0.5)
          record(hops[hop], Math.max(0, y - x));
      }
    }
    return got;
  };
  await run(warmup, 15_000, false);
  const t0 = Date.now();
  await run(n, budgetMs, true);
  return { total, fromFrame, hops, lost, wallS: (Date.now() - t0) / 1000 };
}
