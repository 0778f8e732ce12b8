import { defineConfig } from 'vitest/config';

// The tests under test/ start a real Podman service, a registry and containers: give them time,
// and run one file at a time so that their Podman instances do not compete.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
