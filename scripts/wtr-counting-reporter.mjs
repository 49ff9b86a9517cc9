import fs from 'node:fs';
import { defaultReporter } from '@web/test-runner';

function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

/**
 * Web Test Runner's default output, plus the pass/fail counts written to the file named by
 * LX_WTR_RESULTS so `npm test` can add them to its one summary line. A test file that fails
 * to load counts as one failure, so a broken file can never look like a green run.
 */
export function countingReporter() {
  const counter = {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.failed += 1;
      }
      const file = process.env.LX_WTR_RESULTS;
      if (file) fs.writeFileSync(file, JSON.stringify(totals));
    },
  };
  return [defaultReporter(), counter];
}
