import { defineConfig } from 'vitest/config';

// Real sshd, agents and Podman: one file at a time, generous timeouts. The first run builds the
// amd64 agent artifacts (seconds each; cached under .cache/mcp-release).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
