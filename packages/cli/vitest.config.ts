import { defineConfig } from 'vitest/config';

// The command tests run the built CLI as child processes against a real gRPC server.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
