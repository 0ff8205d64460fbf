import assert from 'node:assert/strict';
import {
  DEPLOYMENT_OUTPUT_KEYS as K,
  parseDeploymentOutputs,
  settingsFor,
} from '../../../../extension/deployment/outputs';

const RUNTIME = 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/cloud_engineer-AbC123';
const agentcore = {
  [K.mode]: 'agentcore',
  [K.runtimeArn]: RUNTIME,
  [K.region]: 'eu-west-1',
  [K.userPoolId]: 'eu-west-1_AbCdEf123',
  [K.clientId]: '1example23456789abcdef',
  [K.domain]: 'cloud-engineer-123.auth.eu-west-1.amazoncognito.com',
};
const lambda = {
  [K.mode]: 'http',
  [K.url]: 'https://abc123.lambda-url.eu-west-1.on.aws/',
  [K.region]: 'eu-west-1',
  [K.userPoolId]: 'eu-west-1_ZyXwV987',
  [K.clientId]: '2example',
};
const file = (stacks: Record<string, unknown>) => JSON.stringify(stacks);

describe('Connect to Deployment: the CDK outputs file', () => {
  it('finds the deployment whatever the stack is called, next to unrelated stacks', () => {
    const [d, ...rest] = parseDeploymentOutputs(
      file({ SomeOtherStack: { BucketName: 'b' }, 'team-a-agent': agentcore }),
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(d, {
      stackName: 'team-a-agent',
      mode: 'agentcore',
      runtimeArn: RUNTIME,
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientId: '1example23456789abcdef',
      domain: 'cloud-engineer-123.auth.eu-west-1.amazoncognito.com',
    });
  });

  it('maps each shape to every connection setting, clearing what the deployment does not set', () => {
    const [a, l] = parseDeploymentOutputs(file({ A: agentcore, L: lambda }));
    assert.deepEqual(Object.fromEntries(settingsFor(a!)), {
      mode: 'agentcore',
      url: '',
      runtimeArn: RUNTIME,
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientId: '1example23456789abcdef',
      domain: 'cloud-engineer-123.auth.eu-west-1.amazoncognito.com',
      identityProvider: '',
    });
    assert.deepEqual(Object.fromEntries(settingsFor(l!)), {
      mode: 'http',
      url: 'https://abc123.lambda-url.eu-west-1.on.aws/',
      runtimeArn: '',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_ZyXwV987',
      clientId: '2example',
      domain: '',
      identityProvider: '',
    });
  });

  it('sends sign-in straight to the one company identity provider the deployment names', () => {
    const [d] = parseDeploymentOutputs(file({ A: { ...agentcore, [K.identityProvider]: ' CompanySSO ' } }));
    assert.equal(d!.identityProvider, 'CompanySSO');
    assert.equal(Object.fromEntries(settingsFor(d!)).identityProvider, 'CompanySSO');
    // Unicode names are Cognito's to allow.
    const [u] = parseDeploymentOutputs(file({ A: { ...agentcore, [K.identityProvider]: 'Sociedad-Ñ' } }));
    assert.equal(u!.identityProvider, 'Sociedad-Ñ');
  });

  it('refuses an identity provider name that could change the sign-in URL or hide text', () => {
    for (const name of [
      'Okta&redirect_uri=https://evil.example.com',
      '&redirect_uri=x',
      'Ok\nta',
      'Ok\r\nLocation: x',
      'Company SSO',
      'Okta\u202e',
      'Ok\u200bta',
      'Company_SSO',
      '_Okta',
      'x'.repeat(33),
      'ab',
      'Okta#frag',
      'Okta%0a',
    ]) {
      assert.throws(
        () => parseDeploymentOutputs(file({ S: { ...agentcore, [K.identityProvider]: name } })),
        /not usable: S: IdentityProviderName/,
        JSON.stringify(name),
      );
    }
    assert.throws(
      () =>
        parseDeploymentOutputs(
          file({ S: { ...agentcore, [K.domain]: undefined, [K.identityProvider]: 'CompanySSO' } }),
        ),
      /IdentityProviderName needs CognitoDomain/,
    );
  });

  it('accepts the hosted UI domain with a scheme and keeps the host name', () => {
    const [d] = parseDeploymentOutputs(
      file({ A: { ...agentcore, [K.domain]: 'https://Login.Example.com/' } }),
    );
    assert.equal(d!.domain, 'login.example.com');
  });

  it('refuses files that are not outputs files, saying why', () => {
    assert.throws(() => parseDeploymentOutputs('not json'), {
      name: 'DeploymentOutputsError',
      message: /not JSON/,
    });
    assert.throws(() => parseDeploymentOutputs('[1,2]'), /not a CDK outputs file/);
    assert.throws(() => parseDeploymentOutputs('"text"'), /not a CDK outputs file/);
    assert.throws(
      () => parseDeploymentOutputs(file({ Other: { BucketName: 'b' } })),
      /No stack in this file/,
    );
    assert.throws(() => parseDeploymentOutputs(' '.repeat(1024 * 1024 + 1)), /too large/);
  });

  it('never points the extension’s token at an unsafe address or a mismatched pool', () => {
    const refused: Record<string, unknown>[] = [
      { ...lambda, [K.url]: 'http://evil.example.com/' },
      { ...lambda, [K.url]: 'https://user:pw@abc.lambda-url.eu-west-1.on.aws/' },
      { ...lambda, [K.url]: 'javascript:alert(1)' },
      { ...lambda, [K.url]: undefined },
      { ...lambda, [K.mode]: 'local' },
      { ...agentcore, [K.runtimeArn]: 'arn:aws:lambda:eu-west-1:123456789012:function:x' },
      { ...agentcore, [K.runtimeArn]: RUNTIME.replace('eu-west-1', 'us-east-1') },
      { ...agentcore, [K.runtimeArn]: undefined },
      { ...agentcore, [K.userPoolId]: 'us-east-1_AbCdEf123' },
      { ...agentcore, [K.region]: 'eu-west-1; rm -rf /' },
      { ...agentcore, [K.clientId]: 'a b' },
      { ...agentcore, [K.domain]: 'evil.example.com/path?x=1' },
      { ...agentcore, [K.domain]: 'javascript:alert(1)' },
    ];
    for (const outputs of refused)
      assert.throws(
        () => parseDeploymentOutputs(file({ S: outputs })),
        /not usable/,
        JSON.stringify(outputs),
      );
  });

  it('ignores prototype tricks in the file', () => {
    const trick = `"__proto__": ${JSON.stringify(agentcore)}, "constructor": {"prototype": {"Mode": "http"}}`;
    assert.throws(() => parseDeploymentOutputs(`{${trick}}`), /No stack in this file/);
    const found = parseDeploymentOutputs(`{${trick}, "Real": ${JSON.stringify(lambda)}}`);
    assert.deepEqual(
      found.map((d) => d.stackName),
      ['Real'],
    );
    assert.equal(({} as Record<string, unknown>)[K.mode], undefined, 'Object.prototype untouched');
  });
});
