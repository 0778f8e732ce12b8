import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One temporary root for the whole run, removed at its end (see src/test-support/tmp.ts).
    globalSetup: ['./src/test-support/global-setup.ts'],
    // Each file's MCIAS stand-in is stopped when its tests end (see src/test-support/security.ts).
    setupFiles: ['./src/test-support/setup.ts'],
  },
});
