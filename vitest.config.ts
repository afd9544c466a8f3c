import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test time is waiting (child processes, PostgreSQL, loopback servers), not CPU: on CI's 2 cores the
    // default (cores - 1 = one file at a time) took 595 s for the suite, three at a time 339 s (2026-12-01).
    maxWorkers: 3,
    reporters: ['default'],
  },
});
