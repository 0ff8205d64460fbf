/**
 * The chat controller for the model edge: setup steps per provider, pricing, the summary's text,
 * approvers (who may, on resume too), and a spent daily budget through a real HTTP connection.
 */
import assert from 'node:assert/strict';
import type { ReplyOf, StreamEvent } from '../../../../backend/src/protocol';
import { ChatController } from '../../../../extension/chat/chat-controller';
import { HttpConnection, retryAfterSeconds } from '../../../../extension/connection/http-connection';
import { ConnectionError, type AgentConnection } from '../../../../extension/connection/types';
import type { ToWebview } from '../../../../shared/webview-protocol';

type Invoke = (request: { action: string; sessionId?: string; limit?: number }) => unknown;

/** A connection that plays scripted turns, answers JSON actions with `invoke`, and records both. */
function scripted(turns: (StreamEvent[] | Error)[], invoke: Invoke = () => ({})) {
  const requests: unknown[] = [];
  const invoked: { action: string; limit?: number }[] = [];
  const connection: AgentConnection = {
    mode: 'http',
    label: 'test',
    async *chat(request) {
      requests.push(request);
      const turn = turns.shift() ?? [];
      if (turn instanceof Error) throw turn;
      yield* turn;
    },
    invoke: (async (request: Parameters<Invoke>[0]) => {
      invoked.push({ action: request.action, ...(request.limit ? { limit: request.limit } : {}) });
      return invoke(request);
    }) as AgentConnection['invoke'],
    dispose() {},
  };
  return { connection, requests, invoked };
}

const session: StreamEvent = { type: 'session', sessionId: 's1', title: 'T', created: true };
const NOW = new Date('2026-03-01T21:30:00Z');

function controllerFor(connection: AgentConnection | (() => AgentConnection), extra = {}) {
  const posted: ToWebview[] = [];
  const chat = new ChatController({
    connection: typeof connection === 'function' ? connection : () => connection,
    post: (m) => posted.push(m),
    now: () => NOW,
    ...extra,
  });
  return { chat, posted };
}

describe('ChatController: setup steps per provider', () => {
  it('shows each provider problem as the step with its fix, and nothing for others', () => {
    const { chat } = controllerFor(scripted([]).connection);
    const cases = [
      ['aws_credentials', 'awsCredentials'],
      ['model_auth', 'modelKey'],
      ['not_configured', 'selectModel'],
      ['model_not_found', 'selectModel'],
      ['unreachable', 'serverDown'],
      ['internal', undefined],
      ['quota_exceeded', undefined],
    ] as const;
    for (const [code, kind] of cases) {
      chat.showSetupProblem({ code, message: `m-${code}` });
      assert.deepEqual(chat.snapshot.setup, kind ? { kind, message: `m-${code}` } : undefined, code);
    }
  });

  it('checks again on request: a server started meanwhile clears the step', async () => {
    const answers = [
      { code: 'unreachable' as const, message: 'Ollama is not running: start it with `ollama serve`.' },
      undefined,
    ];
    let checks = 0;
    const { chat, posted } = controllerFor(scripted([]).connection, {
      preflight: async () => answers[checks++],
    });
    await chat.checkSetup();
    assert.equal(chat.snapshot.setup?.kind, 'serverDown');
    await chat.checkSetup();
    assert.equal(chat.snapshot.setup, undefined);
    assert.equal(checks, 2);
    assert.deepEqual(posted.at(-1), { type: 'state', state: chat.snapshot }, 'the view hears each answer');
  });

  it('survives a failing check without a step or a throw', async () => {
    const { chat } = controllerFor(scripted([]).connection, {
      preflight: async () => {
        throw new Error('boom');
      },
    });
    await chat.checkSetup();
    assert.equal(chat.snapshot.setup, undefined);
  });
});

describe('ChatController: pricing', () => {
  it('keeps the configured model and only the override entries that are prices, across new chats', () => {
    const { chat } = controllerFor(scripted([]).connection);
    chat.setPricing(' gpt-4.1 ', {
      'llama3.1': { input: 0.1, output: 0.2 },
      bad: { input: -1, output: 0 },
      __proto__: { input: 0, output: 0 },
    });
    chat.newChat();
    assert.deepEqual(chat.snapshot.pricing, {
      modelId: 'gpt-4.1',
      overrides: [['llama3.1', { input: 0.1, output: 0.2 }]],
    });
  });
});

describe('ChatController: the summary marker', () => {
  it('reads the summary text after a turn that summarized, and places the marker', async () => {
    const summary = { text: 'They listed stacks.', keepFrom: 2, createdAt: 't' };
    const { connection, invoked } = scripted(
      [
        [session, { type: 'text', text: 'a' }, { type: 'done', stopReason: 'end_turn' }],
        [
          { ...session, created: false },
          { type: 'summary', keepFrom: 2 },
          { type: 'text', text: 'b' },
          { type: 'done', stopReason: 'end_turn' },
        ],
      ],
      (request) => (request.action === 'getSession' ? { summary } : {}),
    );
    const { chat } = controllerFor(connection);
    await chat.send('one');
    assert.equal(invoked.length, 0, 'no summary, no extra request');
    await chat.send('two');
    assert.deepEqual(invoked, [{ action: 'getSession', limit: 1 }]);
    assert.deepEqual(
      chat.snapshot.items.map((it) => it.kind),
      ['user', 'assistant', 'summary', 'user', 'assistant'],
    );
    assert.deepEqual(chat.snapshot.items[2], { kind: 'summary', keepFrom: 2, text: 'They listed stacks.' });
  });

  it('restores the marker with its text on resume', async () => {
    const { connection } = scripted([], () => ({
      session: { sessionId: 's1', title: 'Old', createdAt: '', updatedAt: '', turnCount: 4 },
      turns: [
        { role: 'user', text: 'q0', createdAt: '', status: 'complete' },
        { role: 'assistant', text: 'a0', createdAt: '', status: 'complete' },
        { role: 'user', text: 'q1', createdAt: '', status: 'complete' },
        { role: 'assistant', text: 'a1', createdAt: '', status: 'complete' },
      ],
      summary: { text: 'q0 and a0, briefly.', keepFrom: 2, createdAt: '' },
    }));
    const { chat } = controllerFor(connection);
    await chat.resume('s1');
    assert.deepEqual(chat.snapshot.items[2], { kind: 'summary', keepFrom: 2, text: 'q0 and a0, briefly.' });
    assert.equal(chat.snapshot.storedTurns, 4);
  });
});

describe('ChatController: approvers', () => {
  const waiting: StreamEvent[] = [
    session,
    {
      type: 'approval_required',
      id: 'd1',
      name: 'cloudformation_delete_stack',
      input: { stackName: 'web' },
      reason: 'Deletes web',
      canApprove: false,
      approverGroups: ['approvers'],
    },
    { type: 'done', stopReason: 'approval_required' },
  ];

  it('never sends an approval from a card this user may not approve; a denial goes', async () => {
    const { connection, requests } = scripted([
      waiting,
      [
        { ...session, created: false },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const { chat } = controllerFor(connection);
    await chat.send('delete web');
    await chat.decide({ toolUseId: 'd1', decision: 'approve' });
    assert.equal(requests.length, 1, 'nothing sent');
    assert.equal(chat.snapshot.items[1]!.kind === 'approval' && chat.snapshot.items[1]!.decision, undefined);
    await chat.decide({ toolUseId: 'd1', decision: 'deny' });
    assert.deepEqual(requests[1], { sessionId: 's1', approvals: [{ toolUseId: 'd1', decision: 'deny' }] });
  });

  it('copies the exact call of a card, and nothing for an unknown id', async () => {
    const { connection } = scripted([waiting]);
    const { chat } = controllerFor(connection);
    await chat.send('delete web');
    assert.deepEqual(JSON.parse(chat.callText('d1')!), {
      tool: 'cloudformation_delete_stack',
      input: { stackName: 'web' },
    });
    assert.equal(chat.callText('nope'), undefined);
  });

  const stored = {
    session: { sessionId: 's1', title: 'Old', createdAt: '', updatedAt: '', turnCount: 2 },
    turns: [
      { role: 'user', text: 'delete web', createdAt: '', status: 'complete' },
      {
        role: 'assistant',
        text: '',
        createdAt: '',
        status: 'complete',
        toolCalls: [
          { id: 'd1', name: 'cloudformation_delete_stack', input: {}, status: 'pending', readOnly: false },
        ],
      },
    ],
  };

  it('asks whoami on resume whether a waiting call may be approved here, once per connection', async () => {
    const whoami: ReplyOf<'whoami'> = {
      actorId: 'u-2',
      authMode: 'cognito',
      groups: ['viewers'],
      canApprove: false,
      approverGroups: ['approvers'],
    };
    const { connection, invoked } = scripted([], (r) => (r.action === 'whoami' ? whoami : stored));
    const { chat } = controllerFor(connection);
    await chat.resume('s1');
    const card = chat.snapshot.items[1]!;
    assert.deepEqual(card.kind === 'approval' && [card.canApprove, card.approverGroups], [
      false,
      ['approvers'],
    ]);
    await chat.resume('s1');
    assert.equal(invoked.filter((r) => r.action === 'whoami').length, 1, 'cached for the connection');
    // A new connection (another sign-in) asks again.
    const other = scripted([], (r) => (r.action === 'whoami' ? { ...whoami, canApprove: true } : stored));
    let current = connection;
    const { chat: chat2 } = controllerFor(() => current);
    await chat2.resume('s1');
    current = other.connection;
    await chat2.resume('s1');
    const card2 = chat2.snapshot.items[1]!;
    assert.equal(card2.kind === 'approval' && card2.canApprove, true);
    assert.equal(other.invoked.filter((r) => r.action === 'whoami').length, 1);
  });

  it('leaves the card as it was when whoami fails, and asks again next time', async () => {
    let fail = true;
    const { connection, invoked } = scripted([], (r) => {
      if (r.action !== 'whoami') return stored;
      if (fail) throw new ConnectionError('unavailable', 'down');
      return { actorId: 'u', authMode: 'cognito', canApprove: false };
    });
    const { chat } = controllerFor(connection);
    await chat.resume('s1');
    assert.equal('canApprove' in chat.snapshot.items[1]!, false);
    assert.equal(chat.snapshot.error, undefined, 'the conversation still opens');
    fail = false;
    await chat.resume('s1');
    assert.equal(chat.snapshot.items[1]!.kind === 'approval' && chat.snapshot.items[1]!.canApprove, false);
    assert.equal(invoked.filter((r) => r.action === 'whoami').length, 2);
  });

  it('does not ask whoami for a conversation with nothing waiting', async () => {
    const { connection, invoked } = scripted([], () => ({ ...stored, turns: stored.turns.slice(0, 1) }));
    const { chat } = controllerFor(connection);
    await chat.resume('s1');
    assert.deepEqual(
      invoked.map((r) => r.action),
      ['getSession'],
    );
  });
});

describe('ChatController: a spent daily budget', () => {
  const refusal = (headers: Record<string, string>) =>
    new HttpConnection({
      url: 'http://127.0.0.1:9/invocations',
      fetch: async () =>
        new Response(
          JSON.stringify({
            error: {
              code: 'quota_exceeded',
              message:
                "You have used today's 1,000 tokens (1,024 so far). Your budget renews at 00:00 UTC, in 2 h 30 min.",
            },
          }),
          { status: 429, headers: { 'content-type': 'application/json', ...headers } },
        ),
    });

  it('shows when the budget renews from Retry-After, with no Retry until then', async () => {
    const { chat } = controllerFor(refusal({ 'retry-after': '9000' }));
    await chat.send('hello');
    assert.deepEqual(chat.snapshot.error, {
      code: 'quota_exceeded',
      message:
        "You have used today's 1,000 tokens (1,024 so far). Your budget renews at 00:00 UTC, in 2 h 30 min.",
      retryable: false,
      actions: ['showLogs'],
      renewsAt: '2026-03-02T00:00:00.000Z',
    });
    assert.deepEqual(
      chat.snapshot.items.map((it) => it.kind),
      ['user'],
      'the question stays, for Retry once the budget renews',
    );
    assert.equal(chat.snapshot.storedTurns, 0, 'nothing was stored');
  });

  it('falls back to the next UTC midnight without the header', async () => {
    const { chat } = controllerFor(refusal({}));
    await chat.send('hello');
    assert.equal(chat.snapshot.error?.renewsAt, '2026-03-02T00:00:00.000Z');
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores anything else', () => {
    const now = Date.parse('2026-03-01T21:30:00Z');
    assert.equal(retryAfterSeconds('9000', now), 9000);
    assert.equal(retryAfterSeconds('Mon, 02 Mar 2026 00:00:00 GMT', now), 9000);
    assert.equal(retryAfterSeconds(null, now), undefined);
    assert.equal(retryAfterSeconds('soon', now), undefined);
    assert.equal(retryAfterSeconds('-5', now), undefined);
    assert.equal(retryAfterSeconds('Sun, 01 Mar 2026 00:00:00 GMT', now), 0, 'a past date: now');
  });

  it('no longer knows the question numbers once a stream broke mid-turn', async () => {
    const { connection } = scripted([
      [session, { type: 'text', text: 'a' }, { type: 'done', stopReason: 'end_turn' }],
      new ConnectionError('unreachable', 'Cannot reach the backend.'),
    ]);
    const { chat } = controllerFor(connection);
    await chat.send('one');
    assert.equal(chat.snapshot.storedTurns, 2);
    await chat.send('refused before anything was stored');
    assert.equal(chat.snapshot.storedTurns, 2);
    // The backend may or may not have stored the answer of a stream that broke after `session`.
    connection.chat = async function* () {
      yield { ...session, created: false };
      throw new ConnectionError('unreachable', 'The connection broke during the answer.');
    };
    await chat.retry();
    assert.equal(chat.snapshot.storedTurns, undefined);
  });
});
