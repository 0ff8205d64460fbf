// `npm test`: every test, from a fresh clone. Installs what is missing, type-checks and
// format-checks, builds, then runs the unit and integration suites, and ends with one summary line.
import { checkNode, ensureDependencies, run, runCapture } from './lib.mjs';

checkNode();
ensureDependencies();
run('npm', ['run', '--silent', 'check']);
run(process.execPath, ['esbuild.mjs']);

const suites = ['unit', 'integration'];
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite} tests ===`);
  const { code, output } = await runCapture('npx', [
    'mocha',
    '--config',
    `test/.mocharc.${suite}.json`,
    '--reporter-option',
    `label=${suite}`,
  ]);
  const summary = output.match(/(\d+) passed, (\d+) failed, (\d+) skipped/);
  if (!summary) failedSuites++;
  else {
    totals.passed += Number(summary[1]);
    totals.failed += Number(summary[2]);
    totals.skipped += Number(summary[3]);
  }
  if (code !== 0) failedSuites++;
}
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites > 0 || totals.failed > 0 || totals.skipped > 0 || totals.passed === 0 ? 1 : 0);
