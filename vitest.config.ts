import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One project per workspace so `npm test -w <pkg>` and the root run share one config,
// one nats-server (global setup) and the `source` export condition (no build needed).
const workspaces = ['packages', 'services'].flatMap((dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(`${dir}/${d.name}/package.json`))
        .map((d) => ({ name: d.name, root: fileURLToPath(new URL(`./${dir}/${d.name}`, import.meta.url)) }))
    : [],
);

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // the environment vitest loads global setup in (the test kit imports @hyperflow/nats-local)
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    globalSetup: [fileURLToPath(new URL('./packages/testkit/src/global-setup.ts', import.meta.url))],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    projects: [
      ...workspaces.map((w) => ({
        extends: true as const,
        test: { name: w.name, root: w.root, include: ['src/**/*.unit.test.ts', 'src/**/*.int.test.ts'] },
      })),
      // repository-level checks: infra config, compose, scripts
      {
        extends: true as const,
        test: {
          name: 'repo',
          include: ['infra/**/*.unit.test.ts', 'infra/**/*.int.test.ts', 'scripts/**/*.unit.test.ts'],
        },
      },
    ],
  },
});
