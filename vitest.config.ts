import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    // Child processes, not threads: require hooks, signals and process.exit behave as in production.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
