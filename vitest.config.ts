import { defineConfig } from 'vitest/config';

// Server-side tests: Node, real SQLite files (or, in the PostgreSQL pass of `npm test`, a
// database per test on the real server), real HTTP on 127.0.0.1. Widget tests run in
// Chromium through Web Test Runner instead (web-test-runner.config.js).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Several suites spawn the CLI or a whole server process; on a loaded 2-core machine one
    // such step has taken longer than 20 s. Tests wait on conditions, so a generous ceiling
    // costs nothing when they pass and only delays the report of a real hang.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
    globalSetup: ['tests/fixtures/global-setup.ts'],
  },
});
