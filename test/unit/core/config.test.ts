import assert from 'node:assert/strict';
import { DEFAULT_MODEL_ID, loadConfig } from '../../../backend/src/core/config';
import { toErrorResponse, NotFoundError, ThrottledError } from '../../../backend/src/core/errors';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({ AUTH_MODE: 'none' });
    assert.deepEqual(
      [c.port, c.host, c.modelId, c.memory.store, c.memory.dir, c.toolsMode, c.guardrail],
      [8080, '127.0.0.1', DEFAULT_MODEL_ID, 'file', './.data/memory', 'approve-writes', undefined],
    );
  });

  it('treats empty strings as unset and derives the Bedrock region', () => {
    const c = loadConfig({ AUTH_MODE: 'none', PORT: '', AWS_REGION: 'eu-west-1', BEDROCK_ENDPOINT: '' });
    assert.equal(c.port, 8080);
    assert.deepEqual(c.bedrock, { region: 'eu-west-1', endpoint: undefined });
  });

  it('names the variable that is wrong', () => {
    assert.throws(() => loadConfig({ AUTH_MODE: 'none', TOOLS_MODE: 'yolo' }), /TOOLS_MODE/);
    assert.throws(() => loadConfig({ AUTH_MODE: 'none', PORT: 'abc' }), /PORT/);
    assert.throws(() => loadConfig({}), /COGNITO_USER_POOL_ID is required/);
  });

  it('configures a Bedrock guardrail when GUARDRAIL_ID is set', () => {
    const c = loadConfig({ AUTH_MODE: 'none', GUARDRAIL_ID: 'gr-1' });
    assert.deepEqual(c.guardrail, { identifier: 'gr-1', version: 'DRAFT', streamProcessingMode: 'sync' });
  });
});

describe('toErrorResponse', () => {
  it('maps typed errors to the contract status and body', () => {
    assert.deepEqual(toErrorResponse(new NotFoundError('no session x')), {
      status: 404,
      body: { error: { code: 'not_found', message: 'no session x' } },
      headers: {},
    });
    assert.deepEqual(toErrorResponse(new ThrottledError('slow down')).headers, { 'retry-after': '5' });
  });

  it('hides everything about an unknown error', () => {
    const leaked = toErrorResponse(new Error('password=hunter2 at /srv/app.js:10'));
    assert.deepEqual(leaked, {
      status: 500,
      body: { error: { code: 'internal', message: 'internal error' } },
      headers: {},
    });
  });
});

describe('loadConfig: the model edge and who may do what', () => {
  const base = { AUTH_MODE: 'none' };

  it('defaults to Bedrock and takes each provider’s default model', () => {
    assert.equal(loadConfig(base).model.provider, 'bedrock');
    const anthropic = loadConfig({ ...base, MODEL_PROVIDER: 'anthropic', MODEL_API_KEY: 'sk-ant-x' });
    assert.equal(anthropic.modelId, 'claude-sonnet-4-5');
    assert.equal(
      loadConfig({ ...base, MODEL_PROVIDER: 'gemini', MODEL_API_KEY: 'k' }).modelId,
      'gemini-2.5-flash',
    );
  });

  it('fails at start when the provider needs a key and none is configured, naming where to put it', () => {
    for (const provider of ['anthropic', 'openai', 'gemini'])
      assert.throws(
        () => loadConfig({ ...base, MODEL_PROVIDER: provider }),
        /needs an API key .*MODEL_API_KEY_SECRET .*MODEL_API_KEY/,
        provider,
      );
    assert.equal(
      loadConfig({ ...base, MODEL_PROVIDER: 'openai', MODEL_API_KEY_SECRET: 'cloud-engineer/openai' }).model
        .apiKeySecret,
      'cloud-engineer/openai',
    );
  });

  it('needs no key for a loopback OpenAI-compatible server, but a model id', () => {
    const ollama = { ...base, MODEL_PROVIDER: 'openai', MODEL_BASE_URL: 'http://127.0.0.1:11434/v1' };
    assert.throws(() => loadConfig(ollama), /MODEL_ID is required/);
    assert.equal(loadConfig({ ...ollama, MODEL_ID: 'llama3.1' }).modelId, 'llama3.1');
    // A server elsewhere is not on this machine: it needs a key.
    assert.throws(
      () =>
        loadConfig({
          ...base,
          MODEL_PROVIDER: 'openai',
          MODEL_BASE_URL: 'http://10.0.0.5:8000/v1',
          MODEL_ID: 'm',
        }),
      /needs an API key/,
    );
    assert.throws(() => loadConfig({ ...base, MODEL_BASE_URL: 'file:///etc/passwd' }), /MODEL_BASE_URL/);
  });

  it('reads the budgets and the groups exactly as written', () => {
    const c = loadConfig({
      ...base,
      CONTEXT_TOKENS: '16000',
      USER_DAILY_TOKENS: '250000',
      ALLOWED_GROUPS: ' engineers, ,Approvers ',
      APPROVER_GROUPS: 'Approvers',
    });
    assert.equal(c.model.contextTokens, 16_000);
    assert.equal(c.userDailyTokens, 250_000);
    assert.deepEqual(c.groups, { allowed: ['engineers', 'Approvers'], approvers: ['Approvers'] });
    assert.deepEqual(loadConfig(base).groups, { allowed: undefined, approvers: undefined });
    assert.equal(loadConfig(base).userDailyTokens, 0);
    assert.throws(() => loadConfig({ ...base, CONTEXT_TOKENS: '100' }), /CONTEXT_TOKENS/);
    assert.throws(() => loadConfig({ ...base, USER_DAILY_TOKENS: '-1' }), /USER_DAILY_TOKENS/);
  });

  it('takes only an IAM role ARN as TOOLS_ROLE_ARN', () => {
    const arn = 'arn:aws:iam::123456789012:role/cloud-engineer/tools';
    assert.equal(loadConfig({ ...base, TOOLS_ROLE_ARN: arn }).toolsRoleArn, arn);
    for (const bad of ['arn:aws:iam::123456789012:user/alice', 'role/tools', 'arn:aws:iam::1:role/x'])
      assert.throws(() => loadConfig({ ...base, TOOLS_ROLE_ARN: bad }), /TOOLS_ROLE_ARN/, bad);
  });
});
