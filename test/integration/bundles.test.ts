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
import { PROVIDER_IDS } from '../../backend/src/core/model/registry';
import { OpenAIFake } from '../fakes/openai';

const ROOT = resolve(__dirname, '../..');
const SDKS = [
  'node_modules/@anthropic-ai/sdk/',
  'node_modules/openai/',
  'node_modules/@google/genai/',
  'node_modules/@aws-sdk/client-bedrock-runtime/',
];
const meta = (name: string) =>
  JSON.parse(readFileSync(resolve(ROOT, `dist/meta/${name}.json`), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<
      string,
      { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }
    >;
  };
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
    const aws = Object.keys(meta('aws').inputs);
    const extension = Object.keys(meta('extension').inputs);
    for (const sdk of SDKS.slice(0, 3)) {
      assert.ok(
        aws.some((i) => i.includes(sdk)),
        `${sdk} in dist/aws.js`,
      );
      assert.ok(!extension.some((i) => i.includes(sdk)), `${sdk} not in dist/extension.js`);
    }
    // Activation reads the providers' registry, never an adapter.
    assert.ok(extension.includes('backend/src/core/model/registry.ts'));
    assert.deepEqual(
      extension.filter((i) => i.includes('core/model/adapters/')),
      [],
    );
    assert.deepEqual(
      [...aws, ...extension].filter((i) => i.endsWith('.node')),
      [],
    );
  });

  for (const [host, entry] of [
    ['server', 'backend/dist/server.js'],
    ['lambda', 'backend/dist/lambda/index.js'],
  ] as const) {
    it(`the ${host} starts without any model SDK: each provider's adapter is a chunk loaded on first use`, () => {
      const { outputs } = meta(host);
      // What loading the entry loads: its static imports, transitively.
      const started = new Set<string>([entry]);
      for (const file of started)
        for (const i of outputs[file]!.imports)
          if (i.kind === 'import-statement' && outputs[i.path]) started.add(i.path);
      const inputs = [...started].flatMap((file) => Object.keys(outputs[file]!.inputs));
      assert.deepEqual(
        inputs.filter((i) => SDKS.some((sdk) => i.includes(sdk)) || i.includes('core/model/adapters/')),
        [],
      );
      const lazy = new Set(
        [...started].flatMap((file) =>
          outputs[file]!.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
        ),
      );
      for (const id of PROVIDER_IDS) {
        const chunk = Object.entries(outputs).find(
          ([, o]) => o.entryPoint === `backend/src/core/model/adapters/${id}.ts`,
        );
        assert.ok(chunk && lazy.has(chunk[0]), `adapters/${id}.ts is its own chunk, imported lazily`);
      }
    });
  }

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
