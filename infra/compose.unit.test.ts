import { describe, expect, it } from 'vitest';
import { exists, knownEnvNames, read, readYaml } from './repo-support.js';

// No Docker engine runs here, so the compose file is checked statically: it parses, every file it
// mounts or builds from exists, every variable it needs is documented in .env.example, every
// service is health-checked and waits for what it needs to be healthy, and every variable it
// gives a hyperflow service is one that service's config schema reads.

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  volumes?: string[];
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition?: string }> | string[];
  environment?: Record<string, string | number | boolean | null>;
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
  read_only?: boolean;
  cap_drop?: string[];
}
const text = read('docker-compose.yml');
const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const services = Object.entries(compose.services);
/** the hyperflow services: built from this repository's Dockerfile */
const built = services.filter(([, svc]) => svc.build !== undefined);
const envExample = read('.env.example');

const workspaceOf = (svc: ComposeService): string => svc.build?.args?.SERVICE ?? '';
const inProfile = (profile: string) => services.filter(([, s]) => s.profiles?.includes(profile));
const names = (list: [string, ComposeService][]) => list.map(([name]) => name).sort();
const seconds = (d: string | undefined): number => Number(/^(\d+)s$/.exec(d ?? '')?.[1] ?? Number.NaN);

// The compose specification's JSON Schema, as shipped by the `docker-compose` npm package (a
// dependency of testcontainers, so present wherever the dev dependencies are installed).
const SPEC = 'node_modules/docker-compose/schema/compose-spec.json';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema nodes
type Schema = any;
/**
 * A small draft-07 validator for the keywords the compose schema uses. `oneOf` is checked as
 * "at least one" (this validator is looser than a full one there, never stricter).
 */
function schemaErrors(schema: Schema, value: unknown, path: string, defs: Record<string, Schema>): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path}: not allowed`];
  if (schema.$ref)
    return schemaErrors(defs[String(schema.$ref).replace('#/definitions/', '')], value, path, defs);
  const errors: string[] = [];
  if (schema.oneOf) {
    const results = (schema.oneOf as Schema[]).map((s) => schemaErrors(s, value, path, defs));
    if (results.every((r) => r.length > 0))
      errors.push(`${path}: matches no alternative (${results.flat()[0]})`);
  }
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value;
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return [...errors, `${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: not one of ${schema.enum.join(', ')}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      for (const [i, v] of value.entries())
        errors.push(...schemaErrors(schema.items, v, `${path}[${i}]`, defs));
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      errors.push(`${path}: duplicate items`);
    }
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      const p = `${path}.${k}`;
      if (schema.properties && k in schema.properties) {
        errors.push(...schemaErrors(schema.properties[k], v, p, defs));
        continue;
      }
      const pattern = Object.keys(schema.patternProperties ?? {}).find((re) => new RegExp(re).test(k));
      if (pattern) errors.push(...schemaErrors(schema.patternProperties[pattern], v, p, defs));
      else if (schema.additionalProperties === false) errors.push(`${p}: unknown key`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...schemaErrors(schema.additionalProperties, v, p, defs));
      }
    }
  }
  return errors;
}

describe('docker-compose.yml', () => {
  it.skipIf(!exists(SPEC))('validates against the compose specification schema', () => {
    const spec = JSON.parse(read(SPEC));
    expect(schemaErrors(spec, compose, 'compose', spec.definitions)).toEqual([]);
    // the validator does reject what the specification rejects
    const broken = { services: { x: { image: 'a', healthcheck: { test: ['CMD'], intervall: '5s' } } } };
    expect(schemaErrors(spec, broken, 'compose', spec.definitions)).toEqual([
      'compose.services.x.healthcheck.intervall: unknown key',
    ]);
  });

  it('defines nats with a health check and every service with an image or build', () => {
    expect(compose.services.nats?.healthcheck).toBeDefined();
    for (const [name, svc] of services) expect(svc.image ?? svc.build, name).toBeDefined();
  });

  it('mounts only files that exist in the repository (with the variables at their defaults)', () => {
    for (const svc of Object.values(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const src = (v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1').split(':')[0] ?? '').trim();
        if (src.startsWith('./')) expect(exists(src), src).toBe(true);
        else expect(src, v).toMatch(/^[a-z][a-z0-9-]*$/); // a named volume
      }
    }
  });

  it('documents every variable it interpolates in .env.example', () => {
    // `$${…}` is the container's own variable (escaped from compose), not one of .env
    const required = [...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}/g)].map(
      (m) => m[1] as string,
    );
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(envExample, name).toMatch(new RegExp(`^${name}=`, 'm'));
    // the default profile is what `cp .env.example .env && docker compose up` starts
    expect(envExample).toMatch(/^COMPOSE_PROFILES=sim$/m);
  });

  it('builds every hyperflow service from the root Dockerfile and an existing workspace', () => {
    expect(built.length).toBeGreaterThan(0);
    for (const [name, svc] of built) {
      expect(svc.build?.context, name).toBe('.');
      expect(exists(svc.build?.dockerfile ?? 'Dockerfile'), name).toBe(true);
      const service = workspaceOf(svc);
      expect(service, `${name}: build.args.SERVICE`).toMatch(/^[a-z-]+$/);
      expect(exists(`services/${service}/package.json`), `${name}: services/${service}`).toBe(true);
      expect(exists(`services/${service}/src/main.ts`), `${name}: services/${service}/src/main.ts`).toBe(
        true,
      );
    }
  });

  it('health-checks every service and starts it only after what it depends on is healthy', () => {
    for (const [name, svc] of services) {
      // the one-shot provisioner is waited for until it has succeeded, not health-checked
      if (name !== 'provision') expect(svc.healthcheck?.test, `${name}: healthcheck`).toBeDefined();
      const deps = svc.depends_on ?? {};
      expect(Array.isArray(deps), `${name}: depends_on needs conditions`).toBe(false);
      for (const [dep, cond] of Object.entries(deps)) {
        expect(compose.services[dep], `${name} → ${dep}`).toBeDefined();
        expect(cond.condition, `${name} → ${dep}`).toBe(
          dep === 'provision' ? 'service_completed_successfully' : 'service_healthy',
        );
      }
    }
    for (const [name, svc] of built) {
      if (workspaceOf(svc) === 'simulator') continue;
      expect(Object.keys(svc.depends_on ?? {}), name).toContain('nats');
    }
  });

  it('health-checks the simulator on its /readyz, which spends no venue weight', () => {
    const probe = JSON.stringify(compose.services.simulator?.healthcheck?.test);
    expect(probe).toContain('/readyz');
    // on the port the simulator listens on, whatever it is set to
    expect(probe).toContain('/dev/tcp/127.0.0.1/$${SIM_PORT');
  });

  it('probes health cheaply on the port the service reads, with room for a loaded host', () => {
    for (const [name, svc] of built) {
      const hc = svc.healthcheck as { test: string[]; timeout?: string; start_period?: string };
      // bash's /dev/tcp: no node process per probe (2–6 s under load)
      expect(hc.test.slice(0, 3), name).toEqual(['CMD', 'bash', '-c']);
      const port = workspaceOf(svc) === 'simulator' ? 'SIM_PORT' : 'HTTP_PORT';
      expect(hc.test[3], name).toContain(`/dev/tcp/127.0.0.1/$\${${port}`);
      expect(hc.test[3], name).toMatch(/GET \/readyz /);
      expect(seconds(hc.timeout), `${name}: timeout`).toBeGreaterThanOrEqual(10);
      expect(seconds(hc.start_period), `${name}: start_period`).toBeGreaterThanOrEqual(30);
    }
  });

  it('runs the hyperflow containers read-only without capabilities', () => {
    for (const [name, svc] of built) {
      expect(svc.read_only, name).toBe(true);
      expect(svc.cap_drop, name).toEqual(['ALL']);
    }
  });

  it('has the sim, live and observability profiles; live never runs or waits for the simulator', () => {
    expect(names(inProfile('sim'))).toEqual(['execution', 'ingestor', 'simulator', 'strategy']);
    expect(names(inProfile('live'))).toEqual(['execution-live', 'ingestor-live', 'strategy-live']);
    expect(names(inProfile('observability'))).toEqual(['grafana', 'prometheus']);
    for (const [name, svc] of inProfile('live')) {
      expect(Object.keys(svc.depends_on ?? {}), name).not.toContain('simulator');
      expect(JSON.stringify(svc.environment ?? {}), name).not.toMatch(/simulator/);
      // answers to the sim service's host name, so Prometheus and the CLI find either set
      const base = name.replace(/-live$/, '');
      expect(svc.networks?.default?.aliases, name).toContain(base);
      expect(workspaceOf(svc), name).toBe(workspaceOf(compose.services[base] as ComposeService));
    }
    // every built service is in exactly one of sim and live: the two sets never start together
    for (const [name, svc] of built) {
      const p = svc.profiles ?? [];
      expect(p.includes('sim') !== p.includes('live'), name).toBe(true);
    }
  });

  it('sets only variables the service config schemas read', () => {
    for (const [name, svc] of built) {
      const known = knownEnvNames(workspaceOf(svc));
      for (const variable of Object.keys(svc.environment ?? {})) {
        expect(
          known.has(variable),
          `${name}: ${variable} is read by no schema of services/${workspaceOf(svc)}`,
        ).toBe(true);
      }
    }
  });

  it.each(['SIM_STRATEGIES_FILE_HOST', 'STRATEGIES_FILE_HOST'])(
    'runs strategies only on coins the ingestor subscribes to (%s, defaults of .env.example)',
    (variable) => {
      const file = new RegExp(`^${variable}=(.+)$`, 'm').exec(envExample)?.[1] ?? '';
      expect(text, variable).toContain(`\${${variable}:-${file}}`);
      const doc = JSON.parse(read(file));
      const coins = new Set<string>(
        doc.strategies.flatMap((s: { config: { coins: object } }) => Object.keys(s.config.coins)),
      );
      const subscribed = (/^COINS=(.+)$/m.exec(envExample)?.[1] ?? '').split(',');
      expect(coins.size).toBeGreaterThan(0);
      for (const coin of coins) expect(subscribed, coin).toContain(coin);
    },
  );

  it('connects each service as its own NATS user with its own password variable', () => {
    for (const [name, svc] of built) {
      const env = svc.environment ?? {};
      if (env.NATS_URL === undefined) continue;
      const user = String(env.NATS_USER);
      expect(read('infra/nats/nats.conf'), `${name}: NATS user ${user}`).toMatch(
        new RegExp(`user: ${user}\\n\\s*password: \\$NATS_${user.toUpperCase()}_PASSWORD`),
      );
      expect(String(env.NATS_PASS), name).toMatch(
        new RegExp(`^\\$\\{NATS_${user.toUpperCase()}_PASSWORD[:?}]`),
      );
    }
  });

  it('never holds a secret value inline: passwords and keys come from .env', () => {
    for (const [name, svc] of services) {
      for (const [variable, value] of Object.entries(svc.environment ?? {})) {
        if (!/PASS|SECRET|TOKEN|PRIVATE_KEY/.test(variable)) continue;
        expect(String(value), `${name}: ${variable}`).toMatch(/^\$\{[A-Z0-9_]+(:[?-][^}]*)?\}$/);
      }
    }
  });
});
