import { provision, verifyProvisioned } from '@hyperflow/bus';
import { type MarketEvent, subjects } from '@hyperflow/contracts';
import { systemTimers } from '@hyperflow/core';
import { InfoClient, infoBudgetHooks, ipWeightBudget, WsPool } from '@hyperflow/hyperliquid';
import { withSharedIpBudget } from '@hyperflow/ledger';
import type { Metrics } from '@hyperflow/service';
import type { NatsConnection } from '@nats-io/transport-node';
import { Auditor } from './audit/auditor.js';
import type { MeasuredBudget } from './backfill/budget.js';
import { infoRest } from './backfill/info-rest.js';
import { type IngestorConfig, venueUrls } from './config/config.js';
import { type PlannedSubscription, planSubscriptions } from './config/plan.js';
import { shardCoins } from './config/shard.js';
import { FallbackPoller } from './fallback/poller.js';
import { Ingestor } from './feed/ingestor.js';
import { attachFeed, poolFeedSource } from './feed/ws-feed.js';
import { prometheusAuditMetrics, prometheusMetrics } from './health/metrics.js';
import type { Clock, Logger } from './ports.js';
import { type BusSink, busSink } from './publish/bus-sink.js';
import { LogLimiter } from './publish/log-limiter.js';
import { JsonlRecorder } from './record/recorder.js';

export interface StartIngestorOptions {
  readonly config: IngestorConfig;
  readonly nc: NatsConnection;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly onReadiness?: (ready: boolean, reason: string) => void;
  readonly clock?: Clock;
}

export interface RunningIngestor {
  readonly ingestor: Ingestor;
  readonly pool: WsPool;
  /** this replica's coins, after `all` and sharding */
  readonly coins: readonly string[];
  readonly plan: readonly PlannedSubscription[];
  /** this process's REST share (and, when the KV ledger exists, the IP's shared window) */
  readonly budget: MeasuredBudget;
  readonly bus: BusSink;
  readonly poller: FallbackPoller;
  /** the WS/REST cross-check */
  readonly auditor: Auditor;
  /** Stops subscribing and polling, closes the sockets, waits for in-flight publishes. Idempotent. */
  stop(): Promise<void>;
}

/** Receive stamps with sub-ms precision (the contract's recvTsMs), on the epoch scale. */
const preciseClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/**
 * Wires the real adapters around the pure core: venue pool and `/info` client (budgeted), bus
 * publishers, metrics, optional recording. main.ts calls it inside the service kit; the
 * integration tests call it directly against a loopback venue and a real nats-server.
 */
export async function startIngestor(o: StartIngestorOptions): Promise<RunningIngestor> {
  const c = o.config;
  const log = o.log;
  const clock = o.clock ?? preciseClock;
  const urls = venueUrls(c);
  const subj = subjects(c.HL_NETWORK, c.SUBJECT_ROOT);
  if (c.BUS_PROVISION) await provision(o.nc, { root: c.SUBJECT_ROOT, namePrefix: c.STREAM_PREFIX, log });
  // as an identity of infra/nats/nats.conf it may create nothing: fail now, naming what is missing
  else if (c.NATS_USER !== undefined) {
    await verifyProvisioned(o.nc, c.NATS_USER, {
      root: c.SUBJECT_ROOT,
      namePrefix: c.STREAM_PREFIX,
      net: c.HL_NETWORK,
    });
  }

  // venue: 1200 REST weight per IP per minute (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits);
  // this process spends its share
  const budget = await restBudget(o.nc, c, clock, log);
  const info = new InfoClient({ baseUrl: urls.rest, ...infoBudgetHooks(budget) });
  const rest = infoRest(info);

  const listed =
    c.COINS[0] === 'all'
      ? (await info.meta()).universe.filter((u) => u.isDelisted !== true).map((u) => u.name)
      : c.COINS;
  const coins = shardCoins(listed, c.INSTANCE_INDEX, c.INSTANCE_COUNT);
  const plan = planSubscriptions({
    coins,
    channels: c.CHANNELS,
    ...(c.COIN_CHANNELS ? { coinChannels: c.COIN_CHANNELS } : {}),
    candleIntervals: c.CANDLE_INTERVALS,
    book: {
      ...(c.L2_NSIG_FIGS === undefined ? {} : { nSigFigs: c.L2_NSIG_FIGS }),
      ...(c.L2_MANTISSA === undefined ? {} : { mantissa: c.L2_MANTISSA }),
      fast: c.L2_FAST,
    },
    ownsGlobal: c.INSTANCE_INDEX === 0,
    staleAfterMs: c.STALE_AFTER_MS,
  });
  log.info(
    {
      coins: coins.length,
      subscriptions: plan.length,
      shard: `${c.INSTANCE_INDEX}/${c.INSTANCE_COUNT}`,
      ipBucket: c.IP_BUCKET,
    },
    'ingestor plan',
  );

  const pool = new WsPool({
    url: urls.ws,
    logger: log,
    pingIntervalMs: c.PING_INTERVAL_MS,
    pongTimeoutMs: c.PONG_TIMEOUT_MS,
    staleAction: 'resubscribe',
    // venue: the cap is 1000 subscriptions per IP, not per connection; one socket per replica keeps
    // connection events and gap windows about every subscription at once
    subscriptionsPerConnection: Math.max(1, plan.length),
  });

  let ingestor: Ingestor | undefined;
  const poller = new FallbackPoller({
    rest,
    subs: plan,
    net: c.HL_NETWORK,
    intervalMs: c.FALLBACK_POLL_MS,
    clock,
    timers: systemTimers,
    log,
    publish: (events) => ingestor?.publishEvents(events, 'poll') ?? Promise.resolve(),
    onRequestFailed: (req, err) => log.debug({ req, err }, 'fallback poll request failed'),
  });

  const metrics = o.metrics
    ? prometheusMetrics(o.metrics, {
        staleness: () => ingestor?.staleness() ?? [],
        liveSubscriptions: () => ingestor?.liveSubscriptions ?? 0,
        budget: () => budget.snapshot(),
        fallbackActive: () => poller.active,
        publishQueue: () => ingestor?.publishQueue ?? 0,
      })
    : undefined;
  // a broker outage fails every pipelined publish: count each, log once a minute
  const publishLog = new LogLimiter(60_000);
  const bus = busSink(o.nc, {
    onFastError: (err, subject) => {
      metrics?.publishFailed(subject.includes('.dlq.') ? 'dlq' : 'market');
      const { log: now, suppressed } = publishLog.check('fast', clock.now());
      if (now) log.warn({ err, subject, suppressed }, 'pipelined publish failed');
    },
  });
  const recorder = c.RECORD_PATH === undefined ? undefined : new JsonlRecorder(c.RECORD_PATH);
  const auditor = new Auditor({
    rest,
    plan,
    coins,
    net: c.HL_NETWORK,
    instance: c.INSTANCE_ID,
    clock,
    timers: systemTimers,
    log,
    intervalMs: c.AUDIT_INTERVAL_MS,
    toleranceBps: c.AUDIT_TOLERANCE_BPS,
    confirmAfterMs: c.AUDIT_CONFIRM_MS,
    publish: (event) =>
      bus.sink.health(subj.drift(c.INSTANCE_ID), event).catch((err: unknown) => {
        metrics?.publishFailed('health');
        log.warn({ err, id: event.id }, 'drift event publish failed');
      }),
    ...(o.metrics ? { metrics: prometheusAuditMetrics(o.metrics) } : {}),
  });
  // the cross-check compares REST with what actually reached the bus
  const sink = {
    ...bus.sink,
    market: async (subject: string, event: MarketEvent) => {
      await bus.sink.market(subject, event);
      auditor.observe(event);
    },
  };

  const core = new Ingestor({
    net: c.HL_NETWORK,
    subjects: subj,
    instance: c.INSTANCE_ID,
    plan,
    feed: poolFeedSource(pool),
    sink,
    clock,
    timers: systemTimers,
    log,
    ...(metrics ? { metrics } : {}),
    rest,
    fallback: poller,
    fallbackAfterMs: c.FALLBACK_AFTER_MS,
    backfillMaxMs: c.BACKFILL_MAX_MS,
    maxPublishQueue: c.PUBLISH_QUEUE_MAX,
    ...(recorder ? { recorder } : {}),
    ...(o.onReadiness ? { onReadiness: o.onReadiness } : {}),
  });
  ingestor = core;
  const detach = attachFeed(pool, core, log);
  core.start();
  auditor.start();
  let stopping: Promise<void> | undefined;

  return {
    ingestor: core,
    pool,
    coins,
    plan,
    budget,
    bus,
    poller,
    auditor,
    stop() {
      stopping ??= (async () => {
        await auditor.stop();
        core.stop();
        await pool.close();
        detach();
        await core.drain();
        await bus.flush();
        budget.close();
        await recorder?.close();
      })();
      return stopping;
    },
  };
}

/**
 * The REST budget: this process's share, and the IP's window shared through the rate ledger (NATS
 * KV, key `ip.<IP_BUCKET>`) with every other process on the same egress IP. Without the bucket
 * (not provisioned) the share alone applies, with a warning.
 */
async function restBudget(
  nc: NatsConnection,
  c: IngestorConfig,
  clock: Clock,
  log: Logger,
): Promise<MeasuredBudget> {
  const local = ipWeightBudget({ limit: c.REST_WEIGHT_PER_MINUTE, clock, timers: systemTimers });
  return withSharedIpBudget(local, { nc, bucketPrefix: c.STREAM_PREFIX, ipBucket: c.IP_BUCKET, clock, log });
}
