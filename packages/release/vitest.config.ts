import { defineConfig } from 'vitest/config';

// The first run compiles the arm64 SQLite addon and makes four artifacts (minutes on 2 cores);
// arm64 ones run under qemu-user, several times slower than native.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
