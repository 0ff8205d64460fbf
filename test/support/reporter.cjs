// Mocha's spec reporter plus one closing line in the plain form CI reads: "N passed, N failed, N skipped".
const { reporters } = require('mocha');

class SpecWithSummary extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      process.stdout.write(
        `${options?.reporterOption?.label ?? 'tests'}: ${passes} passed, ${failures} failed, ${pending} skipped\n`,
      );
    });
  }
}
module.exports = SpecWithSummary;
