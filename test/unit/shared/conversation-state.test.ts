import assert from 'node:assert/strict';
import {
  actionsFor,
  applyEvent,
  ConversationState,
  openApprovals,
  turnsToItems,
} from '../../../shared/conversation-state';
import { resumedExchange, streamed } from '../../support/conversation-state';

describe('conversation reducer', () => {
  it('builds an answer from text deltas, with tool cards in between', () => {
    const state = streamed([
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
    const waiting = streamed([
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
    const done = streamed(
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
    const state = streamed([
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
    const before = streamed([
      { type: 'tool_call', id: 't', name: 'aws_read', input: {}, readOnly: true },
      { type: 'text', text: 'a' },
    ]);
    const after = applyEvent(before, { type: 'text', text: 'b' });
    assert.equal(after.items[0], before.items[0]);
    assert.notEqual(after.items[1], before.items[1]);
  });

  it('restores a stored conversation; a call still waiting comes back as a card with its confirmation', () => {
    const items = resumedExchange(
      {
        text: 'I will.',
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
      'delete x',
    );
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

  it('carries the details of a change set to its approval card, live and after a resume', () => {
    const details = {
      changes: [{ action: 'Add', logicalId: 'Admin', type: 'AWS::IAM::User' }],
      capabilities: ['CAPABILITY_IAM'],
    };
    const state = streamed([
      {
        type: 'approval_required',
        id: 'x1',
        name: 'cloudformation_execute_change_set',
        input: { stackName: 'web', changeSetName: 'cs' },
        reason: 'r',
        details,
      },
    ]);
    assert.deepEqual(state.items[0]!.kind === 'approval' && state.items[0]!.details, details);
    const resumed = resumedExchange({
      toolCalls: [
        { id: 'r1', name: 'aws_read', input: {}, status: 'pending', readOnly: true },
        {
          id: 'x1',
          name: 'cloudformation_execute_change_set',
          input: { stackName: 'web', changeSetName: 'cs' },
          status: 'pending',
          readOnly: false,
          details,
        },
      ],
    });
    // The read-only call waits for the approval without being one; the change set's card has its details.
    assert.deepEqual(resumed[1], {
      kind: 'tool',
      id: 'r1',
      name: 'aws_read',
      input: {},
      readOnly: true,
      status: 'pending',
    });
    assert.equal(resumed[2]!.kind, 'approval');
    assert.deepEqual(resumed[2]!.kind === 'approval' && resumed[2]!.details, details);
  });

  it('keeps the whole result of a call for its expanded view', () => {
    const state = streamed([
      { type: 'tool_call', id: 't', name: 'aws_read', input: {}, readOnly: true },
      {
        type: 'tool_result',
        id: 't',
        name: 'aws_read',
        status: 'success',
        summary: '{"a":…',
        output: '{"a":1}',
      },
    ]);
    assert.equal(state.items[0]!.kind === 'tool' && state.items[0]!.output, '{"a":1}');
  });

  it('marks a stopped answer "Stopped", also one stopped before any text, and an unfinished resumed turn', () => {
    const stopped = streamed([
      { type: 'text', text: 'Part' },
      { type: 'done', stopReason: 'cancelled' },
    ]);
    assert.deepEqual(stopped.items, [{ kind: 'assistant', text: 'Part', streaming: false, stopped: true }]);
    const early = streamed([
      { type: 'tool_call', id: 't', name: 'aws_read', input: {}, readOnly: true },
      { type: 'done', stopReason: 'cancelled' },
    ]);
    assert.deepEqual(early.items.at(-1), { kind: 'assistant', text: '', streaming: false, stopped: true });
    const finished = streamed([
      { type: 'text', text: 'All' },
      { type: 'done', stopReason: 'end_turn' },
    ]);
    assert.equal(finished.items[0]!.kind === 'assistant' && finished.items[0]!.stopped, undefined);
    const resumed = turnsToItems([
      { role: 'user', text: 'q', createdAt: 't', status: 'complete' },
      { role: 'assistant', text: 'half', createdAt: 't', status: 'interrupted' },
      { role: 'user', text: 'q2', createdAt: 't', status: 'complete' },
      { role: 'assistant', text: '', createdAt: 't', status: 'interrupted' },
    ]);
    assert.deepEqual(resumed[1], { kind: 'assistant', text: 'half', streaming: false, stopped: true });
    assert.deepEqual(resumed[3], { kind: 'assistant', text: '', streaming: false, stopped: true });
  });

  it('accepts a setup step in the state the extension sends', () => {
    const state = ConversationState.parse({
      items: [],
      busy: false,
      setup: { kind: 'awsCredentials', message: 'No AWS credentials were found.' },
    });
    assert.equal(state.setup?.kind, 'awsCredentials');
  });
});
