import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // Most tests wait on git, servers and child processes: two files at a time keep 2 cores busy
    // (vitest's default here is one).
    maxWorkers: 2,
  },
});
