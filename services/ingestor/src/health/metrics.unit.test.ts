import { createMetrics } from '@hyperflow/service';
import { describe, expect, it } from 'vitest';
import { prometheusMetrics } from './metrics.js';

describe('prometheusMetrics', () => {
  it('exposes frames per channel, latency, DLQ by reason, gaps, reconnects, staleness and budget', async () => {
    const m = createMetrics({ service: 'ingestor', defaultMetrics: false });
    const metrics = prometheusMetrics(m, {
      staleness: () => [{ label: 'l2Book:BTC', silentMs: 1500 }],
      liveSubscriptions: () => 3,
      budget: () => ({ used: 42, limit: 600 }),
      fallbackActive: () => true,
      publishQueue: () => 4,
    });
    metrics.frame('trades');
    metrics.frame('trades');
    metrics.published('trade', 'ws', 0.4);
    metrics.deadLetter('schema');
    metrics.gap('reconnect');
    metrics.reconnect();
    metrics.backfill(7, true);
    metrics.fallback(true);
    const text = await m.registry.metrics();
    expect(text).toMatch(/ingestor_frames_total\{channel="trades",service="ingestor"\} 2/);
    expect(text).toMatch(/ingestor_publish_latency_seconds_count\{[^}]*source="ws"[^}]*\} 1/);
    expect(text).toMatch(/ingestor_dead_letters_total\{reason="schema",service="ingestor"\} 1/);
    expect(text).toMatch(/ingestor_gaps_total\{reason="reconnect",service="ingestor"\} 1/);
    expect(text).toMatch(/ingestor_reconnects_total\{service="ingestor"\} 1/);
    expect(text).toMatch(
      /ingestor_subscription_staleness_seconds\{subscription="l2Book:BTC",service="ingestor"\} 1\.5/,
    );
    expect(text).toMatch(/ingestor_rest_budget_used\{service="ingestor"\} 42/);
    expect(text).toMatch(/ingestor_live_subscriptions\{service="ingestor"\} 3/);
    expect(text).toMatch(/ingestor_fallback_active\{service="ingestor"\} 1/);
    expect(text).toMatch(/ingestor_publish_queue\{service="ingestor"\} 4/);
    expect(text).toMatch(/ingestor_backfill_events_total\{service="ingestor"\} 7/);
  });
});
