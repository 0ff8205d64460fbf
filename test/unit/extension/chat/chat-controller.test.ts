import assert from 'node:assert/strict';
import type { ChatRequest, StreamEvent } from '../../../../backend/src/protocol';
import { ChatController } from '../../../../extension/chat/chat-controller';
import { ConnectionError, type AgentConnection } from '../../../../extension/connection/types';
import type { ToWebview } from '../../../../shared/webview-protocol';

/** A connection that plays scripted turns and records what it was asked. */
function scripted(turns: (StreamEvent[] | Error | 'hang')[]) {
  const requests: Omit<ChatRequest, 'action'>[] = [];
  const connection: AgentConnection = {
    mode: 'http',
    label: 'test',
    async *chat(request, signal) {
      requests.push(request);
      const turn = turns.shift() ?? [];
      if (turn instanceof Error) throw turn;
      if (turn === 'hang') {
        yield { type: 'session', sessionId: 's1', title: 't', created: true };
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return;
      }
      yield* turn;
    },
    invoke: async () => ({}) as never,
    dispose() {},
  };
  return { connection, requests };
}
const session: StreamEvent = { type: 'session', sessionId: 's1', title: 'T', created: true };

describe('ChatController', () => {
  let posted: ToWebview[];
  let changed: string[];
  const controllerFor = (connection: AgentConnection) => {
    const chat = new ChatController({ connection: () => connection, post: (m) => posted.push(m) });
    chat.onDidChangeSession(({ sessionId, stored }) => stored && sessionId && changed.push(sessionId));
    return chat;
  };
  beforeEach(() => {
    posted = [];
    changed = [];
  });

  it('sends, streams each event to the view, and continues the same session', async () => {
    const { connection, requests } = scripted([
      [session, { type: 'text', text: 'hi' }, { type: 'done', stopReason: 'end_turn' }],
      [
        { ...session, created: false },
        { type: 'text', text: 'again' },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const chat = controllerFor(connection);
    await chat.send('hello', { selection: 'x', fileName: 'a.ts', languageId: 'typescript' });
    await chat.send('more');
    assert.deepEqual(requests, [
      { message: 'hello', context: { selection: 'x', fileName: 'a.ts', languageId: 'typescript' } },
      { message: 'more', sessionId: 's1' },
    ]);
    assert.deepEqual(
      chat.snapshot.items.map((i) => [i.kind, 'text' in i ? i.text : '']),
      [
        ['user', 'hello'],
        ['assistant', 'hi'],
        ['user', 'more'],
        ['assistant', 'again'],
      ],
    );
    assert.equal(posted.filter((m) => m.type === 'event').length, 6);
    assert.deepEqual(changed, ['s1', 's1', 's1']);
  });

  it('sends the decisions together once every waiting call has one', async () => {
    const { connection, requests } = scripted([
      [
        session,
        { type: 'approval_required', id: 'a', name: 'cloudformation_plan_change', input: {}, reason: 'r' },
        {
          type: 'approval_required',
          id: 'b',
          name: 'cloudformation_delete_stack',
          input: {},
          reason: 'r',
          confirmText: 'DELETE x',
        },
        { type: 'done', stopReason: 'approval_required' },
      ],
      [
        { ...session, created: false },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const chat = controllerFor(connection);
    await chat.send('change things');
    await chat.decide({ toolUseId: 'a', decision: 'deny' });
    assert.equal(requests.length, 1, 'still waiting for the second decision');
    await chat.decide({ toolUseId: 'b', decision: 'approve', confirmText: 'DELETE x' });
    assert.deepEqual(requests[1], {
      sessionId: 's1',
      approvals: [
        { toolUseId: 'a', decision: 'deny' },
        { toolUseId: 'b', decision: 'approve', confirmText: 'DELETE x' },
      ],
    });
  });

  it('stops a running turn', async () => {
    const { connection } = scripted(['hang']);
    const chat = controllerFor(connection);
    const turn = chat.send('long question');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(chat.busy, true);
    chat.stop();
    await turn;
    assert.equal(chat.busy, false);
    assert.equal(chat.snapshot.error, undefined, 'stopping is not an error');
  });

  it('shows connection failures as a banner, and retries the same message', async () => {
    const { connection, requests } = scripted([
      new ConnectionError('unreachable', 'Cannot reach the backend'),
      [session, { type: 'text', text: 'ok' }, { type: 'done', stopReason: 'end_turn' }],
    ]);
    const chat = controllerFor(connection);
    await chat.send('are you up?');
    assert.deepEqual(chat.snapshot.error, {
      code: 'unreachable',
      message: 'Cannot reach the backend',
      retryable: true,
      actions: ['configure', 'retry', 'showLogs'],
    });
    await chat.retry();
    assert.equal(chat.snapshot.error, undefined);
    assert.deepEqual(
      requests.map((r) => r.message),
      ['are you up?', 'are you up?'],
    );
    assert.deepEqual(
      chat.snapshot.items.map((i) => [i.kind, 'text' in i ? i.text : '']),
      [
        ['user', 'are you up?'],
        ['assistant', 'ok'],
      ],
      'the question shows once: the failed turn is retried in place',
    );
  });

  it('retries a turn that broke mid-answer in place of the broken answer', async () => {
    const { connection, requests } = scripted([
      [session, { type: 'text', text: 'ok' }, { type: 'done', stopReason: 'end_turn' }],
      [
        { ...session, created: false },
        { type: 'text', text: 'half an ans' },
        { type: 'error', code: 'unavailable', message: 'The model is unavailable.', retryable: true },
      ],
      [
        { ...session, created: false },
        { type: 'text', text: 'whole answer' },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const chat = controllerFor(connection);
    await chat.send('first');
    await chat.send('second');
    assert.deepEqual(chat.snapshot.error?.actions.includes('retry'), true);
    await chat.retry();
    assert.deepEqual(requests[2], { message: 'second', sessionId: 's1' });
    assert.deepEqual(
      chat.snapshot.items.map((i) => ('text' in i ? i.text : i.kind)),
      ['first', 'ok', 'second', 'whole answer'],
    );
  });

  it('starts a task as a conversation of its own', async () => {
    const { connection, requests } = scripted([
      [session, { type: 'done', stopReason: 'end_turn' }],
      [
        { ...session, sessionId: 's2' },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const chat = controllerFor(connection);
    await chat.send('first');
    await chat.runTask(
      { id: 'list-ec2-instances', title: 'List EC2 instances and status' },
      { region: 'eu-west-1' },
    );
    assert.deepEqual(requests[1], { taskId: 'list-ec2-instances', params: { region: 'eu-west-1' } });
    assert.deepEqual(chat.snapshot.items[0], {
      kind: 'user',
      text: 'Run task: List EC2 instances and status (region: eu-west-1)',
      turn: 0,
    });
  });

  it('starts a new chat when the open conversation is not on the backend (switched backends)', async () => {
    const { connection, requests } = scripted([
      [session, { type: 'text', text: 'local answer' }, { type: 'done', stopReason: 'end_turn' }],
      new ConnectionError('not_found', 'no session s1', { status: 404 }),
      [
        { ...session, sessionId: 's9' },
        { type: 'text', text: 'http answer' },
        { type: 'done', stopReason: 'end_turn' },
      ],
    ]);
    const chat = controllerFor(connection);
    const opened: (string | undefined)[] = [];
    chat.onDidChangeSession(({ sessionId, switched }) => switched && opened.push(sessionId));
    await chat.send('in local mode');
    await chat.send('after switching');
    assert.equal(chat.sessionId, undefined, 'a new chat');
    assert.deepEqual(
      chat.snapshot.items.map((i) => ('text' in i ? i.text : i.kind)),
      ['after switching'],
    );
    assert.equal(chat.snapshot.error?.code, 'not_found');
    assert.match(chat.snapshot.error!.message, /not on this backend.*new chat/);
    assert.deepEqual(chat.snapshot.error?.actions, ['retry', 'showLogs']);
    await chat.retry();
    assert.deepEqual(
      requests[2],
      { message: 'after switching' },
      'Retry sends the question to a new session',
    );
    assert.deepEqual(
      chat.snapshot.items.map((i) => ('text' in i ? i.text : i.kind)),
      ['after switching', 'http answer'],
    );
    assert.deepEqual(opened, ['s1', undefined, 's9']);
  });

  it('owns the open conversation: resume, a missing one, a deleted one and New Chat all announce it', async () => {
    const stored = {
      session: { sessionId: 's7', title: 'Old', createdAt: '', updatedAt: '', turnCount: 2 },
      turns: [
        { role: 'user', text: 'q', createdAt: '', status: 'complete' },
        { role: 'assistant', text: 'a', createdAt: '', status: 'complete' },
      ],
    };
    const connection: AgentConnection = {
      ...scripted([]).connection,
      invoke: (async (request: { sessionId: string }) => {
        if (request.sessionId === 's7') return stored;
        throw new ConnectionError('not_found', `no session ${request.sessionId}`, { status: 404 });
      }) as AgentConnection['invoke'],
    };
    const chat = controllerFor(connection);
    const opened: (string | undefined)[] = [];
    chat.onDidChangeSession(({ sessionId, switched }) => switched && opened.push(sessionId));
    await chat.resume('s7');
    assert.equal(chat.sessionId, 's7');
    chat.forget('other');
    assert.equal(chat.sessionId, 's7', 'deleting another session leaves this one open');
    chat.forget('s7');
    assert.equal(chat.sessionId, undefined);
    await chat.resume('s7');
    await chat.resume('gone');
    assert.equal(chat.sessionId, undefined);
    assert.equal(chat.snapshot.items.length, 0);
    assert.match(chat.snapshot.error!.message, /not on this backend/);
    assert.deepEqual(opened, ['s7', undefined, 's7', undefined]);
  });

  it('clears a banner when the connection or sign-in changes, and keeps the setup step across chats', async () => {
    const { connection } = scripted([new ConnectionError('unreachable', 'Cannot reach 127.0.0.1:35767')]);
    const chat = controllerFor(connection);
    await chat.send('hello');
    assert.equal(chat.snapshot.error?.code, 'unreachable');
    chat.connectionChanged('alice@example.com · 127.0.0.1:8080');
    assert.equal(chat.snapshot.error, undefined);
    assert.equal(chat.snapshot.connection, 'alice@example.com · 127.0.0.1:8080');
    assert.deepEqual(posted.at(-1), { type: 'state', state: chat.snapshot }, 'the view is told');

    chat.showSetupProblem({ code: 'aws_credentials', message: 'No AWS credentials found.' });
    chat.newChat();
    assert.deepEqual(chat.snapshot.setup, { kind: 'awsCredentials', message: 'No AWS credentials found.' });
    chat.showSetupProblem(undefined);
    assert.equal(chat.snapshot.setup, undefined);
  });

  it('never re-sends decisions on Retry, nor an earlier question in their place', async () => {
    const { connection, requests } = scripted([
      [
        session,
        { type: 'approval_required', id: 'a', name: 'cloudformation_plan_change', input: {}, reason: 'r' },
        { type: 'done', stopReason: 'approval_required' },
      ],
      new ConnectionError('unreachable', 'Cannot reach the backend'),
    ]);
    const chat = controllerFor(connection);
    await chat.send('change things');
    await chat.decide({ toolUseId: 'a', decision: 'approve' });
    const before = chat.snapshot.items;
    await chat.retry();
    assert.equal(requests.length, 2);
    assert.deepEqual(chat.snapshot.items, before, 'the approval card stays');
  });

  it('tells when a turn runs, for the Stop keybinding', async () => {
    const { connection } = scripted(['hang']);
    const busy: boolean[] = [];
    const chat = new ChatController({
      connection: () => connection,
      post: () => {},
      onBusy: (b) => busy.push(b),
    });
    const turn = chat.send('long');
    await new Promise((r) => setTimeout(r, 20));
    chat.stop();
    await turn;
    assert.deepEqual(busy, [true, false]);
  });
});
