import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { read, readYaml } from './repo-support.js';

// docker-compose.host.yml: one network namespace for every container. It must change only what
// that needs (scripts/test-compose.sh runs it for real): loopback listeners, one port each, peers
// on 127.0.0.1, host-network builds.

interface Svc {
  network_mode?: string;
  ports?: unknown[];
  networks?: unknown;
  build?: { network?: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
}
const text = read('docker-compose.host.yml');
// `!reset` (compose: drop what the base file sets) parsed as the plain value it resets to
const host = parse(text.replaceAll('!reset ', ''), { merge: true }) as { services: Record<string, Svc> };
const base = readYaml<{ services: Record<string, Svc & { profiles?: string[]; build?: unknown }> }>(
  'docker-compose.yml',
);
const envExample = read('.env.example');
/** `${VAR:-default}` → default */
const resolved = (v: string) => v.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
const portVar = (v: string) => /\$\{(HYPERFLOW_[A-Z_]+_PORT):-\d+\}/.exec(v)?.[1];

describe('docker-compose.host.yml', () => {
  it('puts nats and every hyperflow service on the host network, without published ports', () => {
    const expected = Object.entries(base.services)
      .filter(([name, s]) => name === 'nats' || s.build !== undefined)
      .map(([name]) => name)
      .sort();
    expect(Object.keys(host.services).sort()).toEqual(expected);
    for (const [name, svc] of Object.entries(host.services)) {
      expect(svc.network_mode, name).toBe('host');
      expect(text).toMatch(new RegExp(`\\n  ${name}:\\n(    .*\\n)*?    ports: !reset \\[\\]\\n`));
      if (base.services[name]?.networks !== undefined) expect(svc.networks, name).toEqual({});
      if (name !== 'nats') expect(svc.build?.network, name).toBe('host');
    }
  });

  it('binds every listener to loopback on its own port', () => {
    const nats = host.services.nats?.command ?? [];
    expect(nats[nats.indexOf('-a') + 1]).toBe('127.0.0.1');
    const listeners: Record<string, string> = {
      'nats client': nats[nats.indexOf('-p') + 1] ?? '',
      'nats monitor': nats[nats.indexOf('-m') + 1] ?? '',
      simulator: host.services.simulator?.environment?.SIM_PORT ?? '',
    };
    expect(host.services.simulator?.environment?.SIM_HOST).toBe('127.0.0.1');
    for (const name of ['ingestor', 'strategy', 'execution']) {
      const env = host.services[name]?.environment ?? {};
      expect(env.HTTP_HOST, name).toBe('127.0.0.1');
      listeners[name] = env.HTTP_PORT ?? '';
      // the live twin listens where the sim one does (the two profiles never run together)
      expect(host.services[`${name}-live`]?.environment?.HTTP_PORT, `${name}-live`).toBe(env.HTTP_PORT);
    }
    const vars = Object.values(listeners).map(portVar);
    for (const [name, v] of Object.entries(listeners)) expect(portVar(v), `${name}: ${v}`).toBeDefined();
    expect(new Set(vars).size).toBe(vars.length);
    expect(new Set(Object.values(listeners).map(resolved)).size).toBe(vars.length);
    // each port is a documented variable
    for (const v of vars) expect(envExample, v).toMatch(new RegExp(`^#? ?${v}=\\d+$`, 'm'));
  });

  it('points every service at its peers on 127.0.0.1, on the ports they listen on', () => {
    const natsPort = host.services.nats?.command?.[(host.services.nats?.command ?? []).indexOf('-p') + 1];
    const simPort = host.services.simulator?.environment?.SIM_PORT;
    for (const [name, svc] of Object.entries(host.services)) {
      const env = svc.environment ?? {};
      if (name === 'nats' || name === 'simulator') continue;
      expect(env.NATS_URL, name).toBe(`nats://127.0.0.1:${natsPort}`);
      const baseEnv = (base.services[name]?.environment ?? {}) as Record<string, string>;
      for (const key of ['HL_WS_URL', 'HL_REST_URL']) {
        // a URL of the simulator in the base file (by service name) moves to loopback here
        if (!String(baseEnv[key] ?? '').includes('simulator')) continue;
        expect(env[key], `${name}: ${key}`).toMatch(
          new RegExp(`^(ws|http)://127\\.0\\.0\\.1:${simPort?.replace(/[$]/g, '\\$')}`),
        );
      }
    }
    const probe = JSON.stringify(host.services.nats?.healthcheck?.test);
    expect(probe).toContain(
      `http://127.0.0.1:${host.services.nats?.command?.[(host.services.nats?.command ?? []).indexOf('-m') + 1]}/healthz`,
    );
  });
});
