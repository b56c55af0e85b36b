// How the cost grows with the work: tick-to-order p99 and CPU per tick at 1, 10 and 50 coins, and
// at 1×, 5×, 20× (then doubling) the market's message rate, until the pipeline no longer keeps up.
// Open loop: trades go out on a timer at the step's rate, whatever the pipeline does.

import { cpus } from 'node:os';
import {
  cost,
  exhausted,
  histogram,
  measureUsage,
  pct,
  pctMs,
  type Result,
  record,
  type Suite,
  sized,
  type Usage,
} from '@hyperflow/bench';
import { subjects } from '@hyperflow/contracts';
import { startNats } from '@hyperflow/testkit';
import { jetstream } from '@nats-io/jetstream';
import { benchCoins, now, type Pipeline, startPipeline } from '../pipeline/in-process.js';

/**
 * The market's message rate the multipliers scale, per coin: 10 trades/s, the simulator's default
 * cadence (a market step every 100 ms). Every SIGNAL_EVERY-th trade flips the price past the
 * momentum threshold and raises a signal; the others repeat the last price and raise none
 * (each step still gets a few dozen signals at 1×).
 */
export const MARKET_TRADES_PER_COIN_PER_S = 10;
const SIGNAL_EVERY = 2;
const COINS = sized([1, 10, 50], [1, 10]);
const MULTIPLIERS = sized([1, 5, 20, 40, 80, 160, 320], [1, 5, 20]);
const WINDOW_MS = sized(6_000, 1_500);
/** after the window: the backlog must clear within this long */
const DRAIN_MS = 2_000;
/**
 * keeping up: backlog drained, nearly every signal's order at the venue, and the p99 under
 * MAX_P99_MS or, when the machine makes even the first step slower, under GROWTH× that step's
 */
const MAX_P99_MS = 50;
const GROWTH = 10;
/** BENCH_SIZE=small runs every step (it proves the steps work); the full run stops at the first that does not keep up */
const STOP_AT_FIRST = sized(true, false);
const MIN_ORDERS_PER_SIGNAL = 0.95;
const SEND_EVERY_MS = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Step {
  readonly coins: number;
  readonly mult: number;
  readonly ratePerS: number;
  readonly sent: number;
  readonly signals: number;
  readonly orders: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ackP99Ms: number;
  readonly backlog: number;
  readonly usage: Usage;
  readonly keptUp: boolean;
  readonly why: string;
}

async function step(
  p: Pipeline,
  coins: number,
  mult: number,
  probe: () => Promise<number>,
  firstP99Ms: number | undefined,
): Promise<Step> {
  const ratePerS = MARKET_TRADES_PER_COIN_PER_S * mult * coins;
  const perSend = (ratePerS * SEND_EVERY_MS) / 1000;
  const arrivals: { cloid: string; at: number }[] = [];
  p.onArrival = (a) => arrivals.push({ cloid: a.cloid, at: a.at });
  p.samples.clear();
  const flips = new Map<string, number>();
  let sent = 0;
  let flipsSent = 0;
  let carry = 0;
  const acks: number[] = [];
  const usage = measureUsage(cpus().length);
  const t0 = Date.now();
  let lastTick = t0;
  let nextProbe = t0;
  while (Date.now() - t0 < WINDOW_MS) {
    carry += perSend;
    for (; carry >= 1; carry -= 1) {
      const coin = p.coins[sent % coins] as string;
      const n = sent;
      sent += 1;
      // a flip every SIGNAL_EVERY trades of the coin: lo/hi alternate, the rest repeat the last price
      const per = Math.floor(n / coins);
      const f = flips.get(coin) ?? 0;
      if (per % SIGNAL_EVERY === 0) {
        flips.set(coin, f + 1);
        flipsSent += 1;
      }
      const up = (flips.get(coin) ?? 0) % 2 === 1;
      const band = p.band.get(coin) as { lo: string; hi: string };
      p.sendTrade(coin, up ? band.hi : band.lo, up ? 'B' : 'A');
    }
    if (Date.now() - lastTick >= 250) {
      p.tick();
      lastTick = Date.now();
    }
    if (Date.now() >= nextProbe) {
      nextProbe = Date.now() + 100;
      void probe().then((ms) => acks.push(ms));
    }
    await sleep(SEND_EVERY_MS);
  }
  const u = usage.stop();
  const drainUntil = Date.now() + DRAIN_MS;
  while (p.tradesInFlight() > 0 && Date.now() < drainUntil) await sleep(20);
  const backlog = p.tradesInFlight();
  await sleep(300);
  p.onArrival = undefined;
  const total = histogram();
  for (const a of arrivals) {
    const s = p.samples.get(a.cloid);
    if (s?.recvTsMs !== undefined) record(total, a.at - s.recvTsMs);
  }
  const signals = p.samples.size;
  const orders = total.totalCount;
  await p.cancelAll();
  const p99Ms = orders === 0 ? Number.POSITIVE_INFINITY : pctMs(total, 99);
  const why =
    backlog > sent * 0.01
      ? `backlog: ${backlog} trades not on the bus ${DRAIN_MS} ms after the window`
      : // a coin's first flip of a step may repeat the last step's price: it raises no signal
        signals < (flipsSent - coins) * MIN_ORDERS_PER_SIGNAL
        ? `signals: ${signals} of ${flipsSent} price flips decided`
        : signals === 0 || orders / signals < MIN_ORDERS_PER_SIGNAL
          ? `orders: ${orders} of ${signals} signals reached the venue`
          : p99Ms > Math.max(MAX_P99_MS, GROWTH * (firstP99Ms ?? 0))
            ? `p99 ${p99Ms.toFixed(0)} ms > ${Math.max(MAX_P99_MS, GROWTH * (firstP99Ms ?? 0)).toFixed(0)} ms`
            : '';
  return {
    coins,
    mult,
    ratePerS,
    sent,
    signals,
    orders,
    p50Ms: orders === 0 ? Number.NaN : pctMs(total, 50),
    p99Ms,
    ackP99Ms: pct(acks, 99),
    backlog,
    usage: u,
    keptUp: why === '',
    why,
  };
}

export const scalingSuite: Suite = {
  name: 'scaling',
  run: async () => {
    const steps: Step[] = [];
    for (const coins of COINS) {
      const nats = await startNats();
      const p = await startPipeline({ servers: [nats.url], coins: benchCoins(coins) });
      try {
        // server ack latency: one awaited JetStream publish into the DLQ stream, 10 per second
        const nc = await p.connect('bench-probe');
        const js = jetstream(nc);
        const probeSubject = subjects('sim', 'bench').all.dlq.replace('>', 'probe');
        const probe = async () => {
          const t = now();
          await js.publish(probeSubject, '{}');
          return now() - t;
        };
        let firstP99Ms: number | undefined;
        for (const mult of MULTIPLIERS) {
          const s = await step(p, coins, mult, probe, firstP99Ms);
          firstP99Ms ??= Number.isFinite(s.p99Ms) ? s.p99Ms : undefined;
          steps.push(s);
          if (!s.keptUp && STOP_AT_FIRST) break;
        }
      } finally {
        await p.stop();
        await nats.stop();
      }
    }
    return report(steps);
  },
};

function report(steps: readonly Step[]): Result[] {
  const cpuUs = (s: Step) =>
    ((s.usage.processCpuMs + s.usage.natsCores * s.usage.wallMs) * 1000) / Math.max(1, s.sent);
  const rows = steps.map((s) => [
    String(s.coins),
    `${s.mult}×`,
    Math.round(s.ratePerS).toLocaleString('en-US'),
    `${s.orders}/${s.signals}`,
    Number.isFinite(s.p50Ms) ? s.p50Ms.toFixed(2) : '—',
    Number.isFinite(s.p99Ms) ? s.p99Ms.toFixed(2) : '—',
    cpuUs(s).toFixed(0),
    `${Math.round(s.usage.processCores * 100)}%`,
    `${Math.round(s.usage.natsCores * 100)}%`,
    `${Math.round(s.usage.machineBusy * 100)}%`,
    s.usage.loopLagP99Ms.toFixed(1),
    Number.isFinite(s.ackP99Ms) ? s.ackP99Ms.toFixed(2) : '—',
    s.keptUp ? 'yes' : `**no**: ${s.why}`,
  ]);
  const breaks = steps.filter(
    (s, i) => !s.keptUp && !steps.slice(0, i).some((x) => x.coins === s.coins && !x.keptUp),
  );
  const limits = breaks.map((s) => {
    const before = steps.filter((x) => x.coins === s.coins && x.mult < s.mult).at(-1);
    const upTo =
      before === undefined
        ? 'does not keep up even at 1×'
        : `keeps up to ${before.mult}× (${Math.round(before.ratePerS)} trades/s)`;
    return `${s.coins} coin(s): ${upTo}; at ${s.mult}× (${Math.round(s.ratePerS)} trades/s): ${s.why}; first out: ${exhausted(s.usage)}; JetStream ack p99 ${s.ackP99Ms.toFixed(1)} ms.`;
  });
  const held = [...new Set(steps.map((s) => s.coins))]
    .filter((c) => !breaks.some((b) => b.coins === c))
    .map(
      (c) =>
        `${c} coin(s): kept up at every step measured (to ${Math.max(...steps.filter((s) => s.coins === c).map((s) => s.mult))}×).`,
    );
  const detail = {
    title: 'Scaling: tick-to-order and CPU per tick by coins and message rate (one process, one nats-server)',
    note: [
      `Open loop: trades at ${MARKET_TRADES_PER_COIN_PER_S} trades/s per coin (the market rate, 1×) times the multiplier, spread over the coins, for ${WINDOW_MS / 1000} s a step; one trade in ${SIGNAL_EVERY} of each coin flips its price and raises a signal.`,
      `Keeps up: the trades are all on the bus within ${DRAIN_MS / 1000} s of the window's end, ≥ ${MIN_ORDERS_PER_SIGNAL * 100}% of the price flips become signals and of the signals' orders reach the venue, and the p99 stays under ${MAX_P99_MS} ms (or ${GROWTH}× the first step's, if that is higher). ${STOP_AT_FIRST ? 'A coin count stops at its first step that does not.' : 'BENCH_SIZE=small: every step runs.'}`,
      'CPU per tick = CPU of this process (all four services) plus the nats-server, divided by the trades sent. Process/nats CPU are fractions of one core; machine CPU counts every core and every user (a shared machine). Ack p99 = an awaited JetStream publish probe, 10 a second.',
      ...limits,
      ...held,
    ].join('\n'),
    header: [
      'coins',
      'rate',
      'trades/s',
      'orders/signals',
      'p50 ms',
      'p99 ms',
      'CPU µs/tick',
      'process CPU',
      'nats CPU',
      'machine CPU',
      'loop lag p99 ms',
      'ack p99 ms',
      'keeps up',
    ],
    rows,
  };
  const out: Result[] = [];
  for (const s of steps) {
    if (![1, 5, 20].includes(s.mult)) continue;
    out.push(
      cost(
        {
          suite: 'scaling',
          name: `tick-to-order p99, ${s.coins} coin(s) at ${s.mult}× the market rate (${Math.round(s.ratePerS)} trades/s, ${cpuUs(s).toFixed(0)} µs CPU/tick)`,
          value: s.p99Ms,
          unit: 'ms',
          baseline: '1 coin at 1×',
          baselineValue: steps[0]?.p99Ms ?? Number.NaN,
        },
        'reported: how the p99 grows with the work',
      ),
    );
  }
  const first = breaks[0];
  out.push({
    suite: 'scaling',
    name:
      first === undefined
        ? 'load where the pipeline stops keeping up: not reached'
        : `load where the pipeline stops keeping up: ${first.coins} coin(s) at ${first.mult}× (${Math.round(first.ratePerS)} trades/s); first out: ${exhausted(first.usage)}`,
    value: first?.ratePerS ?? Math.max(...steps.map((s) => s.ratePerS)),
    unit: 'trades/s',
    baseline: 'the market rate, 1 coin',
    baselineValue: MARKET_TRADES_PER_COIN_PER_S,
    ratio: (first?.ratePerS ?? Math.max(...steps.map((s) => s.ratePerS))) / MARKET_TRADES_PER_COIN_PER_S,
    target: 'reported: the point where it no longer keeps up, and the resource that runs out first',
    meetsTarget: true,
    detail,
  });
  return out;
}
