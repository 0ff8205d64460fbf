import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../backend/src/core/config';
import {
  InvalidRequestError,
  MethodNotAllowedError,
  QuotaExceededError,
  ServiceError,
  ThrottledError,
  toErrorResponse,
  UnavailableError,
} from '../../../backend/src/core/errors';
import { GuardrailCheckError } from '../../../backend/src/core/guardrails/bedrock-guardrail';
import { McpResponseTooLargeError } from '../../../backend/src/core/mcp/capped-fetch';
import { McpUnavailableError } from '../../../backend/src/core/mcp/connection';
import { ConditionFailedError } from '../../../backend/src/core/memory/dynamodb/client';
import { ModelError } from '../../../backend/src/core/model/errors';
import { SecretKeyError } from '../../../backend/src/core/model/secret-key';
import { ToolError } from '../../../backend/src/core/tools/types';
import {
  CloudEngineerError,
  ERROR_STATUS,
  FAILURE_CODES,
  failureStatus,
  isRetryable,
  SseProtocolError,
} from '../../../backend/src/protocol';

describe('failures: one code decides status and retryability', () => {
  it('gives every code a status, the contract’s own for the HTTP codes', () => {
    for (const code of FAILURE_CODES) {
      const status = failureStatus(code);
      assert.ok(Number.isInteger(status) && status >= 400 && status < 600, `${code}: ${status}`);
    }
    for (const [code, status] of Object.entries(ERROR_STATUS))
      assert.equal(failureStatus(code as keyof typeof ERROR_STATUS), status);
  });

  it('retries what may pass, never a refusal that would come back the same', () => {
    assert.deepEqual(
      FAILURE_CODES.filter(isRetryable),
      ['throttled', 'internal', 'unavailable', 'unreachable'],
      'the extension’s Retry offers the same set (error-codes.test.ts)',
    );
  });

  it('reads both off the code for every error that leaves its module', () => {
    const errors: CloudEngineerError[] = [
      new InvalidRequestError('x'),
      new ThrottledError('x'),
      new QuotaExceededError('x', 60),
      new UnavailableError('x'),
      new MethodNotAllowedError('POST'),
      new ServiceError('internal', 'x'),
      new ModelError('throttled', 'bedrock', 'x'),
      new ModelError('internal', 'openai', 'x'),
      new ModelError('auth', 'anthropic', 'x'),
      new ModelError('auth', 'bedrock', 'x'),
      new ModelError('context_too_long', 'gemini', 'x'),
      new SseProtocolError('x'),
      new SecretKeyError('x'),
      new ConfigError('x'),
      new GuardrailCheckError('x'),
      new ToolError('x'),
      new ToolError('x', { code: 'unavailable' }),
      new McpResponseTooLargeError('x'),
      new McpUnavailableError('x'),
      new ConditionFailedError(),
    ];
    for (const error of errors) {
      assert.ok(error instanceof CloudEngineerError && error instanceof Error, error.name);
      assert.ok(FAILURE_CODES.includes(error.code), `${error.name}: ${error.code}`);
      assert.equal(error.status, failureStatus(error.code), error.name);
      assert.equal(error.retryable, isRetryable(error.code), error.name);
      assert.match(error.name, /Error$/);
    }
    // An unexpected model failure and a host's 500 are the same code, read the same way.
    assert.equal(
      new ModelError('internal', 'bedrock', 'x').retryable,
      new ServiceError('internal', 'x').retryable,
    );
    assert.equal(new ModelError('auth', 'bedrock', 'x').code, 'aws_credentials');
    assert.equal(new ModelError('auth', 'openai', 'x').code, 'model_auth');
  });

  it('has no error class outside the base, and every class named …Error', () => {
    const root = join(__dirname, '../../../backend/src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/class (\w+)(?:<[^>]*>)? extends (\w+)/g)) {
        const [, name, base] = m;
        if (base === 'Error' && name !== 'CloudEngineerError')
          found.push(`${file}: ${name} extends bare Error`);
        else if (/Error$/.test(base!) && !/Error$/.test(name!))
          found.push(`${file}: ${name} is not named …Error`);
      }
    }
    assert.deepEqual(found, [], 'only CloudEngineerError itself extends Error');
  });
});

describe('toErrorResponse: the one mapping both hosts answer with', () => {
  it('answers a request error with its status, code, message and headers', () => {
    assert.deepEqual(toErrorResponse(new QuotaExceededError('spent', 3600)), {
      status: 429,
      body: { error: { code: 'quota_exceeded', message: 'spent' } },
      headers: { 'retry-after': '3600' },
    });
    assert.deepEqual(toErrorResponse(new MethodNotAllowedError('GET')), {
      status: 405,
      body: { error: { code: 'method_not_allowed', message: 'use GET' } },
      headers: { allow: 'GET' },
    });
  });

  it('never lets any other error’s message out: a bare 500', () => {
    const secret = 'sk-live-abcdef0123456789 at /srv/app/file.ts:12';
    for (const error of [
      new Error(secret),
      new ModelError('auth', 'openai', secret),
      new ConfigError(secret),
      new ToolError(secret),
      { message: secret },
      secret,
    ]) {
      const response = toErrorResponse(error);
      assert.equal(response.status, 500);
      assert.deepEqual(response.body, { error: { code: 'internal', message: 'internal error' } });
      assert.ok(!JSON.stringify(response).includes('sk-live'));
    }
  });
});
