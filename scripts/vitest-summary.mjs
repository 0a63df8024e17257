// Prints "N passed, N failed" from a vitest JSON report; exits 1 when the report is missing or unreadable.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.ci/out/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`vitest-summary: cannot read ${file}: ${error.message}`);
  process.exit(1);
}
const passed = Number(report.numPassedTests ?? 0);
// Suites that fail to load hold no tests but are failures all the same.
const brokenSuites = (report.testResults ?? []).filter(
  (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
).length;
const failed = Number(report.numFailedTests ?? 0) + brokenSuites;
console.log(`${passed} passed, ${failed} failed`);
