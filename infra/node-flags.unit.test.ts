import { describe, expect, it } from 'vitest';
import { read, readYaml, readYamlDocs } from './repo-support.js';

// A service that needs Node.js/V8 flags declares them once, in its package.json `start` script
// (`node <flags> dist/main.js`); `hyperflow up` and the benchmarks read them from there, and the
// image's own start commands must carry the same ones: the Dockerfile's `CMD ["node", "main.mjs"]`
// for a service without flags, an explicit `command` in compose and Kubernetes for one with flags.
//
// The ingestor's flags are its heap sizing. At 1000 venue subscriptions (~4000 frames/s) its live
// heap is ~27 MB, but V8's defaults size the young generation at 2 × 16 MB semi-spaces and let the
// old generation grow to 2–3× the live size with promoted per-message garbage: heapTotal 70–108 MB,
// RSS 140–195 MB. `--max-semi-space-size=8 --heap-growing-percent=50` (with the WS client routing a
// frame among its channel's subscriptions only) keeps it at ~115–121 MB RSS (memory bench suite).

const SERVICES = ['simulator', 'ingestor', 'strategy', 'execution'] as const;

function startFlags(service: string): string[] {
  const start = (JSON.parse(read(`services/${service}/package.json`)) as { scripts: { start: string } })
    .scripts.start;
  const words = start.trim().split(/\s+/);
  expect(words[0], `${service} start script`).toBe('node');
  expect(words.at(-1), `${service} start script`).toBe('dist/main.js');
  return words.slice(1, -1);
}

/** what an image start command must be for these flags (undefined: the Dockerfile's CMD) */
const expectedCommand = (flags: string[]) =>
  flags.length === 0 ? undefined : ['node', ...flags, 'main.mjs'];

interface ComposeService {
  build?: { args?: Record<string, string> };
  command?: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field
type K8s = any;

describe('Node.js flags of the services', () => {
  it('keeps the ingestor heap sizing that holds it under 150 MB RSS at 1000 subscriptions', () => {
    expect(startFlags('ingestor')).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=50']);
  });

  it('starts every service with its start script flags in compose', () => {
    const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
    const built = Object.entries(compose.services).filter(([, s]) => s.build?.args?.SERVICE !== undefined);
    expect(built.length).toBeGreaterThan(3);
    for (const [name, svc] of built) {
      const service = svc.build?.args?.SERVICE ?? '';
      expect(SERVICES, name).toContain(service);
      expect(svc.command, name).toEqual(expectedCommand(startFlags(service)));
    }
  });

  it('starts every service with its start script flags in Kubernetes', () => {
    const files = [
      'infra/k8s/base/ingestor.yaml',
      'infra/k8s/base/strategy.yaml',
      'infra/k8s/base/execution.yaml',
      'infra/k8s/overlays/sim/simulator.yaml',
    ];
    const seen = new Set<string>();
    for (const file of files) {
      for (const doc of readYamlDocs<K8s>(file)) {
        if (doc?.kind !== 'Deployment') continue;
        for (const c of doc.spec.template.spec.containers) {
          seen.add(c.name);
          expect(c.command, `${file}: ${c.name}`).toEqual(expectedCommand(startFlags(c.name)));
          expect(c.args, `${file}: ${c.name}`).toBeUndefined();
        }
      }
    }
    expect([...seen].sort()).toEqual([...SERVICES].sort());
  });
});
