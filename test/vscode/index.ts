// The entry @vscode/test-electron loads in the extension host: runs test/vscode with mocha (tdd).
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 60_000 });
  mocha.suite.emit('pre-require', globalThis, 'extension.test.js', mocha);
  require('./extension.test');
  return new Promise((resolve, reject) =>
    mocha.run((failures) => (failures ? reject(new Error(`${failures} failed`)) : resolve())),
  );
}
