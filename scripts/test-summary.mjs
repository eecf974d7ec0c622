// Prints the plain closing line CI reads ("tests: N passed, N failed, N skipped") from vitest's JSON report.
import { readFileSync, existsSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('tests: 0 passed, 1 failed');
  console.error(`no vitest report at ${file}`);
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const failedSuites = (r.testResults ?? []).filter((t) => t.status === 'failed' && t.assertionResults?.length === 0).length;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed, ${skipped} skipped`);
process.exit(r.numFailedTests + failedSuites > 0 || r.numPassedTests === 0 ? 1 : 0);
