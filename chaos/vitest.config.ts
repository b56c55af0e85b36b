import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chaos suite (`npm run test:chaos`): real processes on loopback under injected faults; one
// run at a time, bounded by its own time budget (CHAOS_SIGNALS / CHAOS_RATE).
export default defineConfig({
  root: fileURLToPath(new URL('../', import.meta.url)),
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    include: ['chaos/**/*.unit.test.ts', 'chaos/**/*.chaos.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
