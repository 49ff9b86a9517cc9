// `npm test`: every check and every test, in order, then one summary line.
//   typecheck → lint → build → size budgets → server tests (Vitest, SQLite) → the same server
//   tests on PostgreSQL + Redis (cluster tests) → widget tests (Chromium) → end-to-end tests
//   (built kit in Chromium against the real server)
// All steps run even if one fails, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterServicesProblem, postgresUrl, redisUrl } from './cluster-services.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-test-'));
const vitestJson = path.join(tmp, 'vitest.json');
const clusterJson = path.join(tmp, 'vitest-cluster.json');
const wtrJson = path.join(tmp, 'wtr.json');
const e2eJson = path.join(tmp, 'e2e.json');

/** Pass/fail counts from a Vitest JSON report. */
function vitestCounts(file) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  // A suite that fails to load reports no tests; count it so it cannot pass silently.
  const broken = r.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + broken,
    skipped: r.numPendingTests + r.numTodoTests,
  };
}

/**
 * The server suites run a second time on PostgreSQL + Redis when both answer (the cluster
 * pass). Without them, `npm test` says so in one SKIPPED line and goes on; with
 * LX_REQUIRE_CLUSTER_SERVICES=1 (CI) that skip is a failure.
 */
const clusterProblem = await clusterServicesProblem();
const requireCluster = process.env.LX_REQUIRE_CLUSTER_SERVICES === '1';

const steps = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'lint', cmd: ['npm', 'run', '-s', 'lint'] },
  { name: 'build', cmd: ['npm', 'run', '-s', 'build'] },
  { name: 'size', cmd: ['node', 'scripts/size.mjs'] },
  { name: 'element docs', cmd: ['node', 'scripts/docs-elements.mjs', '--check'] },
  {
    name: 'server tests',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
    counts: () => {
      const r = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
      // A suite that fails to load reports no tests; count it so it cannot pass silently.
      const broken = r.testResults.filter(
        (f) => f.status === 'failed' && f.assertionResults.length === 0,
      ).length;
      return {
        passed: r.numPassedTests,
        failed: r.numFailedTests + broken,
        skipped: r.numPendingTests + r.numTodoTests,
      };
    },
  },
  clusterProblem
    ? {
        name: 'cluster tests',
        skipped: clusterProblem,
        cmd: ['node', '-e', `process.exit(${requireCluster ? 1 : 0})`],
      }
    : {
        name: 'cluster tests',
        cmd: [
          'npx',
          'vitest',
          'run',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${clusterJson}`,
        ],
        env: {
          LX_DB_DIALECT: 'postgres',
          LX_TEST_DATABASE_URL: postgresUrl,
          LX_TEST_REDIS_URL: redisUrl,
        },
        counts: () => vitestCounts(clusterJson),
      },
  { name: 'chromium', cmd: ['node', 'scripts/ensure-chromium.mjs'] },
  {
    name: 'widget tests',
    cmd: ['node', '--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'],
    env: { LX_WTR_RESULTS: wtrJson },
    counts: () => JSON.parse(fs.readFileSync(wtrJson, 'utf8')),
  },
  {
    name: 'e2e tests',
    cmd: [
      'npx',
      'vitest',
      'run',
      '-c',
      'vitest.e2e.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${e2eJson}`,
    ],
    counts: () => vitestCounts(e2eJson),
  },
];

const results = [];
for (const step of steps) {
  if (step.skipped) {
    const consequence = requireCluster
      ? 'a failure in CI (LX_REQUIRE_CLUSTER_SERVICES=1)'
      : 'skipped';
    console.log(`\nSKIPPED: PostgreSQL/Redis suites: ${step.skipped} (${consequence})`);
  } else {
    console.log(`\n━━ ${step.name} ━━ ${step.cmd.join(' ')}`);
  }
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, ...step.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
  });
  const seconds = (Date.now() - started) / 1000;
  let counts;
  try {
    counts = step.counts?.();
  } catch {
    counts = undefined;
  }
  const ok =
    run.status === 0 &&
    (!step.counts || (counts !== undefined && counts.failed === 0 && counts.passed > 0));
  results.push({ ...step, ok, seconds, counts });
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\n━━ summary ━━');
for (const r of results) {
  if (r.skipped) {
    if (!r.ok) failed += 1;
    console.log(`  ${r.ok ? '–' : '✘'} ${r.name.padEnd(14)} ${'SKIPPED'.padEnd(26)} ${r.skipped}`);
    continue;
  }
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skipped += r.counts.skipped ?? 0;
  }
  // A failing check or a runner that crashed without counts is one failure of its own.
  if (!r.ok && (!r.counts || r.counts.failed === 0)) failed += 1;
  if (!r.counts && r.ok) passed += 1;
  const detail = r.counts
    ? `${r.counts.passed} passed, ${r.counts.failed} failed`
    : r.ok
      ? 'ok'
      : 'FAILED';
  console.log(
    `  ${r.ok ? '✔' : '✘'} ${r.name.padEnd(14)} ${detail.padEnd(26)} ${r.seconds.toFixed(1)}s`,
  );
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && results.every((r) => r.ok) ? 0 : 1);
