/**
 * The built bundles load as their hosts load them. A bundler can order module initialization
 * differently from the sources (a dependency imported lazily defers what it shares), so the
 * extension's AWS half, the server and the Lambda handler are each loaded in a fresh process.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { OpenAIFake } from '../fakes/openai';

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

  it("the AWS half carries every provider's SDK and no native module; activation carries none", () => {
    const inputs = (name: string) =>
      Object.keys(JSON.parse(readFileSync(resolve(ROOT, `dist/meta/${name}.json`), 'utf8')).inputs as object);
    const aws = inputs('aws');
    const extension = inputs('extension');
    for (const sdk of [
      'node_modules/@anthropic-ai/sdk/',
      'node_modules/openai/',
      'node_modules/@google/genai/',
    ]) {
      assert.ok(
        aws.some((i) => i.includes(sdk)),
        `${sdk} in dist/aws.js`,
      );
      assert.ok(!extension.some((i) => i.includes(sdk)), `${sdk} not in dist/extension.js`);
    }
    assert.deepEqual(
      [...aws, ...extension].filter((i) => i.endsWith('.node')),
      [],
    );
  });

  it("the AWS half lists an OpenAI-compatible server's models through the bundled SDK", async () => {
    const fake = await new OpenAIFake().start();
    try {
      fake.models = ['qwen2.5-coder:14b'];
      const script = `const m = require('./dist/aws.js');
        m.createModel('openai', { modelId: 'x', baseUrl: process.env.BASE, apiKey: { get: async () => undefined, refresh: async () => undefined }, region: 'us-east-1' })
          .listModels(AbortSignal.timeout(5000)).then((l) => console.log(l.map((x) => x.id).join(',')))`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, BASE: `${fake.url}/v1` },
        encoding: 'utf8',
      });
      assert.equal(stdout.trim(), 'qwen2.5-coder:14b');
    } finally {
      await fake.stop();
    }
  });

  it('the Lambda handler module loads outside Lambda without building a handler', () => {
    const out = load("import('./backend/dist/lambda/index.js').then((m) => console.log(typeof m.handler))");
    assert.equal(out.trim(), 'undefined');
  });
});
