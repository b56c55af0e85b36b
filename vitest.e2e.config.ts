import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['{packages,services}/*/src/**/*.e2e.test.ts'],
      projects: undefined,
      testTimeout: 120_000,
    },
  }),
);
