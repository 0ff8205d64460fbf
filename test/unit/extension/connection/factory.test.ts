import assert from 'node:assert/strict';
import { testSettings } from '../../../fixtures/settings';
import type { Settings } from '../../../../extension/common/settings';
import {
  runtimeSessionId,
  parseRuntimeArn,
  invocationUrlFor,
} from '../../../../extension/connection/agentcore-connection';
import { createConnection } from '../../../../extension/connection/factory';
import { invocationUrl } from '../../../../extension/connection/http-connection';

const base: Settings = testSettings();
const deps = { storageDir: '/tmp/ce-test', token: async () => 'tok' };
const ARN = 'arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/cloud_engineer-AbC123';

describe('connection factory', () => {
  it('builds each mode from the settings', () => {
    assert.equal(createConnection(base, deps).mode, 'local');
    assert.equal(createConnection({ ...base, profile: 'dev' }, deps).label, 'local · dev');
    assert.equal(
      createConnection({ ...base, mode: 'http', url: 'http://127.0.0.1:8080' }, deps).label,
      '127.0.0.1:8080',
    );
    assert.equal(
      createConnection({ ...base, mode: 'agentcore', runtimeArn: ARN }, deps).label,
      'AgentCore cloud_engineer-AbC123 (IAM)',
    );
    assert.equal(
      createConnection(
        { ...base, mode: 'agentcore', runtimeArn: ARN, userPoolId: 'eu-central-1_x', clientId: 'c' },
        deps,
      ).label,
      'AgentCore cloud_engineer-AbC123',
    );
  });

  it('says what is missing', () => {
    assert.throws(() => createConnection({ ...base, mode: 'http' }, deps), {
      name: 'ConnectionError',
      kind: 'not_configured',
      message: /cloudEngineer\.backend\.url/,
    });
    assert.throws(() => createConnection({ ...base, mode: 'agentcore' }, deps), {
      kind: 'not_configured',
      message: /runtimeArn/,
    });
    assert.throws(
      () => createConnection({ ...base, mode: 'agentcore', runtimeArn: 'arn:aws:lambda:x' }, deps),
      { kind: 'not_configured' },
    );
  });

  it('sends tokens over https only, except to loopback', () => {
    assert.equal(invocationUrl('http://127.0.0.1:8080').toString(), 'http://127.0.0.1:8080/invocations');
    assert.equal(
      invocationUrl('https://abc.lambda-url.us-east-1.on.aws/').toString(),
      'https://abc.lambda-url.us-east-1.on.aws/',
    );
    assert.equal(
      invocationUrl('https://agent.example.com/custom/path').toString(),
      'https://agent.example.com/custom/path',
    );
    assert.throws(() => invocationUrl('http://agent.example.com'), /must be https/);
    assert.throws(() => invocationUrl('not a url'), /not a URL/);
  });

  it('addresses an AgentCore runtime with a 33+ character session id per conversation', () => {
    const runtime = parseRuntimeArn(ARN);
    assert.equal(runtime.region, 'eu-central-1');
    assert.equal(
      invocationUrlFor(runtime),
      'https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aeu-central-1%3A123456789012%3Aruntime%2Fcloud_engineer-AbC123/invocations?qualifier=DEFAULT',
    );
    const conversation = runtimeSessionId('0b6c2a4e-1111-2222-3333-444455556666');
    assert.equal(
      conversation,
      runtimeSessionId('0b6c2a4e-1111-2222-3333-444455556666'),
      'stable: same microVM for the whole conversation',
    );
    assert.ok(conversation.length >= 33 && conversation.length <= 256);
    assert.ok(runtimeSessionId(undefined).length >= 33);
    assert.notEqual(runtimeSessionId(undefined), runtimeSessionId(undefined));
  });
});
