import assert from 'node:assert/strict';
import type { StreamEvent } from '../../../backend/src/protocol';
import {
  actionsFor,
  applyEvent,
  emptyState,
  openApprovals,
  turnsToItems,
  type ConversationState,
} from '../../../webview/state';

const run = (events: StreamEvent[], from: ConversationState = { ...emptyState(), busy: true }) =>
  events.reduce(applyEvent, from);

describe('conversation reducer', () => {
  it('builds an answer from text deltas, with tool cards in between', () => {
    const state = run([
      { type: 'session', sessionId: 's1', title: 'T', created: true },
      { type: 'text', text: 'Let me ' },
      { type: 'text', text: 'check.' },
      { type: 'tool_call', id: 't1', name: 'aws_read', input: { service: 'ec2' }, readOnly: true },
      { type: 'tool_result', id: 't1', name: 'aws_read', status: 'success', summary: '3 instances' },
      { type: 'text', text: 'You have 3.' },
      { type: 'done', stopReason: 'end_turn' },
    ]);
    assert.equal(state.sessionId, 's1');
    assert.equal(state.busy, false);
    assert.deepEqual(state.items, [
      { kind: 'assistant', text: 'Let me check.', streaming: false },
      {
        kind: 'tool',
        id: 't1',
        name: 'aws_read',
        input: { service: 'ec2' },
        readOnly: true,
        status: 'success',
        summary: '3 instances',
      },
      { kind: 'assistant', text: 'You have 3.', streaming: false },
    ]);
  });

  it('shows a mutating call as one approval card that later carries its result', () => {
    const waiting = run([
      {
        type: 'tool_call',
        id: 'd1',
        name: 'cloudformation_delete_stack',
        input: { stackName: 'x' },
        readOnly: false,
      },
      {
        type: 'approval_required',
        id: 'd1',
        name: 'cloudformation_delete_stack',
        input: { stackName: 'x' },
        reason: 'r',
        confirmText: 'DELETE x',
      },
      { type: 'done', stopReason: 'approval_required' },
    ]);
    assert.equal(waiting.items.length, 1);
    assert.equal(openApprovals(waiting).length, 1);
    const done = run(
      [
        {
          type: 'tool_result',
          id: 'd1',
          name: 'cloudformation_delete_stack',
          status: 'success',
          summary: 'started',
        },
      ],
      waiting,
    );
    assert.deepEqual(done.items[0], {
      kind: 'approval',
      id: 'd1',
      name: 'cloudformation_delete_stack',
      input: { stackName: 'x' },
      reason: 'r',
      confirmText: 'DELETE x',
      result: { status: 'success', summary: 'started' },
    });
  });

  it('turns an error into a banner with the actions that fix it, and marks the answer interrupted', () => {
    const state = run([
      { type: 'text', text: 'Partial' },
      { type: 'error', code: 'unauthorized', message: 'sign in', retryable: false },
    ]);
    assert.deepEqual(state.error, {
      code: 'unauthorized',
      message: 'sign in',
      retryable: false,
      actions: ['signIn', 'showLogs'],
    });
    assert.deepEqual(state.items, [
      { kind: 'assistant', text: 'Partial', streaming: false, interrupted: true },
    ]);
    assert.deepEqual(actionsFor('unreachable', true), ['configure', 'retry', 'showLogs']);
    assert.deepEqual(actionsFor('aws_credentials', false), ['configure', 'showLogs']);
  });

  it('shares untouched items, so the view repaints only what changed', () => {
    const before = run([
      { type: 'tool_call', id: 't', name: 'aws_read', input: {}, readOnly: true },
      { type: 'text', text: 'a' },
    ]);
    const after = applyEvent(before, { type: 'text', text: 'b' });
    assert.equal(after.items[0], before.items[0]);
    assert.notEqual(after.items[1], before.items[1]);
  });

  it('restores a stored conversation; a call still waiting comes back as a card with its confirmation', () => {
    const items = turnsToItems([
      { role: 'user', text: 'delete x', createdAt: 't', status: 'complete' },
      {
        role: 'assistant',
        text: 'I will.',
        createdAt: 't',
        status: 'complete',
        toolCalls: [
          {
            id: 'd1',
            name: 'cloudformation_delete_stack',
            input: { stackName: 'x' },
            status: 'pending',
            confirmText: 'DELETE x',
          },
        ],
      },
    ]);
    assert.deepEqual(items[1], {
      kind: 'approval',
      id: 'd1',
      name: 'cloudformation_delete_stack',
      input: { stackName: 'x' },
      reason: 'cloudformation_delete_stack is waiting for your approval.',
      confirmText: 'DELETE x',
    });
    assert.deepEqual(items[2], { kind: 'assistant', text: 'I will.', streaming: false });
  });
});
