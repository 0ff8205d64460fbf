/**
 * The AgentCore Runtime container without Docker (no engine on these machines): the Dockerfile's
 * rules checked as written, then its COPY and ENV lines carried out by hand, so the test runs
 * exactly the files the image would hold, from a folder with no node_modules, with the image's
 * environment, and talks to it the way the runtime does.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEventStream, type StreamEvent } from '../../backend/src/protocol';
import { AwsFake } from '../fakes/aws';
import { BedrockFake, textTurn } from '../fakes/bedrock';
import { claimsOf, CognitoLocal, resignToken, tamperSignature } from '../support/cognito';
import { plannedIn, planWebTurn } from '../support/plan-change';
import { Child, freePort } from '../support/process';

const BACKEND = resolve(__dirname, '../../backend');
const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readFileSync(join(BACKEND, 'Dockerfile'), 'utf8'));
const all = (op: string) => dockerfile.filter((i) => i.op === op);
const env = Object.fromEntries(
  all('ENV').flatMap((i) => [...i.args.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);
const dockerignore = readFileSync(join(BACKEND, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** A path is in the build context when an exception (`!pattern`) lets it back in after `*`. */
function inContext(path: string): boolean {
  return dockerignore
    .filter((p) => p.startsWith('!'))
    .some((p) => path === p.slice(1) || path.startsWith(`${p.slice(1)}/`));
}

/** The COPY sources, globs expanded (`dist/server.js*`), as the build would find them. */
function expand(source: string): string[] {
  const star = source.indexOf('*');
  if (star < 0) return existsSync(join(BACKEND, source)) ? [source.replace(/\/$/, '')] : [];
  const dir = source.slice(0, source.lastIndexOf('/'));
  const prefix = source.slice(dir.length + 1, star);
  return readdirSync(join(BACKEND, dir))
    .filter((name) => name.startsWith(prefix))
    .map((name) => `${dir}/${name}`);
}

/** Carries out the COPY lines into a fresh folder: the image's WORKDIR. */
function buildImageFolder(): string {
  const app = mkdtempSync(join(tmpdir(), 'ce-image-app-'));
  for (const copy of all('COPY')) {
    const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const dest = parts.pop()!;
    for (const source of parts.flatMap(expand)) {
      assert.ok(inContext(source), `${source} is outside the build context (.dockerignore)`);
      const isDir = statSync(join(BACKEND, source)).isDirectory();
      const target = isDir ? join(app, dest) : join(app, dest, source.split('/').pop()!);
      mkdirSync(isDir ? target : join(app, dest), { recursive: true });
      cpSync(join(BACKEND, source), target, { recursive: true });
    }
  }
  return app;
}

describe('the AgentCore Runtime container image (backend/Dockerfile)', () => {
  it('is an ARM64 slim Node 22 image running as a non-root user', () => {
    const from = all('FROM');
    assert.equal(from.length, 1, 'one stage: nothing from a build stage can leak in');
    assert.match(
      from[0]!.args,
      /^--platform=linux\/arm64 node:22(\.\d+){0,2}(-[a-z]+)?-slim(@sha256:[0-9a-f]{64})?$/,
    );
    const users = all('USER');
    assert.ok(users.length > 0, 'a USER line');
    assert.doesNotMatch(users.at(-1)!.args, /^(root|0)(:|$)/);
    const lastUser = dockerfile.lastIndexOf(users.at(-1)!);
    const cmd = dockerfile.findIndex((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT');
    assert.ok(lastUser >= 0 && lastUser < cmd, 'the server starts as that user');
  });

  it('holds only the bundled server: no sources, no package installs, no dev dependencies', () => {
    assert.deepEqual(all('ADD'), []);
    for (const run of all('RUN')) assert.doesNotMatch(run.args, /\b(npm|yarn|pnpm|npx)\b/);
    for (const copy of all('COPY')) {
      const sources = copy.args
        .split(/\s+/)
        .filter((p) => !p.startsWith('--'))
        .slice(0, -1);
      for (const s of sources) assert.match(s, /^dist\/(?!lambda)/, `${s} is not the built server`);
    }
    assert.equal(dockerignore[0], '*', 'the build context starts empty');
    for (const allowed of dockerignore.slice(1)) assert.match(allowed, /^!dist\/(?!lambda)/);
  });

  it('listens on 0.0.0.0:8080 as the runtime expects', () => {
    assert.equal(env.PORT, '8080');
    assert.equal(env.HOST, '0.0.0.0');
    assert.equal(env.CONTAINER, 'true');
    assert.deepEqual(
      all('EXPOSE').map((i) => i.args),
      ['8080'],
    );
    const cmd = JSON.parse(all('CMD').at(-1)!.args) as string[];
    assert.equal(cmd[0], 'node');
    assert.equal(cmd.at(-1), 'server.js');
  });
});

describe('the container’s server, run from the image’s files with the image’s environment', function () {
  const bedrock = new BedrockFake();
  const cognito = new CognitoLocal();
  let app = '';
  let server: Child | undefined;
  let url = '';
  let token = '';
  let sub = '';
  const cmd = () => JSON.parse(all('CMD').at(-1)!.args) as string[];

  /** The image's CMD in the image's folder; nothing resolves from the repository's node_modules. */
  function start(extra: Record<string, string>, port: number): Child {
    const [, ...args] = cmd();
    return Child.start(process.execPath, args, {
      cwd: app,
      env: {
        ...env,
        PORT: String(port),
        MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-image-memory-')),
        COGNITO_USER_POOL_ID: cognito.userPoolId,
        COGNITO_CLIENT_ID: cognito.clientId,
        COGNITO_ISSUER: cognito.issuer,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDCONTAINERTEST',
        AWS_SECRET_ACCESS_KEY: 'container-test-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        BEDROCK_ENDPOINT: bedrock.url,
        MODEL_ID: 'test.fake-model-v1',
        SHUTDOWN_GRACE_MS: '500',
        ...extra,
      },
    });
  }

  before(async () => {
    app = buildImageFolder();
    await Promise.all([bedrock.start(), cognito.start()]);
    const user = await cognito.createUser('container@example.com');
    token = (await cognito.signIn(user)).AccessToken;
    sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    const port = await freePort();
    server = start({}, port);
    const listening = await server.waitFor(/"msg":"listening".*/);
    assert.match(listening[0], /"host":"0\.0\.0\.0"/);
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await server?.stop();
    await Promise.all([bedrock.stop(), cognito.stop()]);
  });

  const invoke = (body: unknown, authorization?: string) =>
    fetch(`${url}/invocations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SESSION_HEADER]: `cloud-engineer-runtime-session--${'c'.repeat(36)}`,
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(body),
    });

  it('the image holds the server, its chunks and nothing else', () => {
    const files = readdirSync(app).sort();
    assert.deepEqual(
      files.filter((f) => !f.endsWith('.map')),
      ['chunks', 'package.json', 'server.js'],
    );
    assert.ok(!existsSync(join(app, 'node_modules')));
  });

  it('answers /ping', async () => {
    const response = await fetch(`${url}/ping`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; time_of_last_update: number };
    assert.equal(body.status, 'Healthy');
    assert.ok(Number.isInteger(body.time_of_last_update));
  });

  it('chats over /invocations with the forwarded token, streaming', async () => {
    bedrock.enqueue(textTurn(['From ', 'the ', 'container.']));
    const response = await invoke({ action: 'chat', message: 'hi container' }, `Bearer ${token}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /text\/event-stream/);
    const events: StreamEvent[] = [];
    for await (const e of readEventStream(response.body!)) events.push(e);
    assert.equal(events[0]!.type, 'session');
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'end_turn' });
    const who = await invoke({ action: 'whoami' }, `Bearer ${token}`);
    assert.equal(((await who.json()) as { actorId: string }).actorId, sub);
  });

  it('verifies the forwarded token again: none, forged or foreign tokens get 401', async () => {
    const other = await cognito.createUser('other-client@example.com');
    const otherClientToken = (await cognito.signIn(other, cognito.otherClientId)).AccessToken;
    for (const authorization of [
      undefined,
      'Bearer not-a-jwt',
      `Bearer ${tamperSignature(token)}`,
      `Bearer ${resignToken(token, (c) => (c.iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Evil'))}`,
      `Bearer ${resignToken(token, (c) => (c.exp = Math.floor(Date.now() / 1000) - 60))}`,
      `Bearer ${resignToken(token, (c) => (c.token_use = 'id'))}`,
      `Bearer ${otherClientToken}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ]) {
      const response = await invoke({ action: 'listSessions' }, authorization);
      assert.equal(response.status, 401, String(authorization).slice(0, 40));
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthorized');
    }
  });

  it('refuses a plain MODEL_API_KEY: the container takes the key from Secrets Manager only', async () => {
    const refused = start(
      { MODEL_PROVIDER: 'anthropic', MODEL_API_KEY: 'sk-ant-container-leak-1234' },
      await freePort(),
    );
    assert.notEqual(await refused.exited, 0);
    assert.match(
      refused.output,
      /MODEL_API_KEY is for local development only and is refused on the container host/,
    );
    assert.ok(!refused.output.includes('sk-ant-container-leak-1234'), 'the key is never printed');
  });

  it('applies ALLOWED_GROUPS and APPROVER_GROUPS from the token the runtime forwards', async () => {
    await cognito.createGroup('engineers');
    await cognito.createGroup('approvers');
    const member = await cognito.createUser('member@example.com');
    await cognito.addToGroup(member, 'engineers');
    const memberToken = (await cognito.signIn(member)).AccessToken;
    // An approver outside ALLOWED_GROUPS: ALLOWED_GROUPS alone decides who may use the agent.
    const approverOnly = await cognito.createUser('approver-only@example.com');
    await cognito.addToGroup(approverOnly, 'approvers');
    const approverOnlyToken = (await cognito.signIn(approverOnly)).AccessToken;
    const port = await freePort();
    const grouped = start({ ALLOWED_GROUPS: 'engineers', APPROVER_GROUPS: 'approvers' }, port);
    try {
      await grouped.waitFor(/"msg":"listening"/);
      const call = (authorization: string) =>
        fetch(`http://127.0.0.1:${port}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ action: 'whoami' }),
        });
      const outsider = await call(`Bearer ${token}`);
      assert.equal(outsider.status, 403);
      assert.match(((await outsider.json()) as { error: { message: string } }).error.message, /"engineers"/);
      const approverOutside = await call(`Bearer ${approverOnlyToken}`);
      assert.equal(approverOutside.status, 403);
      const inside = await call(`Bearer ${memberToken}`);
      assert.equal(inside.status, 200);
      assert.deepEqual(await inside.json(), {
        actorId: claimsOf(memberToken).sub,
        username: 'member@example.com',
        authMode: 'cognito',
        groups: ['engineers'],
        canApprove: false,
        approverGroups: ['approvers'],
      });
    } finally {
      await grouped.stop();
    }
  });

  it('lets only an approver approve a change: a viewer gets 403 and nothing reaches AWS; the approver is on record', async () => {
    const aws = await new AwsFake().start();
    await cognito.createGroup('c-users');
    await cognito.createGroup('c-approvers');
    const viewer = await cognito.createUser('c-viewer@example.com');
    const approver = await cognito.createUser('c-approver@example.com');
    await cognito.addToGroup(viewer, 'c-users');
    await cognito.addToGroup(approver, 'c-approvers');
    const viewerToken = (await cognito.signIn(viewer)).AccessToken;
    const approverToken = (await cognito.signIn(approver)).AccessToken;
    const port = await freePort();
    const grouped = start(
      {
        ALLOWED_GROUPS: 'c-users,c-approvers',
        APPROVER_GROUPS: 'c-approvers',
        AWS_ENDPOINT_URL: aws.url,
      },
      port,
    );
    const chat = async (body: unknown, token: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          [SESSION_HEADER]: `cloud-engineer-runtime-session--${'d'.repeat(36)}`,
        },
        body: JSON.stringify({ action: 'chat', ...(body as object) }),
      });
      if (response.status !== 200)
        return { status: response.status, json: (await response.json()) as any, events: [] };
      const events: StreamEvent[] = [];
      for await (const e of readEventStream(response.body!)) events.push(e);
      return { status: 200, json: undefined, events };
    };
    const plan = async (token: string, id: string) => {
      bedrock.enqueue(planWebTurn(id));
      return plannedIn((await chat({ message: 'plan web' }, token)).events);
    };
    try {
      await grouped.waitFor(/"msg":"listening"/);
      const viewed = await plan(viewerToken, 'tu-cv');
      assert.equal(viewed.card.canApprove, false);
      assert.deepEqual(viewed.card.approverGroups, ['c-approvers']);
      const refused = await chat(
        { sessionId: viewed.sessionId, approvals: [{ toolUseId: 'tu-cv', decision: 'approve' }] },
        viewerToken,
      );
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'forbidden');
      assert.match(refused.json.error.message, /"c-approvers"/);
      assert.deepEqual(aws.calledWith('CreateChangeSet'), []);

      const asked = await plan(approverToken, 'tu-ca');
      assert.equal(asked.card.canApprove, true);
      bedrock.enqueue(textTurn(['Planned.']));
      const approved = await chat(
        { sessionId: asked.sessionId, approvals: [{ toolUseId: 'tu-ca', decision: 'approve' }] },
        approverToken,
      );
      assert.equal(approved.status, 200);
      const result = approved.events.find((e) => e.type === 'tool_result') as Extract<
        StreamEvent,
        { type: 'tool_result' }
      >;
      assert.deepEqual(
        [result.status, result.approvedBy?.sub, result.approvedBy?.name],
        ['success', claimsOf(approverToken).sub, 'c-approver@example.com'],
      );
      const created = aws.calledWith('CreateChangeSet');
      assert.equal(created.length, 1);
      assert.equal(created[0]!['Tags.member.1.Value'], 'c-approver@example.com');
    } finally {
      await grouped.stop();
      await aws.stop();
    }
  });

  it('refuses to start without sign-in on 0.0.0.0', async () => {
    const refused = start({ AUTH_MODE: 'none' }, await freePort());
    const code = await refused.exited;
    assert.notEqual(code, 0);
    assert.match(refused.output, /AUTH_MODE=none is refused on 0\.0\.0\.0/);
  });
});
