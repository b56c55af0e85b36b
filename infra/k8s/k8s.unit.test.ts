import { execFileSync } from 'node:child_process';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { HASH_SECRET, helmUsers } from '../nats/helm-users.js';
import { exists, knownEnvNames, listFiles, read, readYaml, readYamlDocs, root } from '../repo-support.js';

// No cluster runs here: the manifests are checked statically. Every YAML parses, every
// kustomization's inputs exist, the workloads are probed, sized and locked down, secrets are only
// referenced, every variable is one the service reads, the NATS chart values carry exactly the
// users of infra/nats/nats.conf, and (with kubectl on the PATH) every overlay builds.

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field
type K8s = any;
interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string }[];
  configMapGenerator?: { name: string; behavior?: string; literals?: string[]; envs?: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const K8S = 'infra/k8s';
const OVERLAYS = ['sim', 'testnet', 'mainnet'];
const SERVICES = ['ingestor', 'strategy', 'execution'];
const yamlFiles = listFiles(K8S, /\.ya?ml$/);
const kustomizations = yamlFiles.filter((f) => /(^|\/)kustomization\.yaml$/.test(f));
const kustomization = (dir: string) => readYaml<Kustomization>(`${dir}/kustomization.yaml`);
/** strategic-merge patch files: partial objects, checked through the kubectl build below */
const patchFiles = kustomizations.flatMap((k) =>
  (kustomization(dirname(k)).patches ?? []).flatMap((p) =>
    p.path ? [normalize(join(dirname(k), p.path))] : [],
  ),
);
const manifests = yamlFiles
  .filter((f) => !kustomizations.includes(f) && !patchFiles.includes(f) && !f.startsWith(`${K8S}/nats/`))
  .flatMap((f) => readYamlDocs<K8s>(f).map((doc) => ({ file: f, doc })));
const ofKind = (kind: string) => manifests.filter((m) => m.doc?.kind === kind);
const deployments = ofKind('Deployment');
const containerOf = (d: K8s) => d.spec.template.spec.containers[0];
/** the workload a container belongs to: its container name (`ingestor`, `simulator`, …) */
const serviceOf = (c: K8s): string => c.name;

describe('infra/k8s: files', () => {
  it('parses every YAML file', () => {
    expect(yamlFiles.length).toBeGreaterThan(5);
    for (const f of yamlFiles) {
      for (const doc of parseAllDocuments(read(f))) expect(doc.errors, f).toEqual([]);
    }
  });

  it("finds every kustomization's resources and patch files", () => {
    expect(kustomizations.sort()).toEqual([
      `${K8S}/base/kustomization.yaml`,
      ...OVERLAYS.map((o) => `${K8S}/overlays/${o}/kustomization.yaml`).sort(),
    ]);
    for (const file of kustomizations) {
      const dir = dirname(file);
      const k = kustomization(dir);
      for (const r of k.resources ?? []) {
        const path = normalize(join(dir, r));
        expect(
          exists(path) && (!r.startsWith('..') || exists(`${path}/kustomization.yaml`)),
          `${file}: ${r}`,
        ).toBe(true);
      }
      for (const p of k.patches ?? []) {
        expect(p.path ?? p.patch, file).toBeDefined();
        if (p.path) expect(exists(join(dir, p.path)), `${file}: ${p.path}`).toBe(true);
      }
    }
  });

  it('builds every overlay on the base, in its own namespace', () => {
    for (const o of OVERLAYS) {
      const dir = `${K8S}/overlays/${o}`;
      const k = kustomization(dir);
      expect(k.resources, o).toContain('../../base');
      expect(k.namespace, o).toBe(`hyperflow-${o}`);
      const ns = readYamlDocs<K8s>(`${dir}/namespace.yaml`)[0];
      expect(ns.kind).toBe('Namespace');
      expect(ns.metadata.name).toBe(`hyperflow-${o}`);
      // every overlay says which network it trades on, for every service
      for (const svc of SERVICES) {
        const gen = k.configMapGenerator?.find((g) => g.name === `${svc}-config`);
        expect(gen?.behavior, `${o}: ${svc}-config`).toBe('merge');
        expect(gen?.literals, `${o}: ${svc}-config`).toContain(`HL_NETWORK=${o}`);
      }
      // sim and testnet trade; mainnet signs without sending until someone edits this on purpose
      const exec = k.configMapGenerator?.find((g) => g.name === 'execution-config');
      expect(exec?.literals, o).toContain(`EXEC_MODE=${o === 'mainnet' ? 'dry-run' : o}`);
    }
  });

  it('defines no Secret: secrets are created outside the repository and only referenced', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const k of kustomizations.map((f) => readYaml<Record<string, unknown>>(f))) {
      expect(k.secretGenerator).toBeUndefined();
    }
  });
});

describe('infra/k8s: workloads', () => {
  it('has a Deployment, a Service and a PodDisruptionBudget for each service and the simulator', () => {
    const names = (kind: string) => ofKind(kind).map((m) => m.doc.metadata.name);
    for (const name of [...SERVICES, 'simulator']) {
      expect(names('Deployment'), name).toContain(name);
      expect(names('Service'), name).toContain(name);
      expect(names('PodDisruptionBudget'), name).toContain(name);
    }
    for (const { doc } of deployments) {
      const labels = doc.spec.template.metadata.labels;
      expect(doc.spec.selector.matchLabels, doc.metadata.name).toEqual({
        'app.kubernetes.io/name': labels['app.kubernetes.io/name'],
        'app.kubernetes.io/part-of': 'hyperflow',
      });
      const pdb = ofKind('PodDisruptionBudget').find((m) => m.doc.metadata.name === doc.metadata.name);
      expect(pdb?.doc.spec.selector.matchLabels).toEqual(doc.spec.selector.matchLabels);
    }
  });

  it('probes every container: /healthz (liveness) and /readyz (readiness) for the kit services', () => {
    for (const { doc } of deployments) {
      const c = containerOf(doc);
      expect(c.livenessProbe, doc.metadata.name).toBeDefined();
      expect(c.readinessProbe, doc.metadata.name).toBeDefined();
      if (SERVICES.includes(doc.metadata.name)) {
        expect(c.livenessProbe.httpGet?.path).toBe('/healthz');
        // execution's hot standby answers /readyz 200 too (ready to take over): no exception
        expect(c.readinessProbe.httpGet?.path).toBe('/readyz');
        expect(c.ports).toContainEqual({ name: 'http', containerPort: 8080 });
        expect(doc.spec.template.metadata.annotations['prometheus.io/port']).toBe('8080');
      }
    }
  });

  it('probes the simulator on its venue port: /healthz (liveness) and /readyz (readiness)', () => {
    const sim = deployments.find(({ doc }) => doc.metadata.name === 'simulator');
    expect(sim, 'simulator deployment').toBeDefined();
    const c = containerOf(sim?.doc);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'venue' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'venue' });
  });

  it('sizes every container: CPU and memory requests, a memory limit', () => {
    for (const { doc } of deployments) {
      const r = containerOf(doc).resources;
      expect(r?.requests?.cpu, doc.metadata.name).toBeDefined();
      expect(r?.requests?.memory, doc.metadata.name).toBeDefined();
      expect(r?.limits?.memory, doc.metadata.name).toBeDefined();
    }
  });

  it('runs every pod non-root, read-only, without capabilities or a service-account token', () => {
    for (const { doc } of deployments) {
      const pod = doc.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, doc.metadata.name).toBe(true);
      expect(pod.securityContext.runAsUser, doc.metadata.name).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile?.type).toBe('RuntimeDefault');
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
        expect(c.securityContext.allowPrivilegeEscalation, c.name).toBe(false);
        expect(c.securityContext.capabilities.drop, c.name).toEqual(['ALL']);
      }
    }
  });

  it('takes secrets only by secretKeyRef, never as values', () => {
    for (const { doc } of deployments) {
      for (const c of doc.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          if (/PASS|SECRET|TOKEN|PRIVATE_KEY/.test(e.name)) {
            expect(e.value, `${c.name}: ${e.name}`).toBeUndefined();
            expect(e.valueFrom?.secretKeyRef?.name, `${c.name}: ${e.name}`).toMatch(/^hyperflow-/);
          }
        }
      }
    }
    for (const k of kustomizations) {
      for (const gen of kustomization(dirname(k)).configMapGenerator ?? []) {
        for (const l of gen.literals ?? [])
          expect(l, `${k}: ${gen.name}`).not.toMatch(/PASS|SECRET|TOKEN|KEY=/);
      }
    }
  });

  it('gives execution its signer key as a read-only file from the Secret, not as a variable', () => {
    const exec = deployments.find((m) => m.doc.metadata.name === 'execution')?.doc;
    const pod = exec.spec.template.spec;
    const c = containerOf(exec);
    expect((c.env ?? []).map((e: K8s) => e.name)).not.toContain('EXEC_PRIVATE_KEY');
    const volume = pod.volumes.find((v: K8s) => v.secret?.secretName === 'hyperflow-venue-key');
    const mount = c.volumeMounts.find((m: K8s) => m.name === volume?.name);
    expect(mount?.readOnly).toBe(true);
    const base = kustomization(`${K8S}/base`).configMapGenerator?.find((g) => g.name === 'execution-config');
    expect(base?.literals).toContain(
      `EXEC_PRIVATE_KEY_FILE=${mount.mountPath}/${volume.secret.items[0].path}`,
    );
    expect(base?.literals).toContain('EXEC_MODE=dry-run');
  });

  it('runs execution as two leader-leased replicas that a drain cannot both take down', () => {
    const exec = deployments.find((m) => m.doc.metadata.name === 'execution')?.doc;
    expect(exec.spec.replicas).toBe(2);
    const pdb = ofKind('PodDisruptionBudget').find((m) => m.doc.metadata.name === 'execution')?.doc;
    expect(pdb.spec.minAvailable).toBe(1);
    expect(read(`${K8S}/base/execution.yaml`)).toMatch(/hl_leases/);
  });

  it('sets only variables the service config schemas read', () => {
    const vars = new Map<string, Set<string>>();
    const add = (service: string, name: string) =>
      vars.set(service, (vars.get(service) ?? new Set()).add(name));
    for (const { doc } of deployments) {
      for (const c of doc.spec.template.spec.containers) {
        for (const e of c.env ?? []) add(serviceOf(c), e.name);
        for (const from of c.envFrom ?? []) {
          expect(from.configMapRef?.name, c.name).toBe(`${serviceOf(c)}-config`);
        }
      }
    }
    for (const k of kustomizations) {
      for (const gen of kustomization(dirname(k)).configMapGenerator ?? []) {
        const service = gen.name.replace(/-config$/, '');
        for (const l of gen.literals ?? []) add(service, l.split('=')[0] ?? '');
      }
    }
    expect([...vars.keys()].sort()).toEqual([...SERVICES, 'simulator'].sort());
    for (const [service, names] of vars) {
      const known = knownEnvNames(service);
      for (const name of names) {
        expect(known.has(name), `${service}: ${name} is read by no schema of services/${service}`).toBe(true);
      }
    }
  });
});

describe('infra/k8s: strategies document', () => {
  it('runs only coins the ingestor subscribes to', () => {
    const doc = JSON.parse(read(`${K8S}/base/strategies.json`));
    const coins = new Set<string>(doc.strategies.flatMap((s: K8s) => Object.keys(s.config.coins)));
    expect(coins.size).toBeGreaterThan(0);
    const literal = kustomization(`${K8S}/base`)
      .configMapGenerator?.find((g) => g.name === 'ingestor-config')
      ?.literals?.find((l) => l.startsWith('COINS='));
    const subscribed = (literal ?? '').slice('COINS='.length).split(',');
    for (const coin of coins) expect(subscribed, coin).toContain(coin);
  });
});

describe('infra/k8s: network policies', () => {
  const policies = ofKind('NetworkPolicy').map((m) => m.doc);
  const byName = (name: string) => policies.find((p) => p.metadata.name === name);

  it('denies everything by default for the hyperflow pods', () => {
    const deny = byName('hyperflow-default-deny');
    expect(deny.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/part-of': 'hyperflow' });
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
  });

  it('lets only ingestor and execution reach the venue, and every service and the provisioner reach NATS', () => {
    const selected = (p: K8s) =>
      p.spec.podSelector.matchExpressions?.find((e: K8s) => e.key === 'app.kubernetes.io/name')?.values;
    expect(selected(byName('hyperflow-allow-venue-egress'))).toEqual(['ingestor', 'execution']);
    expect(selected(byName('hyperflow-allow-simulator-egress'))).toEqual(['ingestor', 'execution']);
    // and the one-shot provision Job (streams, buckets, consumers)
    expect(selected(byName('hyperflow-allow-nats-clients'))).toEqual([...SERVICES, 'provision']);
    expect(byName('hyperflow-allow-nats-clients').spec.egress[0].ports).toEqual([
      { protocol: 'TCP', port: 4222 },
    ]);
    const sim = kustomization(`${K8S}/overlays/sim`);
    expect(sim.patches?.some((p) => /hyperflow-allow-venue-egress/.test(p.patch ?? ''))).toBe(true);
  });

  it('admits nothing into the hyperflow pods but metrics scrapes (and venue traffic to the simulator)', () => {
    for (const p of policies.filter((x) => x.spec.ingress)) {
      const target = JSON.stringify(p.spec.podSelector);
      if (target.includes('"nats"')) continue; // the NATS pods' own policy
      const ports = p.spec.ingress.flatMap((r: K8s) => r.ports.map((x: K8s) => x.port));
      if (target.includes('simulator')) expect(ports, p.metadata.name).toEqual([8787]);
      else expect(ports, p.metadata.name).toEqual([8080]);
    }
  });
});

describe('infra/k8s/nats/values.yaml (official NATS Helm chart)', () => {
  // biome-ignore lint/suspicious/noExplicitAny: chart values
  const values = readYaml<any>(`${K8S}/nats/values.yaml`);

  it('runs a 3-node JetStream cluster on persistent file storage', () => {
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values.config.jetstream.enabled).toBe(true);
    expect(values.config.jetstream.fileStore).toMatchObject({ enabled: true, pvc: { enabled: true } });
    expect(read(`${K8S}/nats/values.yaml`)).toMatch(/R3/);
  });

  it('has exactly the users and permissions of infra/nats/nats.conf, password hashes from the Secret', () => {
    expect(values.config.merge.authorization.users).toEqual(helmUsers());
    const conf = read('infra/nats/nats.conf');
    for (const u of helmUsers()) {
      expect(conf, u.user).toContain(`user: ${u.user}`);
      const variable = u.password.slice(4, -3);
      expect(conf, u.user).toContain(`password: $${variable}`);
      expect(values.container.env[variable], variable).toEqual({
        valueFrom: { secretKeyRef: { name: HASH_SECRET, key: u.user } },
      });
    }
  });
});

let kubectl = false;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  kubectl = true;
} catch {
  // no kubectl: the overlays are only checked statically above
}

describe.skipIf(!kubectl)('infra/k8s overlays built with kubectl kustomize', () => {
  it.each(OVERLAYS)('%s builds, namespaced, every image tagged, every ConfigMap reference resolved', (o) => {
    const out = execFileSync('kubectl', ['kustomize', `${K8S}/overlays/${o}`], {
      cwd: root,
      encoding: 'utf8',
    });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as K8s);
    const configMaps = docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name);
    for (const d of docs.filter((x) => x.kind !== 'Namespace')) {
      expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe(`hyperflow-${o}`);
    }
    const workloads = docs.filter((d) => d.kind === 'Deployment');
    expect(workloads.map((d) => d.metadata.name).sort()).toEqual(
      (o === 'sim' ? [...SERVICES, 'simulator'] : SERVICES).slice().sort(),
    );
    for (const d of workloads) {
      // what the overlay's patches leave is still probed, sized and locked down
      expect(d.spec.template.spec.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of d.spec.template.spec.containers) {
        expect(c.livenessProbe && c.readinessProbe, c.name).toBeTruthy();
        expect(
          c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory,
          c.name,
        ).toBeTruthy();
        expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
        expect(c.image, c.name).toMatch(/^[^:]+:[\w.-]+$/);
        expect(c.image, c.name).not.toMatch(/:latest$/);
        for (const from of c.envFrom ?? []) expect(configMaps, c.name).toContain(from.configMapRef.name);
      }
    }
    const policies = docs.filter((d) => d.kind === 'NetworkPolicy').map((d) => d.metadata.name);
    expect(policies.includes('hyperflow-allow-venue-egress'), o).toBe(o !== 'sim');
    expect(policies.includes('hyperflow-allow-simulator-egress'), o).toBe(o === 'sim');
  });
});
