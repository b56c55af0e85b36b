import { describe, expect, it } from 'vitest';
import { createMetrics, LATENCY_BUCKETS_SECONDS } from './metrics.js';

describe('createMetrics', () => {
  it('puts the service label, Node defaults and sub-millisecond latency buckets on one registry', async () => {
    const metrics = createMetrics({ service: 'feed' });
    metrics.counter({ name: 'events_total', help: 'events', labelNames: ['coin'] }).inc({ coin: 'BTC' });
    metrics.latency({ name: 'tick_to_signal_seconds', help: 'tick to signal' }).observe(0.0003);
    const text = await metrics.registry.metrics();
    expect(text).toContain('events_total{coin="BTC",service="feed"} 1');
    expect(text).toContain('tick_to_signal_seconds_bucket{le="0.0005",service="feed"} 1');
    expect(text).toContain('tick_to_signal_seconds_bucket{le="0.00025",service="feed"} 0');
    expect(text).toContain('process_cpu_user_seconds_total{service="feed"}');
    expect(LATENCY_BUCKETS_SECONDS[0]).toBeLessThan(0.001);
  });

  it('keeps registries of two services apart', async () => {
    const a = createMetrics({ service: 'a', defaultMetrics: false });
    const b = createMetrics({ service: 'b', defaultMetrics: false });
    a.counter({ name: 'same_name_total', help: 'x' }).inc();
    b.counter({ name: 'same_name_total', help: 'x' }).inc(2);
    expect(await a.registry.metrics()).toContain('same_name_total{service="a"} 1');
    expect(await b.registry.metrics()).toContain('same_name_total{service="b"} 2');
  });
});
