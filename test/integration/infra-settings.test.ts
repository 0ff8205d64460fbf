/** The CDK app's deploy-time settings (`-c` context): defaults, and what is refused. */
import assert from 'node:assert/strict';
import { isCallbackUrl, readInfraConfig } from '../../backend/infra/lib/config';

describe('infrastructure: deploy-time settings', () => {
  const read = (ctx: Record<string, unknown>) => readInfraConfig((name) => ctx[name]);

  it('takes a shape and defaults the rest', () => {
    const c = read({ shape: 'lambda' });
    assert.equal(c.shape, 'lambda');
    assert.equal(c.retentionDays, 365);
    assert.equal(c.toolsMode, 'approve-writes');
    assert.deepEqual(c.callbackUrls, []);
    assert.deepEqual(
      read({
        shape: 'agentcore',
        callbackUrls: 'cursor://cloud-engineer.cloud-engineer/auth, https://code.example.com/callback',
      }).callbackUrls,
      ['cursor://cloud-engineer.cloud-engineer/auth', 'https://code.example.com/callback'],
    );
  });

  it('refuses a missing or unknown shape, odd model ids, retention out of range and reserved domain prefixes', () => {
    for (const ctx of [
      {},
      { shape: 'ec2' },
      { shape: 'lambda', modelId: 'x"; curl evil #' },
      { shape: 'lambda', modelId: 'arn:aws:bedrock:us-east-1:1:inference-profile/../../x' },
      { shape: 'lambda', retentionDays: '0' },
      { shape: 'agentcore', retentionDays: '366' },
      { shape: 'lambda', retentionDays: 'NaN' },
      { shape: 'lambda', domainPrefix: 'my-aws-login' },
      { shape: 'lambda', domainPrefix: 'Upper_Case' },
      { shape: 'lambda', toolsMode: 'yolo' },
      { shape: 'lambda', alarmEmail: 'not-an-address' },
      { shape: 'lambda', lambdaTimeoutSeconds: '3600' },
    ])
      assert.throws(() => read(ctx), { name: 'InfraConfigError' }, JSON.stringify(ctx));
  });

  it('accepts only callback URLs that cannot run script or leave the machine in clear text', () => {
    for (const ok of [
      'https://example.com/cb',
      'http://localhost:8976/auth',
      'vscode-insiders://cloud-engineer.cloud-engineer/auth',
    ])
      assert.ok(isCallbackUrl(ok), ok);
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'http://example.com/cb',
      'http://127.0.0.1.evil.com/cb',
      'https://user:pass@example.com/cb',
      'https://example.com/cb#frag',
      'file:///etc/passwd',
      'not a url',
    ])
      assert.ok(!isCallbackUrl(bad), bad);
    assert.throws(
      () => read({ shape: 'lambda', callbackUrls: 'https://ok.example.com,javascript:alert(1)' }),
      {
        name: 'InfraConfigError',
      },
    );
  });
});
