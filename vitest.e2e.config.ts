import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// End-to-end suites (several services against the simulator): slower, run by `npm run test:e2e` and CI.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // the environment vitest loads global setup in (the test kit imports @hyperflow/nats-local)
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    include: ['{packages,services}/*/src/**/*.e2e.test.ts'],
    globalSetup: [fileURLToPath(new URL('./packages/testkit/src/global-setup.ts', import.meta.url))],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    passWithNoTests: true,
  },
});
