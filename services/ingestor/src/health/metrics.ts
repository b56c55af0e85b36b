import type { Metrics } from '@hyperflow/service';
import type { AuditMetrics } from '../audit/auditor.js';
import type { IngestorMetrics } from '../feed/ingestor.js';

export interface GaugeSources {
  /** ms since each subscription's last data frame */
  staleness(): readonly { label: string; silentMs: number }[];
  liveSubscriptions(): number;
  /** REST weight used in the current window and the limit */
  budget(): { used: number; limit: number };
  fallbackActive(): boolean;
  /** market batches waiting for the bus */
  publishQueue(): number;
}

/**
 * The ingestor's Prometheus metrics. Rates (frames/s per channel) are `rate()` over the counters;
 * staleness, budget and live subscriptions are read when scraped.
 */
export function prometheusMetrics(m: Metrics, sources: GaugeSources): IngestorMetrics {
  const frames = m.counter({
    name: 'ingestor_frames_total',
    help: 'Venue data frames received',
    labelNames: ['channel'],
  });
  const published = m.counter({
    name: 'ingestor_events_published_total',
    help: 'Market events handed to the bus',
    labelNames: ['type', 'source'],
  });
  const latency = m.latency({
    name: 'ingestor_publish_latency_seconds',
    help: 'Frame receive to publish handed to the bus',
    labelNames: ['source'],
  });
  const duplicates = m.counter({
    name: 'ingestor_duplicates_skipped_total',
    help: 'Events not re-published because this process had just published the same id',
    labelNames: ['source'],
  });
  const publishFailures = m.counter({
    name: 'ingestor_publish_failures_total',
    help: 'Publishes that did not land',
    labelNames: ['kind'],
  });
  const dropped = m.counter({
    name: 'ingestor_events_dropped_total',
    help: 'Market events dropped because the publish queue was full (each run of drops gets a gap marker)',
    labelNames: ['source'],
  });
  const dlq = m.counter({
    name: 'ingestor_dead_letters_total',
    help: 'Frames sent to the DLQ',
    labelNames: ['reason'],
  });
  const reconnects = m.counter({ name: 'ingestor_reconnects_total', help: 'Venue socket reconnects' });
  const gaps = m.counter({ name: 'ingestor_gaps_total', help: 'Gap markers', labelNames: ['reason'] });
  const backfilled = m.counter({
    name: 'ingestor_backfill_events_total',
    help: 'Events fetched by REST backfill',
  });
  const backfills = m.counter({
    name: 'ingestor_backfills_total',
    help: 'Backfill runs by outcome',
    labelNames: ['complete'],
  });
  const fallbacks = m.counter({
    name: 'ingestor_fallback_starts_total',
    help: 'REST fallback polling starts',
  });
  m.gauge({
    name: 'ingestor_subscription_staleness_seconds',
    help: 'Seconds since the last data frame, per subscription',
    labelNames: ['subscription'],
    collect() {
      this.reset();
      for (const s of sources.staleness()) this.set({ subscription: s.label }, s.silentMs / 1000);
    },
  });
  m.gauge({
    name: 'ingestor_live_subscriptions',
    help: 'Subscriptions acked on an open connection',
    collect() {
      this.set(sources.liveSubscriptions());
    },
  });
  m.gauge({
    name: 'ingestor_rest_budget_used',
    help: 'REST weight used in the current 60 s window',
    collect() {
      this.set(sources.budget().used);
    },
  });
  m.gauge({
    name: 'ingestor_rest_budget_limit',
    help: 'REST weight this process may use per 60 s',
    collect() {
      this.set(sources.budget().limit);
    },
  });
  m.gauge({
    name: 'ingestor_publish_queue',
    help: 'Market batches waiting for the bus (grows while the bus is slower than the feed)',
    collect() {
      this.set(sources.publishQueue());
    },
  });
  m.gauge({
    name: 'ingestor_fallback_active',
    help: '1 while REST polling stands in for the socket',
    collect() {
      this.set(sources.fallbackActive() ? 1 : 0);
    },
  });
  return {
    frame: (channel) => frames.inc({ channel }),
    published: (type, source, latencyMs) => {
      published.inc({ type, source });
      latency.observe({ source }, latencyMs / 1000);
    },
    duplicateSkipped: (source) => duplicates.inc({ source }),
    publishFailed: (kind) => publishFailures.inc({ kind }),
    publishDropped: (source, events) => dropped.inc({ source }, events),
    deadLetter: (reason) => dlq.inc({ reason }),
    reconnect: () => reconnects.inc(),
    gap: (reason) => gaps.inc({ reason }),
    backfill: (events, complete) => {
      backfilled.inc(events);
      backfills.inc({ complete: String(complete) });
    },
    fallback: (active) => {
      if (active) fallbacks.inc();
    },
  };
}

/** The WS/REST cross-check's counters: every check by outcome, and every drift detected. */
export function prometheusAuditMetrics(m: Metrics): AuditMetrics {
  const checks = m.counter({
    name: 'ingestor_audit_checks_total',
    help: 'WS/REST cross-checks by check (book, mids, candle) and outcome (agree, disagree, skipped, failed)',
    labelNames: ['check', 'outcome'],
  });
  const drifts = m.counter({
    name: 'ingestor_audit_drifts_total',
    help: 'Streamed data found to disagree with the venue REST snapshot beyond the tolerance (detected drifts)',
    labelNames: ['check'],
  });
  return {
    checked: (check, outcome) => checks.inc({ check, outcome }),
    drift: (check) => drifts.inc({ check }),
  };
}
