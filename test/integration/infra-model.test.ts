/**
 * The model provider chosen at deploy time (`-c modelProvider=…` and friends), read from the
 * synthesized templates: what both hosts are told, which Bedrock permissions exist, and that the
 * key's secret is granted alone and the key itself never lands in the template.
 */
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { readInfraConfig } from '../../backend/infra/lib/config';
import { SHAPES, type Shape } from '../../backend/infra/lib/outputs';
import {
  actionsOf,
  hostRoleId,
  identityStatements,
  resourcesOf,
  roleStatements,
  synth,
  toolsRoleId,
  type Synthesized,
} from './infra-synth';

const TIMEOUT = 180_000;
const ANTHROPIC = { modelProvider: 'anthropic', modelApiKeySecret: 'prod/anthropic-key' };
const OWN_SERVER = {
  modelProvider: 'openai',
  modelBaseUrl: 'https://llm.internal.example.com/v1',
  modelId: 'meta-llama/Llama-3.1-8B-Instruct',
};

const allActions = (s: Synthesized) =>
  identityStatements(s)
    .filter(({ statement }) => statement.Effect === 'Allow')
    .flatMap(({ statement }) => actionsOf(statement));
const secretStatements = (s: Synthesized) =>
  identityStatements(s).filter(({ statement }) =>
    actionsOf(statement).some((a) => a.startsWith('secretsmanager:')),
  );

/** The host's environment, as the resource's own property path renders it. */
function hasEnv(s: Synthesized, shape: Shape, vars: Record<string, unknown>) {
  if (shape === 'lambda')
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike(vars) },
    });
  else
    s.template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      EnvironmentVariables: Match.objectLike(vars),
    });
}

/** No variable in any resource is called MODEL_API_KEY: the hosts refuse it, and it would leak. */
function assertNoInlineKey(s: Synthesized) {
  const text = JSON.stringify(s.json);
  assert.doesNotMatch(text, /"MODEL_API_KEY"/);
  for (const r of Object.values(s.json.Resources)) {
    const vars = r.Properties?.Environment?.Variables ?? r.Properties?.EnvironmentVariables ?? {};
    assert.ok(!('MODEL_API_KEY' in vars));
  }
}

for (const shape of SHAPES) {
  describe(`infrastructure: model provider (${shape} shape)`, function () {
    this.timeout(TIMEOUT);

    it('defaults to Bedrock: MODEL_PROVIDER=bedrock, the default model, no key, no secret access', () => {
      const s = synth(shape);
      hasEnv(s, shape, {
        MODEL_PROVIDER: 'bedrock',
        MODEL_ID: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        MODEL_BASE_URL: Match.absent(),
        MODEL_API_KEY_SECRET: Match.absent(),
        CONTEXT_TOKENS: Match.absent(),
        USER_DAILY_TOKENS: Match.absent(),
      });
      assert.deepEqual(secretStatements(s), []);
      assert.ok(allActions(s).includes('bedrock:InvokeModelWithResponseStream'));
      assertNoInlineKey(s);
    });

    it('anthropic: passes the provider and secret name, grants that one secret, and no Bedrock invoke at all', () => {
      const s = synth(shape, ANTHROPIC);
      hasEnv(s, shape, {
        MODEL_PROVIDER: 'anthropic',
        MODEL_API_KEY_SECRET: 'prod/anthropic-key',
        // The backend's per-provider default; a Bedrock id would be wrong here.
        MODEL_ID: Match.absent(),
      });
      const actions = allActions(s);
      assert.ok(!actions.some((a) => /^bedrock:Invoke/.test(a)), 'no bedrock:InvokeModel*');
      assert.doesNotMatch(JSON.stringify(s.json), /inference-profile|foundation-model/);
      // The guardrail runs whichever provider answers.
      const guard = identityStatements(s).filter(({ statement }) =>
        actionsOf(statement).includes('bedrock:ApplyGuardrail'),
      );
      assert.equal(guard.length, 1);
      assert.deepEqual(guard[0]!.statement.Resource, {
        'Fn::GetAtt': [resourcesOf(s, 'AWS::Bedrock::Guardrail')[0]!.id, 'GuardrailArn'],
      });
      assertNoInlineKey(s);
    });

    it("grants GetSecretValue on exactly the named secret (its `-??????` suffix), to the host's role only", () => {
      const s = synth(shape, ANTHROPIC);
      const grants = secretStatements(s);
      assert.equal(grants.length, 1);
      const { statement } = grants[0]!;
      assert.equal(statement.Effect, 'Allow');
      assert.deepEqual([...actionsOf(statement)].sort(), [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      assert.deepEqual(statement.Resource, {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':secret:prod/anthropic-key-??????',
          ],
        ],
      });
      assert.ok(roleStatements(s, hostRoleId(s)).includes(statement), "on the host's role");
      assert.ok(
        !roleStatements(s, toolsRoleId(s)).some((st) =>
          actionsOf(st).some((a) => a.startsWith('secretsmanager:')),
        ),
        'the tools never read the key',
      );
    });

    it('passes a model id, base URL, context budget and daily token budget as given', () => {
      const s = synth(shape, { ...OWN_SERVER, contextTokens: '120000', userDailyTokens: '500000' });
      hasEnv(s, shape, {
        MODEL_PROVIDER: 'openai',
        MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
        MODEL_BASE_URL: 'https://llm.internal.example.com/v1',
        CONTEXT_TOKENS: '120000',
        USER_DAILY_TOKENS: '500000',
        MODEL_API_KEY_SECRET: Match.absent(),
      });
      // An OpenAI-compatible server of one's own may take no key: then no secret is granted.
      assert.deepEqual(secretStatements(s), []);
      assert.ok(!allActions(s).some((a) => /^bedrock:Invoke/.test(a)));
      assertNoInlineKey(s);
    });
  });
}

describe('infrastructure: model provider secrets by ARN', function () {
  this.timeout(TIMEOUT);
  const complete = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gemini/key-AbC123';
  const partial = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gemini/key';

  it('a complete ARN is granted as is, and passed as MODEL_API_KEY_SECRET', () => {
    const s = synth('lambda', {
      modelProvider: 'gemini',
      modelApiKeySecret: complete,
      modelId: 'gemini-2.5-pro',
    });
    const grants = secretStatements(s);
    assert.equal(grants.length, 1);
    assert.equal(grants[0]!.statement.Resource, complete);
    hasEnv(s, 'lambda', {
      MODEL_PROVIDER: 'gemini',
      MODEL_ID: 'gemini-2.5-pro',
      MODEL_API_KEY_SECRET: complete,
    });
    assertNoInlineKey(s);
  });

  it('a partial ARN (no suffix) is granted with the `-??????` suffix only', () => {
    const s = synth('agentcore', { modelProvider: 'gemini', modelApiKeySecret: partial });
    const grants = secretStatements(s);
    assert.equal(grants.length, 1);
    assert.equal(grants[0]!.statement.Resource, `${partial}-??????`);
  });
});

describe('infrastructure: model provider settings refused', () => {
  const read = (ctx: Record<string, unknown>) => readInfraConfig((name) => ctx[name]);
  const refuses = (ctx: Record<string, unknown>, message?: RegExp) =>
    assert.throws(
      () => read({ shape: 'lambda', ...ctx }),
      (e: Error) => e.name === 'InfraConfigError' && (!message || message.test(e.message)),
      JSON.stringify(ctx).slice(0, 200),
    );

  it('fails synthesis for a provider that needs a key and has no modelApiKeySecret, saying what to pass', function () {
    this.timeout(TIMEOUT);
    for (const modelProvider of ['anthropic', 'gemini'])
      assert.throws(
        () => synth('lambda', { modelProvider }),
        /modelApiKeySecret.*needs an API key.*Secrets Manager/,
      );
    // OpenAI's own endpoint needs a key too; only a base URL of one's own may go without.
    refuses({ modelProvider: 'openai' }, /modelApiKeySecret/);
    assert.equal(read({ shape: 'lambda', ...OWN_SERVER }).modelApiKeySecret, undefined);
  });

  it('needs a model id for a server of its own, and keeps Bedrock-only and other-only settings apart', () => {
    refuses({ modelProvider: 'openai', modelBaseUrl: 'https://llm.example.com/v1' }, /modelId: required/);
    refuses({ modelBaseUrl: 'https://bedrock-proxy.example.com' }, /modelBaseUrl/);
    refuses({ modelApiKeySecret: 'prod/key' }, /modelApiKeySecret/);
    refuses({ modelProvider: 'azure' }, /modelProvider must be one of/);
    refuses({ modelProvider: 'Anthropic', modelApiKeySecret: 'x' });
  });

  it('refuses a key pasted where the secret name belongs, without echoing it', () => {
    for (const key of [
      'sk-ant-api03-AbCdEf0123456789',
      'sk-proj-AbCdEf0123456789',
      'AIzaSyAbCdEf0123456789',
    ]) {
      let message = '';
      try {
        read({ shape: 'lambda', modelProvider: 'anthropic', modelApiKeySecret: key });
      } catch (e) {
        message = (e as Error).message;
      }
      assert.match(message, /looks like a key itself/);
      assert.ok(!message.includes(key.slice(4)), 'the key is not repeated in the error');
    }
  });

  it('refuses base URLs that are not https, carry credentials or a fragment', () => {
    for (const modelBaseUrl of [
      'http://llm.example.com/v1',
      'https://user:sk-secret@llm.example.com/v1',
      'https://:sk-secret@llm.example.com/v1',
      'https://llm.example.com/v1#x',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
      `https://${'a'.repeat(3000)}.example.com`,
    ])
      refuses({ modelProvider: 'openai', modelId: 'm', modelBaseUrl });
  });

  it('refuses odd model ids, secret names and token budgets, however they are dressed', () => {
    for (const modelId of ['x"; curl evil #', 'gpt 4', 'gpt-4\n', '../../etc', 'a'.repeat(300), '$(id)', ''])
      if (modelId) refuses({ ...ANTHROPIC, modelId });
    // Bedrock ids end up in ARNs: no slash there.
    refuses({ modelId: 'us.anthropic/../x' });
    for (const modelApiKeySecret of ['has space', 'a'.repeat(600), 'semi;colon', 'arn:aws:s3:::bucket/key'])
      refuses({ modelProvider: 'anthropic', modelApiKeySecret });
    for (const contextTokens of ['0', '1999', '-5', '1e12', 'abc', '12.5']) refuses({ contextTokens });
    for (const userDailyTokens of ['-1', 'abc', '1.5']) refuses({ userDailyTokens });
    assert.equal(read({ shape: 'lambda', userDailyTokens: '0' }).userDailyTokens, 0);
    assert.equal(read({ shape: 'lambda', contextTokens: 2000 }).contextTokens, 2000);
  });
});
