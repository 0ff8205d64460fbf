/**
 * Connect to Deployment reads a CDK outputs file that may come from anyone (a shared repo, a
 * download). Hostile files: tokens aimed at plain http or at a look-alike of loopback, credentials
 * in URLs, hosts with paths or ports, mismatched regions, prototype keys, oversized and deeply
 * nested JSON. Each is refused with a message that echoes no value from the file.
 */
import assert from 'node:assert/strict';
import { connectToDeployment, type ConnectUi } from '../../extension/deployment/connect';
import {
  DEPLOYMENT_OUTPUT_KEYS as K,
  MAX_OUTPUTS_FILE_BYTES,
  parseDeploymentOutputs,
} from '../../extension/deployment/outputs';

const good = {
  [K.mode]: 'http',
  [K.url]: 'https://abc.lambda-url.us-east-1.on.aws/',
  [K.region]: 'us-east-1',
  [K.userPoolId]: 'us-east-1_AbC123',
  [K.clientId]: 'clientid123',
  [K.domain]: 'ce.auth.us-east-1.amazoncognito.com',
};
const file = (outputs: Record<string, unknown>, stack = 'CloudEngineerLambda') =>
  JSON.stringify({ [stack]: outputs });
const refuse = (text: string, mustNotEcho: string[] = []) => {
  let message = '';
  assert.throws(
    () => parseDeploymentOutputs(text),
    (e: Error) => {
      message = e.message;
      return e.name === 'DeploymentOutputsError';
    },
  );
  for (const value of mustNotEcho) assert.ok(!message.includes(value), `echoed ${value}: ${message}`);
};

describe('security: a hostile CDK outputs file for Connect to Deployment', () => {
  it('accepts the good file (the baseline for every attack below)', () => {
    const [d] = parseDeploymentOutputs(file(good));
    assert.equal(d!.url, 'https://abc.lambda-url.us-east-1.on.aws/');
  });

  const badUrls = [
    'http://abc.lambda-url.us-east-1.on.aws/',
    'http://127.0.0.1.attacker.example/',
    'http://localhost.attacker.example/',
    'http://0.0.0.0:8080/',
    'ftp://example.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ws://127.0.0.1.nip.io/',
    'https://user:Sup3rSecretPass@abc.example/',
    'https://:Sup3rSecretPass@abc.example/',
    'not a url',
  ];
  for (const url of badUrls)
    it(`refuses BackendUrl ${url}`, () => refuse(file({ ...good, [K.url]: url }), ['Sup3rSecretPass']));

  it('treats 127.0.0.1 look-alikes after URL normalization as what they are', () => {
    // WHATWG URL turns these into 127.0.0.1: loopback, which is allowed over http on purpose.
    for (const url of ['http://127.1:8080/', 'http://0x7f.0.0.1/', 'http://2130706433/']) {
      const parsed = (() => {
        try {
          return parseDeploymentOutputs(file({ ...good, [K.url]: url }))[0]!.url!;
        } catch {
          return undefined;
        }
      })();
      if (parsed) assert.equal(new URL(parsed).hostname, '127.0.0.1');
    }
  });

  const badDomains = [
    'evil.example/oauth2/authorize?redirect_uri=x',
    'evil.example:8443',
    'evil.example#x',
    'user@evil.example',
    'http://ce.auth.us-east-1.amazoncognito.com',
    'javascript:alert(1)',
    'ce.auth.us-east-1.amazoncognito.com\nx',
    '-evil.example',
    'localhost',
  ];
  for (const domain of badDomains)
    it(`refuses CognitoDomain ${JSON.stringify(domain)}`, () =>
      refuse(file({ ...good, [K.domain]: domain })));

  it('refuses a user pool or a runtime in another region than the file says', () => {
    refuse(file({ ...good, [K.userPoolId]: 'eu-west-1_AbC123' }));
    refuse(
      file({
        ...good,
        [K.mode]: 'agentcore',
        [K.runtimeArn]: 'arn:aws:bedrock-agentcore:eu-west-1:123456789012:runtime/ce-abc',
      }),
    );
    refuse(
      file({
        ...good,
        [K.mode]: 'agentcore',
        [K.runtimeArn]: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/ce/../../x',
      }),
    );
  });

  it('refuses odd values in every field without echoing them', () => {
    const planted = 'PLANTED-VALUE-eyJhbGciOi';
    for (const [key, value] of [
      [K.mode, `http ${planted}`],
      [K.region, `us-east-1 ${planted}`],
      [K.clientId, `abc ${planted}`],
      [K.userPoolId, `us-east-1_${planted}!`],
      [K.url, `https://x.example/${'a'.repeat(3000)}${planted}`],
    ] as const)
      refuse(file({ ...good, [key]: value }), [planted]);
    refuse(file({ ...good, [K.mode]: ['http'] }));
    refuse(file({ ...good, [K.region]: { toString: 'us-east-1' } }));
  });

  it('does not let __proto__ or constructor keys pollute objects', () => {
    const text = `{"__proto__":${file(good).slice(file(good).indexOf(':') + 1, -1)},"constructor":{"prototype":{"polluted":1}},"CloudEngineerLambda":${JSON.stringify({ ...good, __proto__: { polluted: 1 } })}}`;
    const found = parseDeploymentOutputs(text);
    assert.ok(found.length >= 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>)[K.mode], undefined);
  });

  it('refuses an oversized file, and survives deeply nested JSON', () => {
    refuse(`${' '.repeat(MAX_OUTPUTS_FILE_BYTES)}{}`);
    refuse(`{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    refuse('[]');
    refuse('null');
    refuse('"a string"');
  });

  it('a refused file changes no setting and offers no sign-in', async () => {
    const updates: string[] = [];
    let signIns = 0;
    const errors: string[] = [];
    const ui: ConnectUi<string> = {
      defaultFile: async () => 'f',
      confirmDefault: async () => 'use',
      browse: async () => undefined,
      read: async () => file({ ...good, [K.url]: 'http://attacker.example/' }),
      pickDeployment: async (d) => d[0],
      confirmDomain: async () => true,
      confirmBackend: async () => true,
      update: async (s) => void updates.push(s),
      offerSignIn: async () => true,
      signIn: async () => void signIns++,
      error: (m) => void errors.push(m),
    };
    assert.equal(await connectToDeployment(ui), undefined);
    assert.deepEqual(updates, []);
    assert.equal(signIns, 0);
    assert.equal(errors.length, 1);
  });
});
