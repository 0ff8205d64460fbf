import assert from 'node:assert/strict';
import type { ChatRequest, StreamEvent } from '../../../../backend/src/protocol';
import { ChatController } from '../../../../extension/chat/chat-controller';
import { ConnectionError, type AgentConnection } from '../../../../extension/connection/types';
import type { ToWebview } from '../../../../webview/protocol';

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
  const controllerFor = (connection: AgentConnection) =>
    new ChatController({
      connection: () => connection,
      post: (m) => posted.push(m),
      onSessionChanged: (id) => changed.push(id),
    });
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
    });
  });
});
