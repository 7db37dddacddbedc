// `pnpm test`: every vitest project (unit, integration, e2e) against a real broker, then one
// closing line `N passed, N failed` that CI reads. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const report = join(root, '.adtrace', 'test-report.json');
mkdirSync(join(root, '.adtrace'), { recursive: true });
rmSync(report, { force: true });

const vitest = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

let summary: JsonReport | undefined;
try {
  summary = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
} catch {
  summary = undefined;
}
if (!summary) {
  console.log('0 passed, 1 failed (vitest wrote no report)');
  process.exitCode = vitest.status || 1;
} else {
  const skipped = summary.numPendingTests + summary.numTodoTests;
  // A run that failed outside any test (a broken file, a setup error) still counts as a failure.
  const failed = summary.numFailedTests || (vitest.status === 0 ? 0 : 1);
  console.log(`${summary.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = vitest.status ?? 1;
  if (summary.numTotalTests === 0) {
    console.log('no test ran');
    process.exitCode = 1;
  }
}
