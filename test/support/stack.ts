/**
 * The backend as a user meets it: the built server (`backend/dist/server.js`) in its own process,
 * with the Bedrock fake, the AWS fake and cognito-local standing in at the wire.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readEventStream, type StreamEvent } from '../../backend/src/protocol';
import { AwsFake } from '../fakes/aws';
import { BedrockFake } from '../fakes/bedrock';
import { CognitoLocal } from './cognito';
import { Child } from './process';

const SERVER = resolve(__dirname, '../../backend/dist/server.js');

export interface StackOptions {
  auth: 'cognito' | 'none';
  env?: Record<string, string>;
}

export class BackendStack {
  readonly bedrock = new BedrockFake();
  readonly aws = new AwsFake();
  readonly cognito = new CognitoLocal();
  readonly memoryDir = mkdtempSync(join(tmpdir(), 'ce-memory-'));
  server?: Child;
  url = '';

  constructor(readonly options: StackOptions) {}

  async start(): Promise<this> {
    await Promise.all([
      this.bedrock.start(),
      this.aws.start(),
      this.options.auth === 'cognito' ? this.cognito.start() : undefined,
    ]);
    await this.startServer();
    return this;
  }

  async startServer(extraEnv: Record<string, string> = {}): Promise<void> {
    const auth =
      this.options.auth === 'cognito'
        ? {
            AUTH_MODE: 'cognito',
            COGNITO_USER_POOL_ID: this.cognito.userPoolId,
            COGNITO_CLIENT_ID: this.cognito.clientId,
            COGNITO_ISSUER: this.cognito.issuer,
          }
        : { AUTH_MODE: 'none' };
    this.server = Child.start(process.execPath, ['--enable-source-maps', SERVER], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        ...auth,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
        AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL: this.aws.url,
        BEDROCK_ENDPOINT: this.bedrock.url,
        MODEL_ID: 'test.fake-model-v1',
        MEMORY_DIR: this.memoryDir,
        SHUTDOWN_GRACE_MS: '1000',
        ...this.options.env,
        ...extraEnv,
      },
    });
    const match = await this.server.waitFor(/"msg":"listening".*"port":(\d+)/);
    this.url = `http://127.0.0.1:${match[1]}`;
  }

  async stopServer(): Promise<number | null> {
    return (await this.server?.stop()) ?? null;
  }

  async stop(): Promise<void> {
    await this.stopServer();
    await Promise.all([
      this.bedrock.stop(),
      this.aws.stop(),
      this.options.auth === 'cognito' ? this.cognito.stop() : undefined,
    ]);
  }

  /** POST /invocations; returns status, headers and parsed JSON (or raw text). */
  async invoke(body: unknown, token?: string, init: { raw?: string; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${this.url}/invocations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
      body: init.raw ?? JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  /** A chat whose stream is read to the end. */
  async chat(
    body: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; events: StreamEvent[]; json?: any }> {
    const response = await this.openChat(body, token);
    if (response.status !== 200) return { status: response.status, events: [], json: await response.json() };
    const events: StreamEvent[] = [];
    for await (const event of readEventStream(response.body!)) events.push(event);
    return { status: 200, events };
  }

  openChat(body: Record<string, unknown>, token?: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ action: 'chat', ...body }),
      ...(signal ? { signal } : {}),
    });
  }
}

/** A stack for the enclosing mocha suite: started before it, stopped after, fakes reset before each test. */
export function useBackendStack(options: StackOptions): BackendStack {
  const stack = new BackendStack(options);
  before(async () => void (await stack.start()));
  after(() => stack.stop());
  beforeEach(() => {
    stack.bedrock.reset();
    stack.aws.reset();
  });
  return stack;
}

/**
 * Event kinds in order, consecutive `text` events counted as one: the output redactor may regroup
 * deltas (it holds back an unfinished word), and streaming is asserted on its own.
 */
export function types(events: StreamEvent[]): string[] {
  return events.map((e) => e.type).filter((t, i, all) => !(t === 'text' && all[i - 1] === 'text'));
}

export function textOf(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
