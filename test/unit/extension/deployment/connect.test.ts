import assert from 'node:assert/strict';
import { connectToDeployment, type ConnectUi } from '../../../../extension/deployment/connect';
import { DEPLOYMENT_OUTPUT_KEYS as K, type Deployment } from '../../../../extension/deployment/outputs';

const agentcore = {
  [K.mode]: 'agentcore',
  [K.runtimeArn]: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/ce-AbC',
  [K.region]: 'us-east-1',
  [K.userPoolId]: 'us-east-1_Pool1',
  [K.clientId]: 'client1',
};
const lambda = {
  [K.mode]: 'http',
  [K.url]: 'https://abc.lambda-url.us-east-1.on.aws/',
  [K.region]: 'us-east-1',
  [K.userPoolId]: 'us-east-1_Pool2',
  [K.clientId]: 'client2',
};

/** A scripted editor: files by name, answers to each question, and a record of what happened. */
function fakeUi(script: {
  files: Record<string, string>;
  defaultFile?: string;
  confirm?: 'use' | 'browse';
  browse?: string;
  pickStack?: string;
  signIn?: boolean;
  trustDomain?: boolean;
  trustBackend?: boolean;
}) {
  const updates: [string, string][] = [];
  const errors: string[] = [];
  const asked: string[] = [];
  let signedIn = false;
  const ui: ConnectUi<string> = {
    defaultFile: async () => script.defaultFile,
    confirmDefault: async () => (asked.push('confirm'), script.confirm),
    browse: async () => (asked.push('browse'), script.browse),
    read: async (f) => {
      if (!(f in script.files)) throw new Error(`ENOENT ${f}`);
      return script.files[f]!;
    },
    pickDeployment: async (ds: Deployment[]) => (
      asked.push('stack'),
      ds.find((d) => d.stackName === script.pickStack)
    ),
    confirmDomain: async (host) => (asked.push(`domain ${host}`), script.trustDomain ?? false),
    confirmBackend: async (host) => (asked.push(`backend ${host}`), script.trustBackend ?? false),
    update: async (s, v) => void updates.push([s, v]),
    offerSignIn: async () => script.signIn ?? false,
    signIn: async () => void (signedIn = true),
    error: (m) => void errors.push(m),
  };
  return { ui, updates, errors, asked, signedIn: () => signedIn };
}

describe('Connect to Deployment: the command’s flow', () => {
  it('uses the workspace’s outputs file, writes the settings (mode last) and offers Sign In', async () => {
    const run = fakeUi({
      files: { 'ws/backend/infra/cdk-outputs.json': JSON.stringify({ CloudEngineerAgentCore: agentcore }) },
      defaultFile: 'ws/backend/infra/cdk-outputs.json',
      confirm: 'use',
      signIn: true,
    });
    const d = await connectToDeployment(run.ui);
    assert.equal(d?.stackName, 'CloudEngineerAgentCore');
    assert.deepEqual(run.asked, ['confirm']);
    assert.deepEqual(run.updates.at(-1), ['mode', 'agentcore']);
    assert.deepEqual(run.updates.map(([s]) => s).sort(), [
      'clientId',
      'domain',
      'identityProvider',
      'mode',
      'region',
      'runtimeArn',
      'url',
      'userPoolId',
    ]);
    assert.equal(run.signedIn(), true);
  });

  it('opens a file dialog when the workspace has no outputs file, and asks which of several stacks', async () => {
    const run = fakeUi({
      files: { '/tmp/out.json': JSON.stringify({ A: agentcore, L: lambda }) },
      browse: '/tmp/out.json',
      pickStack: 'L',
    });
    const d = await connectToDeployment(run.ui);
    assert.equal(d?.mode, 'http');
    assert.deepEqual(run.asked, ['browse', 'stack']);
    assert.deepEqual(
      run.updates.find(([s]) => s === 'url'),
      ['url', 'https://abc.lambda-url.us-east-1.on.aws/'],
    );
    assert.equal(run.signedIn(), false);
  });

  it('asks before sending sign-in to a domain that is not Cognito’s own, and changes nothing if refused', async () => {
    const file = (domain: string) => ({
      'out.json': JSON.stringify({ CloudEngineerAgentCore: { ...agentcore, [K.domain]: domain } }),
    });
    const own = fakeUi({
      files: file('team-ce.auth.us-east-1.amazoncognito.com'),
      browse: 'out.json',
    });
    assert.ok(await connectToDeployment(own.ui));
    assert.ok(!own.asked.some((a) => a.startsWith('domain')), 'Cognito’s own domain needs no question');
    for (const domain of [
      'team-ce.auth.us-east-1.amazoncognito.com.evil.example',
      'login.example.com',
      'team-ce.auth.eu-west-1.amazoncognito.com',
    ]) {
      const refused = fakeUi({ files: file(domain), browse: 'out.json' });
      assert.equal(await connectToDeployment(refused.ui), undefined, domain);
      assert.deepEqual(refused.updates, [], domain);
      assert.ok(refused.asked.includes(`domain ${domain}`), domain);
    }
    const custom = fakeUi({
      files: file('login.example.com'),
      browse: 'out.json',
      trustDomain: true,
    });
    assert.ok(await connectToDeployment(custom.ui));
    assert.ok(custom.updates.some(([s, v]) => s === 'domain' && v === 'login.example.com'));
  });

  it('asks before sending the token to a backend that is not a Lambda Function URL of the region', async () => {
    const file = (url: string) => ({
      'out.json': JSON.stringify({ CloudEngineerLambda: { ...lambda, [K.url]: url } }),
    });
    for (const url of [
      'https://abc.lambda-url.us-east-1.on.aws.evil.example/',
      'https://abc.lambda-url.eu-west-1.on.aws/',
      'https://ab-c.lambda-url.us-east-1.on.aws/',
      'https://backend.example.com/',
    ]) {
      const refused = fakeUi({ files: file(url), browse: 'out.json' });
      assert.equal(await connectToDeployment(refused.ui), undefined, url);
      assert.deepEqual(refused.updates, [], url);
      assert.ok(refused.asked.includes(`backend ${new URL(url).host}`), url);
    }
    for (const url of ['https://abc123.lambda-url.us-east-1.on.aws/', 'http://127.0.0.1:8080/']) {
      const own = fakeUi({ files: file(url), browse: 'out.json' });
      assert.ok(await connectToDeployment(own.ui), url);
      assert.ok(!own.asked.some((a) => a.startsWith('backend')), url);
    }
    const trusted = fakeUi({
      files: file('https://backend.example.com/'),
      browse: 'out.json',
      trustBackend: true,
    });
    assert.ok(await connectToDeployment(trusted.ui));
    assert.ok(trusted.updates.some(([s, v]) => s === 'url' && v === 'https://backend.example.com/'));
  });

  it('changes nothing when cancelled at any step, or when the file is refused', async () => {
    const outputs = { 'f.json': JSON.stringify({ A: agentcore, L: lambda }) };
    const scripts: Parameters<typeof fakeUi>[0][] = [
      { files: outputs, defaultFile: 'f.json' },
      { files: outputs, defaultFile: 'f.json', confirm: 'browse' as const },
      { files: outputs },
      { files: outputs, browse: 'f.json' },
      {
        files: { 'bad.json': '{"S": {"Mode": "http", "UserPoolId": "x"}}' },
        browse: 'bad.json',
      },
      { files: {}, browse: 'missing.json' },
    ];
    for (const script of scripts) {
      const run = fakeUi(script);
      assert.equal(await connectToDeployment(run.ui), undefined);
      assert.deepEqual(run.updates, []);
    }
    const refused = fakeUi({ files: {}, browse: 'missing.json' });
    await connectToDeployment(refused.ui);
    assert.match(refused.errors[0]!, /Could not read the outputs file: ENOENT/);
  });
});
