// Ingest throughput and memory, each against a baseline measured in the same run (ratios, not
// absolute times). Run alone: npm run bench -w @hyperflow/ingestor (BENCH_SIZE=small for a quick
// check); `npm run bench` runs it with every other suite.
import { type Result, runBench, type Suite, sized } from '@hyperflow/bench';
import { createFastPublisher, provision } from '@hyperflow/bus';
import { subjects, TradeEvent } from '@hyperflow/contracts';
import { startNats } from '@hyperflow/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startIngestor } from '../src/app.js';
import { IngestorConfig } from '../src/config/config.js';
import { silentLogger } from '../src/ports.js';
import { MIXED_PROPORTIONS, type Traffic, trafficFrames } from '../src/test-support/bench-frames.js';
import { FakeVenue } from '../src/test-support/fake-venue.js';

const N = sized(20_000, 2_000);

/** Raw venue trade frames as they come off the socket: one trade per frame. */
function rawFrames(n: number, coin: string): string[] {
  return trafficFrames('trades', n, coin).frames;
}

async function streamMessages(
  nc: NatsConnection,
  stream: string,
  filters: readonly string[],
): Promise<number> {
  const jsm = await jetstreamManager(nc);
  let n = 0;
  for (const filter of filters) {
    const info = await jsm.streams.info(stream, { subjects_filter: filter });
    n += Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  }
  return n;
}

/**
 * Polls `count` until it reaches `target` or stops growing for `quietMs`: a lossy path then shows as
 * a count short of the target instead of a timeout.
 */
async function settle(count: () => Promise<number>, target: number, quietMs: number): Promise<number> {
  let last = await count();
  let lastChangeAt = Date.now();
  while (last < target && Date.now() - lastChangeAt < quietMs) {
    await new Promise((r) => setTimeout(r, 5));
    const n = await count();
    if (n !== last) lastChangeAt = Date.now();
    last = n;
  }
  return last;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
}

function config(env: Record<string, string>) {
  const parsed = IngestorConfig.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data;
}

const TRAFFIC: readonly { readonly traffic: Traffic; readonly coin: string; readonly label: string }[] = [
  { traffic: 'trades', coin: 'BTC', label: 'trades (one trade per frame)' },
  { traffic: 'l2Book', coin: 'ETH', label: 'l2Book (20 levels per side)' },
  {
    traffic: 'mixed',
    coin: 'SOL',
    label: `mixed (per 20 frames: ${MIXED_PROPORTIONS.trades} trades, ${MIXED_PROPORTIONS.bbo} bbo, ${MIXED_PROPORTIONS.l2Book} l2Book, ${MIXED_PROPORTIONS.allMids} allMids)`,
  },
];

/**
 * Ingest throughput for trades, l2Book and mixed traffic: N raw venue frames pushed over a loopback
 * WebSocket → venue client → validate/normalize → pipelined, de-duplicated JetStream publish, timed
 * until the stream holds all N; each against the floor of JSON.parse plus a raw core publish of the
 * same bytes (flushed), measured just before it on the same connection. Needs a provisioned MARKET.
 */
export async function ingestThroughput(
  nc: NatsConnection,
  natsUrl: string,
  venue: FakeVenue,
): Promise<Result[]> {
  const s = subjects('sim');
  const results: Result[] = [];
  for (const { traffic, coin, label } of TRAFFIC) {
    const { frames, counts } = trafficFrames(traffic, N, coin);

    let t = performance.now();
    for (const f of frames) {
      JSON.parse(f);
      nc.publish('bench.floor', f);
    }
    await nc.flush();
    const floorPerSec = N / ((performance.now() - t) / 1000);

    const channels = (Object.keys(counts) as (keyof typeof counts)[]).filter((k) => counts[k] > 0);
    const filters = channels.map((k) =>
      k === 'trades' ? s.trade(coin) : k === 'l2Book' ? s.book(coin) : k === 'bbo' ? s.bbo(coin) : s.mids(),
    );
    const running = await startIngestor({
      config: config({
        NATS_URL: natsUrl,
        HL_WS_URL: venue.wsUrl,
        HL_REST_URL: venue.restUrl,
        COINS: coin,
        CHANNELS: channels.join(','),
        STALE_AFTER_MS: '0',
        INSTANCE_ID: `ingest-${traffic}`,
      }),
      nc,
      log: silentLogger,
    });
    let ingestPerSec: number;
    let stored: number;
    try {
      await until(async () => running.ingestor.liveSubscriptions === channels.length, 10_000);
      const before = await streamMessages(nc, 'MARKET', filters);
      const count = async () => (await streamMessages(nc, 'MARKET', filters)) - before;
      t = performance.now();
      for (const f of frames) venue.push(f);
      stored = await settle(count, N, 10_000);
      ingestPerSec = stored / ((performance.now() - t) / 1000);
      // everything acked or failed, then counted again: a late extra copy would show as stored > N
      await running.stop();
      stored = await count();
    } finally {
      await running.stop();
    }
    results.push({
      suite: 'ingestor',
      name: `raw WS frames → JetStream, ${label} (validated, normalized, de-duplicated)`,
      value: ingestPerSec,
      unit: 'frames/s',
      baseline: 'floor: JSON.parse + raw core publish of the same bytes',
      baselineValue: floorPerSec,
      ratio: ingestPerSec / floorPerSec,
      target: '≥ 0.7× floor',
      meetsTarget: ingestPerSec / floorPerSec >= 0.7,
      issue: 16,
    });
    // every frame carries one event with its own venue-derived id: the stream must hold each once
    results.push({
      suite: 'ingestor',
      name: `events lost, ${label} (published minus stored once, after the flush; ratio = loss rate)`,
      value: N - stored,
      unit: 'events',
      baseline: `events published (${N} frames, one event each)`,
      baselineValue: N,
      ratio: (N - stored) / N,
      target: 'loss rate 0, no event stored twice',
      meetsTarget: stored === N,
      issue: 16,
    });
  }
  return results;
}

async function ingest(): Promise<Result[]> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  const venue = await FakeVenue.start();
  const results: Result[] = [];
  try {
    await provision(nc, { limits: { streams: { MARKET: { maxAgeMs: 600_000, maxBytes: 1024 * 2 ** 20 } } } });
    const s = subjects('sim');

    // memory: heap held by 500 live subscriptions, with an ingestor of 5 live as the baseline;
    // both stay alive while measured so a collection of the other's garbage cannot skew the figure
    const live = async (coins: number, tag: string) => {
      const r = await startIngestor({
        config: config({
          NATS_URL: nats.url,
          HL_WS_URL: venue.wsUrl,
          HL_REST_URL: venue.restUrl,
          COINS: Array.from({ length: coins }, (_, i) => `${tag}${i}`).join(','),
          CHANNELS: 'trades,l2Book,bbo,candle,activeAssetCtx',
          STALE_AFTER_MS: '10000',
          INSTANCE_ID: `mem-${tag}`,
        }),
        nc,
        log: silentLogger,
      });
      await until(async () => r.ingestor.liveSubscriptions === coins * 5, 30_000);
      return r;
    };
    gc();
    const h0 = process.memoryUsage().heapUsed;
    const small = await live(1, 'S');
    gc();
    const h1 = process.memoryUsage().heapUsed;
    const large = await live(100, 'L');
    gc();
    const h2 = process.memoryUsage().heapUsed;
    await large.stop();
    await small.stop();
    const perHundred = (h2 - h1) / 5;
    results.push({
      suite: 'ingestor',
      name: 'heap per 100 live subscriptions (ingestor and its loopback venue in one process)',
      value: perHundred / 1024,
      unit: 'KiB',
      baseline: 'heap of a whole ingestor with 5 live subscriptions',
      baselineValue: (h1 - h0) / 1024,
      ratio: (h1 - h0) / Math.max(1, perHundred),
      target: 'issue 6: reported (no target set)',
      meetsTarget: true,
    });

    // the JetStream floor: the same trades as ready contract events through the bus's pipelined
    // publisher alone (what acked, de-duplicated storage costs without the venue path)
    const fast = createFastPublisher(nc, { maxInFlight: 1024 });
    const events = rawFrames(N, 'FLOOR').map((f, i) => {
      const w = (
        JSON.parse(f) as { data: { px: string; sz: string; hash: string; time: number; tid: number }[] }
      ).data[0];
      if (!w) throw new Error('bench: empty frame');
      return {
        type: 'trade' as const,
        v: 1 as const,
        net: 'sim' as const,
        id: `trade:sim:JS:${w.time}:${w.tid}`,
        coin: 'JS',
        side: i % 2 ? ('buy' as const) : ('sell' as const),
        px: w.px,
        sz: w.sz,
        tid: w.tid,
        hash: w.hash,
        exchTsMs: w.time,
        recvTsMs: w.time + 0.5,
      };
    });
    const t = performance.now();
    for (const e of events) await fast.publish(s.trade('JS'), TradeEvent, e, { msgId: e.id });
    await fast.flush();
    const jsPerSec = N / ((performance.now() - t) / 1000);

    // the ingestor, three kinds of traffic, each against its floor; trades also against the bus alone
    const throughput = await ingestThroughput(nc, nats.url, venue);
    results.push(...throughput);
    const ingestPerSec = throughput[0]?.value ?? 0;
    results.push({
      suite: 'ingestor',
      name: 'raw WS trade frames → JetStream, against the bus alone',
      value: ingestPerSec,
      unit: 'frames/s',
      baseline: 'validated pipelined JetStream publish of ready events (bus fast path)',
      baselineValue: jsPerSec,
      ratio: ingestPerSec / jsPerSec,
      target: 'the venue path costs little next to acked storage (≥ 0.7×)',
      meetsTarget: ingestPerSec / jsPerSec >= 0.7,
    });
  } finally {
    await venue.close();
    await nc.close();
    await nats.stop();
  }
  return results;
}

export const ingestSuite: Suite = { name: 'ingest', run: ingest };

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench([ingestSuite], { json: new URL('./results/latest.json', import.meta.url) });
}
