/**
 * The built bundles load as their hosts load them. A bundler can order module initialization
 * differently from the sources (a dependency imported lazily defers what it shares), so the
 * extension's AWS half, the server and the Lambda handler are each loaded in a fresh process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const load = (script: string, env: Record<string, string> = {}) =>
  execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, AWS_NODEJS_SUPPRESS_VERSION_WARNING: '1', ...env },
    encoding: 'utf8',
  });

describe('bundles', () => {
  it("the extension's AWS half loads and exports the local backend", () => {
    const out = load(
      "const m = require('./dist/aws.js'); console.log(typeof m.createBackend, typeof m.loadConfig)",
    );
    assert.equal(out.trim(), 'function function');
  });

  it('the Lambda handler module loads outside Lambda without building a handler', () => {
    const out = load("import('./backend/dist/lambda/index.js').then((m) => console.log(typeof m.handler))");
    assert.equal(out.trim(), 'undefined');
  });
});
