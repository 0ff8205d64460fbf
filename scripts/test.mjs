// `npm test`: every test, from a fresh clone. Installs what is missing (npm packages; for the
// end-to-end suite, Debian packages when root and code-server), type- and format-checks, builds
// and packages the .vsix, then runs the unit, integration and end-to-end suites and ends with one
// summary line. `npm test -- --no-e2e` leaves out the end-to-end suite (never in CI).
import { checkNode, ensureDependencies, run, runCapture } from './lib.mjs';

await checkNode();
ensureDependencies();
const e2e = !process.argv.includes('--no-e2e') || process.env.CI === 'true';
let codeServer;
if (e2e) {
  const { provisionCodeServerInBackground, provisionDebianPackages } = await import('./provision.mjs');
  provisionDebianPackages();
  // Minutes on a fresh machine (native modules build): it overlaps the checks and the first suites.
  codeServer = provisionCodeServerInBackground();
  codeServer.catch(() => {}); // awaited before the end-to-end suite
}
run('npm', ['run', '--silent', 'check']);
run('npm', ['run', '--silent', 'package']);

const suites = ['unit', 'integration', ...(e2e ? ['e2e'] : [])];
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite} tests ===`);
  const env = { ...process.env };
  if (suite === 'e2e') {
    try {
      env.CODE_SERVER_BIN = await codeServer;
    } catch (error) {
      console.error(error.message);
      failedSuites++;
      continue;
    }
  }
  const { code, output } = await runCapture(
    'npx',
    ['mocha', '--config', `test/.mocharc.${suite}.json`, '--reporter-option', `label=${suite}`],
    { env },
  );
  const summary = output.match(/(\d+) passed, (\d+) failed, (\d+) skipped/);
  if (!summary) failedSuites++;
  else {
    totals.passed += Number(summary[1]);
    totals.failed += Number(summary[2]);
    totals.skipped += Number(summary[3]);
  }
  if (code !== 0) failedSuites++;
}
if (e2e) console.log('\nScreenshots of the end-to-end steps: test-results/e2e/');
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites > 0 || totals.failed > 0 || totals.skipped > 0 || totals.passed === 0 ? 1 : 0);
