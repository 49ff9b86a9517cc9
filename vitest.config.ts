import { defineConfig } from 'vitest/config';

// Server-side tests: Node, real SQLite files, real HTTP on 127.0.0.1. Widget tests run in
// Chromium through Web Test Runner instead (web-test-runner.config.js).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
