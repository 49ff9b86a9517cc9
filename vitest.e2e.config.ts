import { defineConfig } from 'vitest/config';

// End-to-end tests: the built kit in system Chromium (playwright-core), against the real
// server started as it is in production. Needs `npm run build` first (npm test does it).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
