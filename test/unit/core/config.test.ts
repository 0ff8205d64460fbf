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
