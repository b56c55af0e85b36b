import { execFileSync } from 'node:child_process';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { listFiles, readYaml, readYamlDocs, root } from '../repo-support.js';
import { type K8sObject, validateStrict } from './schema.js';

// Every Kubernetes object of infra/k8s, as written and as each overlay builds it, validated
// offline and strictly (unknown fields rejected, as `kubeconform -strict`) against the Kubernetes
// schemas of the `kubernetes-models` package (./schema.ts). The NATS Helm values are chart input,
// not Kubernetes objects: infra/k8s/k8s.unit.test.ts checks them.

const K8S = 'infra/k8s';
const OVERLAYS = ['sim', 'testnet', 'mainnet'];
const yamlFiles = listFiles(K8S, /\.ya?ml$/);
const kustomizations = yamlFiles.filter((f) => /(^|\/)kustomization\.yaml$/.test(f));
/** strategic-merge patches are partial objects: validated through the overlay builds below */
const patchFiles = kustomizations.flatMap((k) =>
  (readYaml<{ patches?: { path?: string }[] }>(k).patches ?? []).flatMap((p) =>
    p.path ? [normalize(join(dirname(k), p.path))] : [],
  ),
);
const sources = yamlFiles.filter(
  (f) => !kustomizations.includes(f) && !patchFiles.includes(f) && !f.startsWith(`${K8S}/nats/`),
);

const deployment = (): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'probe' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'probe' } },
    template: {
      metadata: { labels: { app: 'probe' } },
      spec: { containers: [{ name: 'probe', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] },
    },
  },
});

describe('infra/k8s: the validator bites', () => {
  it('accepts a well-formed Deployment', async () => {
    expect(await validateStrict([deployment()])).toEqual([]);
  });

  it('rejects a wrong type (replicas: "two")', async () => {
    const d = deployment();
    d.spec.replicas = 'two';
    const issues = await validateStrict([d]);
    expect(issues.map((i) => i.message).join('\n')).toMatch(/replicas/);
    expect(issues[0]?.object).toBe('Deployment/probe');
  });

  it('rejects an unknown field, at any depth', async () => {
    const top = deployment();
    top.spec.replica = 2;
    const deep = deployment();
    deep.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const [a, b] = [await validateStrict([top]), await validateStrict([deep])];
    expect(a.map((i) => i.message).join('\n')).toMatch(/'replica' does not exist/);
    expect(b.map((i) => i.message).join('\n')).toMatch(/'imagePullPolicyy' does not exist/);
  });

  it('rejects a missing required field and an unknown kind', async () => {
    const d = deployment();
    delete d.spec.selector;
    expect((await validateStrict([d])).map((i) => i.message).join('\n')).toMatch(/selector/);
    const unknown = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } };
    expect(await validateStrict([unknown])).toEqual([
      { object: 'Deploymnet/x', message: 'no schema for apps/v1 Deploymnet' },
    ]);
  });
});

describe('infra/k8s: every manifest validates against the Kubernetes schemas', () => {
  it('base and overlay resource files', async () => {
    const objects = sources.flatMap((f) => readYamlDocs<K8sObject>(f));
    expect(objects.length).toBeGreaterThan(10);
    expect(await validateStrict(objects)).toEqual([]);
  });
});

let kubectl = false;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  kubectl = true;
} catch {
  // no kubectl: the resource files are still validated above
}

describe.skipIf(!kubectl)('infra/k8s overlays, built with kubectl kustomize, validate', () => {
  it.each(OVERLAYS)('%s', async (o) => {
    const out = execFileSync('kubectl', ['kustomize', `${K8S}/overlays/${o}`], {
      cwd: root,
      encoding: 'utf8',
    });
    const objects = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    expect(objects.map((x) => x.kind)).toContain('ConfigMap');
    expect(await validateStrict(objects)).toEqual([]);
  });
});
