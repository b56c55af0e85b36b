import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, listFiles, read, readYaml, root, sourceFiles, workspaces } from './repo-support.js';

// Prometheus and Grafana for the compose `observability` profile (and the Kubernetes scrape
// config), checked statically: the files parse, the provisioning points where compose mounts the
// dashboards, every scrape target is a compose service, and every metric a dashboard panel
// queries is one the code registers, so a renamed metric cannot leave a silently empty panel.

interface Compose {
  services: Record<
    string,
    {
      volumes?: string[];
      build?: { args?: Record<string, string> };
      networks?: Record<string, { aliases?: string[] }>;
    }
  >;
}
const compose = readYaml<Compose>('docker-compose.yml');
const mountTarget = (service: string, source: string) =>
  compose.services[service]?.volumes?.find((v) => v.startsWith(`${source}:`))?.split(':')[1];

// biome-ignore lint/suspicious/noExplicitAny: Grafana's JSON model
type Panel = any;
const dashboards = listFiles('infra/grafana/dashboards', /\.json$/);

/** The metric names a PromQL expression reads (functions, labels, keywords and durations removed). */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // grouping labels
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g)].map((m) => m[0]);
  const keywords = new Set([
    'by',
    'without',
    'on',
    'ignoring',
    'bool',
    'and',
    'or',
    'unless',
    'offset',
    'inf',
    'nan',
  ]);
  return names.filter((n) => !keywords.has(n.toLowerCase()) && !/^\d/.test(n));
}

/** Every metric name registered in the code: string literals in production sources, plus prom-client's
 * default metrics when the service kit collects them, plus what Prometheus itself adds (`up`). */
function registeredMetricNames(): { has(name: string): boolean } {
  const text: string[] = [];
  for (const dir of workspaces().values()) for (const f of sourceFiles(dir)) text.push(read(f));
  if (text.some((t) => t.includes('collectDefaultMetrics('))) {
    const lib = join(root, 'node_modules/prom-client/lib/metrics');
    for (const f of readdirSync(lib).filter((n) => n.endsWith('.js')))
      text.push(readFileSync(join(lib, f), 'utf8'));
  }
  const all = text.join('\n');
  const synthetic = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
  return {
    has: (name) => synthetic.has(name) || new RegExp(`['"\`]${name}['"\`]`).test(all),
  };
}

describe('infra/prometheus', () => {
  it('scrapes every hyperflow service of the compose file on its metrics port', () => {
    const prom = readYaml<{
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
    }>('infra/prometheus/prometheus.yml');
    const job = prom.scrape_configs.find((j) => j.job_name === 'hyperflow');
    const targets = job?.static_configs?.flatMap((s) => s.targets) ?? [];
    const kitServices = Object.entries(compose.services)
      .filter(([name, s]) => s.build && !name.endsWith('-live') && s.build.args?.SERVICE !== 'simulator')
      .map(([name]) => `${name}:8080`);
    expect(targets.sort()).toEqual(kitServices.sort());
    expect(mountTarget('prometheus', './infra/prometheus/prometheus.yml')).toBe(
      '/etc/prometheus/prometheus.yml',
    );
  });

  it('has a Kubernetes scrape config that keeps only annotated hyperflow pods', () => {
    const k8s = read('infra/prometheus/prometheus.k8s.yml');
    expect(readYaml('infra/prometheus/prometheus.k8s.yml')).toBeTypeOf('object');
    expect(k8s).toMatch(/__meta_kubernetes_pod_annotation_prometheus_io_scrape/);
    expect(k8s).toMatch(/regex: hyperflow\n\s+action: keep/);
  });
});

describe('infra/grafana', () => {
  it('provisions the Prometheus datasource and the dashboards folder that compose mounts', () => {
    const ds = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(
      'infra/grafana/provisioning/datasources/prometheus.yml',
    );
    expect(ds.datasources[0]).toMatchObject({
      uid: 'prometheus',
      type: 'prometheus',
      url: 'http://prometheus:9090',
    });
    const providers = readYaml<{ providers: { options: { path: string } }[] }>(
      'infra/grafana/provisioning/dashboards/hyperflow.yml',
    );
    expect(providers.providers[0]?.options.path).toBe(mountTarget('grafana', './infra/grafana/dashboards'));
    expect(mountTarget('grafana', './infra/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(exists('infra/grafana/dashboards/hyperflow.json')).toBe(true);
  });

  it.each(dashboards)(
    '%s parses, has unique panel ids, no overlapping panels, every panel on the datasource variable',
    (file) => {
      const dash = JSON.parse(read(file));
      expect(dash.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      const panels: Panel[] = dash.panels.flatMap((p: Panel) => [p, ...(p.panels ?? [])]);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const queries = panels.filter((p) => p.type !== 'row');
      expect(queries.length).toBeGreaterThan(5);
      // no two panels overlap on the 24-column grid
      const cells = new Map<string, string>();
      for (const p of panels) {
        const g = p.gridPos;
        expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.get(`${x},${y}`), `${p.title} overlaps`).toBeUndefined();
            cells.set(`${x},${y}`, p.title);
          }
        }
      }
      for (const p of queries) {
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
        expect(p.datasource?.uid, p.title).toBe(`\${datasource}`);
        for (const t of p.targets) expect(t.expr, p.title).toMatch(/\S/);
      }
    },
  );

  it.each(dashboards)('%s queries only metrics the code registers', (file) => {
    const registered = registeredMetricNames();
    const panels: Panel[] = JSON.parse(read(file)).panels.filter((p: Panel) => p.type !== 'row');
    for (const p of panels) {
      for (const t of p.targets) {
        const names = metricNames(t.expr);
        expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const name of names) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          expect(
            registered.has(name) || registered.has(base),
            `${p.title}: ${name} is registered nowhere`,
          ).toBe(true);
        }
      }
    }
  });

  it('reads metric names out of PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, source) (rate(ingestor_publish_latency_seconds_bucket{type="x"}[5m])))',
      ),
    ).toEqual(['ingestor_publish_latency_seconds_bucket']);
    expect(metricNames('sum by (service) (increase(a_total[5m])) / on (service) b_total')).toEqual([
      'a_total',
      'b_total',
    ]);
  });
});
