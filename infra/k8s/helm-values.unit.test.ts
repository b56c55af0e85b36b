import { describe, expect, it } from 'vitest';
import { read, readYaml } from '../repo-support.js';

// The official NATS chart ships no values.schema.json (nats-io/k8s has never had one), so the
// chart's own defaults, vendored unchanged at the pinned version, are the schema: every key our
// values set must be a key of the chart, with the type of its default. Below a `merge` or `patch`
// key, or a default of `{}` (env, topologySpreadConstraints), the chart takes free-form objects.

const CHART = 'infra/k8s/nats/chart/values-1.3.16.yaml';
const VALUES = 'infra/k8s/nats/values.yaml';

type Node = unknown;
const isMap = (n: Node): n is Record<string, Node> =>
  n !== null && typeof n === 'object' && !Array.isArray(n);
const kind = (n: Node) => (n === null ? 'null' : Array.isArray(n) ? 'array' : typeof n);

/** Paths of `values` the chart does not know, or whose type differs from the chart's default. */
function valuesErrors(values: Node, chart: Node, path = ''): string[] {
  if (!isMap(values)) {
    if (chart === null || chart === undefined) return [];
    return kind(values) === kind(chart)
      ? []
      : [`${path}: ${kind(values)}, the chart's default is ${kind(chart)}`];
  }
  if (chart === null) return [];
  if (!isMap(chart)) return [`${path}: an object, the chart's default is ${kind(chart)}`];
  if (Object.keys(chart).length === 0) return [];
  return Object.entries(values).flatMap(([k, v]) => {
    const p = `${path}.${k}`;
    if (k === 'merge' || k === 'patch') return [];
    if (!(k in chart)) return [`${p}: not a value of the chart`];
    return valuesErrors(v, chart[k], p);
  });
}

describe('infra/k8s/nats/values.yaml against the NATS chart values it pins', () => {
  const chart = readYaml(CHART);
  // biome-ignore lint/suspicious/noExplicitAny: chart values
  const values = readYaml<any>(VALUES);

  it('sets only values the chart has, each with the type of its default', () => {
    expect(valuesErrors(values, chart)).toEqual([]);
  });

  it('rejects an unknown key and a wrong type (the check bites)', () => {
    expect(valuesErrors({ config: { jetstream: { enabeld: true } } }, chart)).toEqual([
      '.config.jetstream.enabeld: not a value of the chart',
    ]);
    expect(valuesErrors({ config: { cluster: { replicas: '3' } } }, chart)).toEqual([
      ".config.cluster.replicas: string, the chart's default is number",
    ]);
    expect(valuesErrors({ container: { env: { ANY: 'x' }, merge: { anything: 1 } } }, chart)).toEqual([]);
  });

  it('pins the vendored chart version where users install it', () => {
    const version = /values-(\d+\.\d+)\.\d+\.yaml$/.exec(CHART)?.[1];
    expect(read(VALUES)).toContain(`--version '^${version}'`);
    expect(read('infra/k8s/README.md')).toContain(`--version '^${version}'`);
  });

  it('keeps a JetStream quorum through disruptions, sized and probed', () => {
    expect(values.podDisruptionBudget.enabled).toBe(true);
    const r = values.container.merge.resources;
    expect(r.requests.cpu && r.requests.memory && r.limits.memory).toBeTruthy();
    // the chart's startup, readiness and liveness probes are rendered only with the monitor port on
    // (files/stateful-set/nats-container.yaml: `with .Values.config.monitor` / `if .enabled`)
    expect(values.config.monitor.enabled).toBe(true);
  });
});
