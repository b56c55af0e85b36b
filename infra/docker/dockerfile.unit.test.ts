import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exists, read, root, workspaces } from '../repo-support.js';

// The Dockerfile is built for real by scripts/test-compose.sh (npm run test:compose); here its shape is checked: a pinned LTS
// Node base, one recipe parameterized by ARG SERVICE, turbo prune, a production-only install,
// a non-root runtime user; and the build context keeps secrets and local state out.

const dockerfile = read('Dockerfile');
// one instruction per logical line (continuations joined), comments dropped
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (/^FROM\s/i.test(line)) acc.push([line]);
  else acc.at(-1)?.push(line);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
const dockerignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on one pinned Node LTS image (even major ≥ the engines minimum, slim Debian)', () => {
    // the base is ARG NODE_IMAGE (a local stand-in where no registry is reachable); its default is checked
    const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    const bases = stages.map((s) => ((s[0] ?? '').split(/\s+/)[1] ?? '').replace('${NODE_IMAGE}', nodeImage));
    const external = bases.filter((b) => b.startsWith('node:'));
    expect(external).toHaveLength(1);
    const m = /^node:(\d+)-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/.exec(external[0] ?? '');
    expect(m, external[0]).not.toBeNull();
    const major = Number(m?.[1]);
    // even majors are the LTS lines; never `latest`, `lts` or `current`, which move under a build
    expect(major % 2).toBe(0);
    const engines = JSON.parse(read('package.json')).engines.node as string;
    expect(major).toBeGreaterThanOrEqual(Number(/\d+/.exec(engines)?.[0]));
    // every other stage builds on a stage of this file
    const stageNames = stages.map((s) => /\sAS\s+(\S+)/i.exec(s[0] ?? '')?.[1]);
    for (const b of bases.filter((x) => !x.startsWith('node:'))) expect(stageNames).toContain(b);
  });

  it('names no frontend image (a `# syntax=` line makes every build pull one from a registry)', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
    // the base image is a build argument declared before the first FROM, used by it
    expect(dockerfile.indexOf('ARG NODE_IMAGE=')).toBeLessThan(dockerfile.search(/^FROM /m));
    expect(stages[0]?.[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS base$/);
  });

  it('builds the service named by ARG SERVICE: turbo prune, turbo build, its own entry point', () => {
    for (const stage of stages.slice(1)) {
      if (stage.some((l) => l.includes(`\${SERVICE}`))) expect(stage).toContain('ARG SERVICE');
    }
    expect(dockerfile).toMatch(/turbo@\$\{TURBO_VERSION\}"? prune "?@hyperflow\/\$\{SERVICE\}"? --docker/);
    expect(dockerfile).toMatch(/turbo run build --filter="?@hyperflow\/\$\{SERVICE\}"?/);
    expect(dockerfile).toContain("import './services/%s/dist/main.js';");
    expect(runtime.at(-1)).toBe('CMD ["node", "main.mjs"]');
    // the turbo that prunes is the turbo the repository builds with
    const turbo = /ARG TURBO_VERSION=(\S+)/.exec(dockerfile)?.[1];
    const installed = JSON.parse(readFileSync(join(root, 'node_modules/turbo/package.json'), 'utf8')).version;
    expect(turbo).toBe(installed);
  });

  it('can prune: package-lock.json lists every workspace (turbo prune writes a broken lockfile otherwise)', () => {
    const lock = JSON.parse(read('package-lock.json'));
    for (const dir of workspaces().values()) expect(lock.packages[dir], dir).toBeDefined();
  });

  it('installs production dependencies only in the runtime stage', () => {
    expect(runtime.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
    expect(runtime.some((l) => /prod-manifest\.mjs/.test(l))).toBe(true);
    expect(runtime.some((l) => /^ENV NODE_ENV=production/.test(l))).toBe(true);
  });

  it('runs as a numeric non-root user', () => {
    const users = runtime.filter((l) => /^USER\s/.test(l));
    const user = users.at(-1)?.split(/\s+/)[1] ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    // nothing after USER runs as root again
    expect(runtime.indexOf(users.at(-1) ?? '')).toBeGreaterThan(
      runtime.findLastIndex((l) => /^RUN\s/.test(l)),
    );
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const sources = instructions
      .filter((l) => /^COPY\s/.test(l) && !/--from=/.test(l))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .filter((s) => s !== '.');
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(exists(src), src).toBe(true);
      expect(dockerignore, src).not.toContain(src);
      expect(dockerignore, src).not.toContain(src.split('/')[0]);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, VCS data, local state and secrets out of the context', () => {
    for (const pattern of ['.git', '**/node_modules', '**/dist', '.env', '.env.*', '.hyperflow']) {
      expect(dockerignore, pattern).toContain(pattern);
    }
    expect(dockerignore).toContain('!.env.example');
  });
});

describe('infra/docker/prod-manifest.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prod-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, json: unknown) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(json));
  };

  it("keeps the service's run-time workspaces and drops dev-only ones and root devDependencies", () => {
    write('package.json', {
      name: 'root',
      workspaces: ['packages/lib', 'packages/deep', 'packages/testkit', 'services/app', 'services/other'],
      devDependencies: { vitest: '*', '@x/testkit': '*' },
    });
    write('packages/lib/package.json', { name: '@x/lib', dependencies: { '@x/deep': '*', zod: '*' } });
    write('packages/deep/package.json', { name: '@x/deep' });
    write('packages/testkit/package.json', { name: '@x/testkit', dependencies: { testcontainers: '*' } });
    write('services/app/package.json', {
      name: '@hyperflow/app',
      dependencies: { '@x/lib': '*' },
      devDependencies: { '@x/testkit': '*', '@hyperflow/other': '*' },
    });
    write('services/other/package.json', { name: '@hyperflow/other' });

    execFileSync(process.execPath, [join(root, 'infra/docker/prod-manifest.mjs'), 'app'], { cwd: dir });

    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.workspaces).toEqual(['packages/lib', 'packages/deep', 'services/app']);
    expect(manifest.devDependencies).toBeUndefined();
    expect(existsSync(join(dir, 'packages/testkit'))).toBe(false);
  });
});
