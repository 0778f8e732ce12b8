import { defineConfig } from 'vitest/config';

// Fleet tests start real processes and containers: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
