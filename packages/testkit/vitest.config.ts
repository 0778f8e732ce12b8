import { defineConfig } from 'vitest/config';

// Tests here start real Podman services, registries and containers: give them time.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
