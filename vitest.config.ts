import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep test files from fighting over them.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
