import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

/** Latency buckets in seconds, from 50 µs: the tick→order budget is well under a millisecond. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

type Config<C> = Omit<C, 'registers'>;

/** A service's metrics: one registry, `service` as a default label, Node process metrics on it. */
export interface Metrics {
  readonly registry: Registry;
  counter<L extends string = string>(config: Config<CounterConfiguration<L>>): Counter<L>;
  gauge<L extends string = string>(config: Config<GaugeConfiguration<L>>): Gauge<L>;
  histogram<L extends string = string>(config: Config<HistogramConfiguration<L>>): Histogram<L>;
  /** A histogram in seconds with `LATENCY_BUCKETS_SECONDS`; name it `…_seconds`. */
  latency<L extends string = string>(
    config: Config<Omit<HistogramConfiguration<L>, 'buckets'>>,
  ): Histogram<L>;
}

export function createMetrics(opts: { service: string; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    counter: (config) => new Counter({ ...config, registers: [registry] }),
    gauge: (config) => new Gauge({ ...config, registers: [registry] }),
    histogram: (config) => new Histogram({ ...config, registers: [registry] }),
    latency: (config) =>
      new Histogram({ ...config, buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] }),
  };
}
