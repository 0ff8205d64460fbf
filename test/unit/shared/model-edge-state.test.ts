/**
 * The conversation state for the model edge: usage with cache figures and the model that answered,
 * the summary marker live and on resume, approvers (who may approve, who did), a spent budget.
 */
import assert from 'node:assert/strict';
import type { StreamEvent, Turn } from '../../../backend/src/protocol';
import {
  callText,
  ConversationState,
  emptyState,
  openApprovals,
  placeSummary,
  quotaRenewsAt,
  sessionCost,
  sessionUsage,
  turnsToItems,
  withApprovalRights,
  type Item,
} from '../../../shared/conversation-state';
import { validOverrides } from '../../../shared/prices';
import { resumedExchange, streamed } from '../../support/conversation-state';
import { ToExtension } from '../../../shared/webview-protocol';

const session = (created = false): StreamEvent => ({ type: 'session', sessionId: 's', title: 'T', created });
const ask = (state: ConversationState, text: string): ConversationState => ({
  ...state,
  items: [...state.items, { kind: 'user', text }],
});
/** One question and its answer, as the controller and the stream make them. */
const exchange = (state: ConversationState, question: string, extra: StreamEvent[] = []) =>
  streamed(
    [
      session(state.storedTurns === 0),
      ...extra,
      { type: 'text', text: `re: ${question}` },
      { type: 'done', stopReason: 'end_turn' },
    ],
    ask(state, question),
  );
const kinds = (items: Item[]) =>
  items.map((it) =>
    it.kind === 'user'
      ? `Q${it.turn ?? '?'}`
      : it.kind === 'summary'
        ? 'S'
        : it.kind === 'approval'
          ? 'A'
          : it.kind[0],
  );

describe('usage with cache figures and the model', () => {
  it('keeps cache reads, writes and the model on the answer, and adds a continued turn', () => {
    const first = streamed(
      [
        { type: 'text', text: 'a' },
        { type: 'usage', inputTokens: 1000, outputTokens: 10, cacheReadTokens: 800, modelId: 'm1' },
      ],
      ask(emptyState(), 'q'),
    );
    const continued = streamed(
      [{ type: 'usage', inputTokens: 500, outputTokens: 5, cacheWriteTokens: 100, modelId: 'm2' }],
      first,
    );
    const answer = continued.items.at(-1)!;
    assert.deepEqual(answer.kind === 'assistant' && answer.usage, {
      inputTokens: 1500,
      outputTokens: 15,
      cacheReadTokens: 800,
      cacheWriteTokens: 100,
      modelId: 'm2',
    });
    assert.deepEqual(sessionUsage(continued), {
      inputTokens: 1500,
      outputTokens: 15,
      cacheReadTokens: 800,
      cacheWriteTokens: 100,
    });
  });

  it('prices each answer by the model that gave it, the configured one when it says none', () => {
    const items: Item[] = [
      {
        kind: 'assistant',
        text: 'a',
        streaming: false,
        usage: { inputTokens: 1e6, outputTokens: 0, modelId: 'gpt-4.1' },
      },
      { kind: 'assistant', text: 'b', streaming: false, usage: { inputTokens: 1e6, outputTokens: 0 } },
    ];
    const state: ConversationState = {
      ...emptyState(),
      items,
      pricing: { modelId: 'claude-haiku-4-5', overrides: [] },
    };
    assert.equal(sessionCost(state), 2 + 1, 'GPT-4.1 input at $2, then Haiku 4.5 at $1');
  });

  it('shows tokens only for the conversation when any answer came from a model without a price', () => {
    const state: ConversationState = {
      ...emptyState(),
      items: [
        {
          kind: 'assistant',
          text: 'a',
          streaming: false,
          usage: { inputTokens: 10, outputTokens: 1, modelId: 'gpt-4.1' },
        },
        {
          kind: 'assistant',
          text: 'b',
          streaming: false,
          usage: { inputTokens: 10, outputTokens: 1, modelId: 'llama3.1:8b' },
        },
      ],
      // Configured as Claude: an Ollama answer must not borrow its price.
      pricing: { modelId: DEFAULT_CLAUDE, overrides: [] },
    };
    assert.equal(sessionCost(state), undefined);
    assert.equal(sessionCost({ ...state, pricing: undefined }), undefined, 'no pricing: tokens only');
    const priced = {
      ...state,
      pricing: {
        modelId: DEFAULT_CLAUDE,
        overrides: validOverrides({ 'llama3.1': { input: 0, output: 0 } }),
      },
    };
    assert.equal(typeof sessionCost(priced), 'number', 'an override prices it');
  });

  it('accepts pricing in the state the extension sends, and refuses a negative rate', () => {
    const state = {
      ...emptyState(),
      pricing: { modelId: 'x', overrides: [['x', { input: 1, output: 2, cacheRead: 0.1 }]] },
    };
    assert.ok(ConversationState.safeParse(state).success);
    const bad = { ...emptyState(), pricing: { modelId: 'x', overrides: [['x', { input: -1, output: 2 }]] } };
    assert.equal(ConversationState.safeParse(bad).success, false);
  });
});
const DEFAULT_CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('the summary marker', () => {
  const turns = (n: number): Turn[] =>
    Array.from({ length: n }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      text: `t${i}`,
      createdAt: 't',
      status: 'complete',
    }));

  it('numbers the questions by the turns the backend stored, live', () => {
    let state = exchange(emptyState(), 'one');
    state = exchange(state, 'two');
    assert.deepEqual(kinds(state.items), ['Q0', 'a', 'Q2', 'a']);
    assert.equal(state.storedTurns, 4);
  });

  it('goes before the first kept question when the live turn summarizes, and takes the stored text later', () => {
    let state = emptyState();
    for (const q of ['one', 'two', 'three']) state = exchange(state, q);
    state = exchange(state, 'four', [{ type: 'summary', keepFrom: 4 }]);
    assert.deepEqual(kinds(state.items), ['Q0', 'a', 'Q2', 'a', 'S', 'Q4', 'a', 'Q6', 'a']);
    const marker = state.items[4]!;
    assert.deepEqual(marker, { kind: 'summary', keepFrom: 4 });
    // The controller reads the summary's text from getSession afterwards.
    const withText = placeSummary(state.items, 4, 'They asked about one and two.');
    assert.deepEqual(withText[4], { kind: 'summary', keepFrom: 4, text: 'They asked about one and two.' });
    // A grown summary moves the marker; there is only ever one.
    const grown = streamed([{ type: 'summary', keepFrom: 6 }], { ...state, items: withText });
    assert.deepEqual(kinds(grown.items), ['Q0', 'a', 'Q2', 'a', 'Q4', 'a', 'S', 'Q6', 'a']);
    assert.equal(grown.items.filter((it) => it.kind === 'summary').length, 1);
    assert.equal((grown.items[6] as { text?: string }).text, undefined, 'another summary: its own text');
  });

  it('counts a decision as a stored turn without a question of its own', () => {
    let state = exchange(emptyState(), 'change it', [
      { type: 'approval_required', id: 'a', name: 'cloudformation_delete_stack', input: {}, reason: 'r' },
    ]);
    // The decision: no new question, a user turn and an answer stored.
    state = streamed(
      [session(), { type: 'text', text: 'done' }, { type: 'done', stopReason: 'end_turn' }],
      state,
    );
    state = exchange(state, 'next', [{ type: 'summary', keepFrom: 4 }]);
    assert.deepEqual(kinds(state.items), ['Q0', 'A', 'a', 'a', 'S', 'Q4', 'a']);
  });

  it('goes before the newest question when the numbers are not known, never after it', () => {
    const unknown: ConversationState = { ...emptyState(), storedTurns: undefined };
    let state = exchange(unknown, 'one');
    state = exchange(state, 'two', [{ type: 'summary', keepFrom: 2 }]);
    assert.deepEqual(kinds(state.items), ['Q?', 'a', 'S', 'Q?', 'a']);
  });

  it("is placed on resume from the session's summary, and not at all when nothing was summarized", () => {
    const items = turnsToItems(turns(6), { keepFrom: 4, text: 'Earlier: t0–t3.' });
    assert.deepEqual(kinds(items), ['Q0', 'a', 'Q2', 'a', 'S', 'Q4', 'a']);
    assert.deepEqual(items[4], { kind: 'summary', keepFrom: 4, text: 'Earlier: t0–t3.' });
    assert.deepEqual(kinds(turnsToItems(turns(4), { keepFrom: 0, text: 'x' })), ['Q0', 'a', 'Q2', 'a']);
    // A summary whose turn is past the ones shown still never hides the newest question.
    assert.deepEqual(kinds(turnsToItems(turns(4), { keepFrom: 99, text: 'x' })), ['Q0', 'a', 'S', 'Q2', 'a']);
  });

  it('keeps counting after a resume', () => {
    const resumed: ConversationState = { ...emptyState(), items: turnsToItems(turns(4)), storedTurns: 4 };
    const state = exchange(resumed, 'more', [{ type: 'summary', keepFrom: 2 }]);
    assert.deepEqual(kinds(state.items), ['Q0', 'a', 'S', 'Q2', 'a', 'Q4', 'a']);
  });
});

describe('approvers', () => {
  const required = (extra: object = {}): StreamEvent => ({
    type: 'approval_required',
    id: 'd1',
    name: 'cloudformation_delete_stack',
    input: { stackName: 'web' },
    reason: 'Deletes web',
    target: { account: '123456789012', region: 'eu-west-1' },
    ...extra,
  });

  it('marks a card this user may not approve, with the groups that may', () => {
    const state = streamed([required({ canApprove: false, approverGroups: ['approvers'] })]);
    assert.deepEqual(
      [
        state.items[0]!.kind === 'approval' && state.items[0]!.canApprove,
        (state.items[0] as { approverGroups?: string[] }).approverGroups,
      ],
      [false, ['approvers']],
    );
    // Absent or true (an older backend, an approver): the card offers Approve, as before.
    for (const extra of [{}, { canApprove: true, approverGroups: ['approvers'] }]) {
      const card = streamed([required(extra)]).items[0]!;
      assert.equal('canApprove' in card, false);
      assert.equal('approverGroups' in card, false);
    }
  });

  it('gives a waiting card its rights on resume from whoami, leaving decided ones alone', () => {
    const items: Item[] = [
      { kind: 'approval', id: 'a', name: 'n', input: {}, reason: 'r' },
      { kind: 'approval', id: 'b', name: 'n', input: {}, reason: 'r', decision: 'deny' },
    ];
    const marked = withApprovalRights(items, { canApprove: false, approverGroups: ['ops-approvers'] });
    assert.deepEqual(marked[0], { ...items[0], canApprove: false, approverGroups: ['ops-approvers'] });
    assert.equal(marked[1], items[1]);
    assert.deepEqual(withApprovalRights(items, {}), items, 'an older backend says nothing: unchanged');
  });

  it('puts the approver on the card live and on resume', () => {
    const approvedBy = { sub: 'u-1', name: 'alice@example.com', at: '2026-03-01T14:03:00Z' };
    const live = streamed([
      required(),
      { type: 'done', stopReason: 'approval_required' },
      {
        type: 'tool_result',
        id: 'd1',
        name: 'cloudformation_delete_stack',
        status: 'success',
        summary: 'ok',
        approvedBy,
      },
    ]);
    assert.deepEqual(live.items[0]!.kind === 'approval' && live.items[0]!.result, {
      status: 'success',
      summary: 'ok',
      approvedBy,
    });
    const resumed = resumedExchange({
      toolCalls: [
        { id: 'd1', name: 'cloudformation_delete_stack', input: {}, status: 'success', approvedBy },
      ],
    });
    assert.deepEqual(resumed[1]!.kind === 'tool' && resumed[1]!.approvedBy, approvedBy);
  });

  it('copies the exact call: the tool, its whole input and where it runs', () => {
    const card = openApprovals(streamed([required()]))[0]!;
    assert.deepEqual(JSON.parse(callText(card)), {
      tool: 'cloudformation_delete_stack',
      input: { stackName: 'web' },
      runsIn: { account: '123456789012', region: 'eu-west-1' },
    });
  });
});

describe('a spent daily budget', () => {
  it('renews when Retry-After says, else at the next UTC midnight, and offers no Retry until then', () => {
    const now = new Date('2026-03-01T21:30:00Z');
    assert.equal(quotaRenewsAt(now, 9000).toISOString(), '2026-03-02T00:00:00.000Z');
    assert.equal(quotaRenewsAt(now).toISOString(), '2026-03-02T00:00:00.000Z');
    assert.equal(quotaRenewsAt(now, -1).toISOString(), '2026-03-02T00:00:00.000Z', 'a bad header is ignored');
    assert.equal(quotaRenewsAt(now, 1e9).toISOString(), '2026-03-02T21:30:00.000Z', 'never more than a day');
    const state = streamed([{ type: 'error', code: 'quota_exceeded', message: 'spent', retryable: false }]);
    assert.deepEqual(state.error?.actions, ['showLogs']);
  });
});

describe('the view protocol for the model edge', () => {
  it('carries every setup step, and nothing else', () => {
    for (const kind of ['awsCredentials', 'modelKey', 'selectModel', 'serverDown'])
      assert.ok(
        ConversationState.safeParse({ ...emptyState(), setup: { kind, message: 'm' } }).success,
        kind,
      );
    assert.equal(
      ConversationState.safeParse({ ...emptyState(), setup: { kind: 'rm -rf', message: 'm' } }).success,
      false,
    );
  });

  it('accepts Copy Call by id only, and the setup fixes', () => {
    assert.ok(ToExtension.safeParse({ type: 'copyCall', toolUseId: 'd1' }).success);
    assert.equal(ToExtension.safeParse({ type: 'copyCall', toolUseId: '' }).success, false);
    assert.equal(ToExtension.safeParse({ type: 'copyCall', toolUseId: 'x'.repeat(201) }).success, false);
    for (const action of ['setModelApiKey', 'selectModel', 'checkSetup'])
      assert.ok(ToExtension.safeParse({ type: 'fix', action }).success, action);
    assert.equal(
      ToExtension.safeParse({ type: 'fix', action: 'workbench.action.terminal.new' }).success,
      false,
    );
  });
});
