import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked statically: it parses, every file
// it mounts exists, and every variable it needs is documented in .env.example.
const root = fileURLToPath(new URL('../', import.meta.url));
const text = readFileSync(`${root}docker-compose.yml`, 'utf8');
const compose = parse(text) as {
  services: Record<string, { image?: string; build?: unknown; volumes?: string[]; healthcheck?: unknown }>;
};
const envExample = readFileSync(`${root}.env.example`, 'utf8');

describe('docker-compose.yml', () => {
  it('defines nats with a health check and an image or build', () => {
    expect(compose.services.nats?.healthcheck).toBeDefined();
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.image ?? svc.build, name).toBeDefined();
    }
  });

  it('mounts only files that exist in the repository', () => {
    for (const svc of Object.values(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const src = v.split(':')[0] ?? '';
        if (src.startsWith('./')) expect(existsSync(`${root}${src}`), src).toBe(true);
      }
    }
  });

  it('documents every required variable in .env.example', () => {
    const required = [...text.matchAll(/\$\{([A-Z0-9_]+)(?::[?-][^}]*)?\}/g)].map((m) => m[1] as string);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(envExample, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
