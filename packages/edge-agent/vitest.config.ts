import { defineConfig } from 'vitest/config';

// Tests start mc-proxy stand-ins and a test CA (openssl): give them time on a shared machine.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
