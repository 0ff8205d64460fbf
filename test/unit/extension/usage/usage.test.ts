import assert from 'node:assert/strict';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { DEFAULT_MODEL_ID } from '../../../../backend/src/core/config';
import { pricedModelId } from '../../../../extension/usage/model';
import { costOf, formatUsd, priceFor, shortUsageLine, usageLine } from '../../../../shared/prices';
import { MAX_REMEMBERED, SessionUsage } from '../../../../extension/usage/session-usage';
import {
  applyEvent,
  emptyState,
  sessionUsage,
  turnsToItems,
  type ConversationState,
} from '../../../../shared/conversation-state';

describe('usage: price table', () => {
  it('prices current Claude and Nova inference profiles by substring', () => {
    assert.deepEqual(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), { input: 3, output: 15 });
    assert.deepEqual(priceFor('global.anthropic.claude-haiku-4-5-20251001-v1:0'), { input: 1, output: 5 });
    assert.deepEqual(priceFor('anthropic.claude-opus-4-1-20250805-v1:0'), { input: 15, output: 75 });
    assert.deepEqual(priceFor('us.anthropic.claude-opus-4-5-20251101-v1:0'), { input: 5, output: 25 });
    assert.deepEqual(priceFor('us.amazon.nova-pro-v1:0'), { input: 0.8, output: 3.2 });
    assert.deepEqual(priceFor('amazon.nova-micro-v1:0'), { input: 0.035, output: 0.14 });
    assert.ok(priceFor(DEFAULT_MODEL_ID), 'the default model has a price');
  });

  it('does the math per million tokens', () => {
    const usage = { inputTokens: 1234, outputTokens: 567 };
    assert.equal(costOf(usage, { input: 3, output: 15 }), (1234 * 3 + 567 * 15) / 1e6);
    assert.equal(usageLine(usage, { input: 3, output: 15 }), '1,234 in · 567 out tokens · ~$0.012');
    assert.equal(shortUsageLine(usage, { input: 3, output: 15 }), '1.8k tokens · ~$0.012');
    assert.equal(shortUsageLine({ inputTokens: 2_500_000, outputTokens: 0 }, undefined), '2.5M tokens');
    assert.equal(formatUsd(1.3456), '$1.35');
    assert.equal(formatUsd(0.00421), '$0.0042');
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(1e-9), '<$0.0001');
  });

  it('shows tokens only for an unknown model', () => {
    assert.equal(priceFor('meta.llama3-70b-instruct-v1:0'), undefined);
    assert.equal(priceFor(''), undefined);
    assert.equal(usageLine({ inputTokens: 10, outputTokens: 2 }, undefined), '10 in · 2 out tokens');
  });

  it('lets the setting override and extend the table: exact id, then the longest part', () => {
    const overrides = {
      'claude-sonnet-4': { input: 2, output: 10 },
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': { input: 1, output: 1 },
      'llama3-70b': { input: 0.7, output: 0.9 },
    };
    assert.deepEqual(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0', overrides), {
      input: 1,
      output: 1,
    });
    assert.deepEqual(priceFor('eu.anthropic.claude-sonnet-4-20250514-v1:0', overrides), {
      input: 2,
      output: 10,
    });
    assert.deepEqual(priceFor('meta.llama3-70b-instruct-v1:0', overrides), { input: 0.7, output: 0.9 });
  });

  it('ignores override entries that are not prices', () => {
    const hostile = {
      'claude-sonnet-4': { input: -1, output: 15 },
      nova: { input: 'free', output: 0 },
      '': { input: 0, output: 0 },
      __proto__: { input: 0, output: 0 },
      'claude-haiku': { input: Number.POSITIVE_INFINITY, output: 1 },
      'claude-opus': null,
    };
    assert.deepEqual(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0', hostile), {
      input: 3,
      output: 15,
    });
    assert.deepEqual(priceFor('us.amazon.nova-pro-v1:0', hostile), { input: 0.8, output: 3.2 });
    assert.deepEqual(priceFor('anthropic.claude-haiku-4-5', hostile), { input: 1, output: 5 });
    for (const notAnObject of [null, 'x', 42, [['claude', { input: 0, output: 0 }]]])
      assert.deepEqual(priceFor('anthropic.claude-haiku-4-5', notAnObject), { input: 1, output: 5 });
  });

  it('prices local mode by its model setting, deployed modes by the usage setting, else the default', () => {
    assert.equal(
      pricedModelId({ mode: 'local', modelId: 'amazon.nova-lite-v1:0', usageModelId: 'x' }),
      'amazon.nova-lite-v1:0',
    );
    assert.equal(pricedModelId({ mode: 'local', modelId: '' }), DEFAULT_MODEL_ID);
    assert.equal(
      pricedModelId({ mode: 'http', modelId: 'ignored', usageModelId: ' amazon.nova-pro-v1:0 ' }),
      'amazon.nova-pro-v1:0',
    );
    assert.equal(
      pricedModelId({ mode: 'agentcore', modelId: 'ignored', usageModelId: '' }),
      DEFAULT_MODEL_ID,
    );
  });
});

describe('usage: in the conversation', () => {
  const run = (events: StreamEvent[], from: ConversationState = emptyState()) =>
    events.reduce(applyEvent, from);

  it('puts the usage event on the answer it ends, and sums the conversation', () => {
    let state = run([
      { type: 'session', sessionId: 's', title: 't', created: true },
      { type: 'text', text: 'Hello' },
      { type: 'usage', inputTokens: 100, outputTokens: 20 },
      { type: 'done', stopReason: 'end_turn' },
    ]);
    const answer = state.items.at(-1)!;
    assert.equal(answer.kind, 'assistant');
    assert.deepEqual(answer.kind === 'assistant' && answer.usage, { inputTokens: 100, outputTokens: 20 });
    assert.equal(answer.kind === 'assistant' && answer.streaming, false);
    state = { ...state, items: [...state.items, { kind: 'user', text: 'again' }] };
    state = run(
      [
        { type: 'text', text: 'Hi' },
        { type: 'usage', inputTokens: 50, outputTokens: 5 },
      ],
      state,
    );
    assert.deepEqual(sessionUsage(state), { inputTokens: 150, outputTokens: 25 });
  });

  it('gives a turn of tool calls only an empty answer with its usage', () => {
    const state = run(
      [
        { type: 'tool_call', id: 't', name: 'get_caller_identity', input: {}, readOnly: true },
        { type: 'usage', inputTokens: 7, outputTokens: 3 },
      ],
      { ...emptyState(), items: [{ kind: 'user', text: 'who?' }] },
    );
    const last = state.items.at(-1)!;
    assert.deepEqual(last, {
      kind: 'assistant',
      text: '',
      streaming: false,
      usage: { inputTokens: 7, outputTokens: 3 },
    });
  });

  it('has no usage when no answer reported any', () => {
    assert.equal(sessionUsage(run([{ type: 'text', text: 'x' }])), undefined);
  });

  it('keeps stored usage on resume', () => {
    const items = turnsToItems([
      { role: 'user', text: 'q', createdAt: '2026-01-01T00:00:00Z', status: 'complete' },
      {
        role: 'assistant',
        text: 'a',
        createdAt: '2026-01-01T00:00:01Z',
        status: 'complete',
        usage: { inputTokens: 9, outputTokens: 1 },
      },
    ]);
    assert.deepEqual(items.at(-1), {
      kind: 'assistant',
      text: 'a',
      streaming: false,
      usage: { inputTokens: 9, outputTokens: 1 },
    });
    assert.deepEqual(sessionUsage({ ...emptyState(), items }), { inputTokens: 9, outputTokens: 1 });
  });
});

describe('usage: per session, remembered', () => {
  const memento = () => {
    const data = new Map<string, unknown>();
    return {
      data,
      get: <T>(k: string) => data.get(k) as T | undefined,
      update: async (k: string, v: unknown) => void data.set(k, v),
    };
  };

  it('remembers totals across instances and says when they changed', () => {
    const m = memento();
    const a = new SessionUsage(m);
    assert.equal(a.remember('s1', { inputTokens: 1, outputTokens: 2 }), true);
    assert.equal(a.remember('s1', { inputTokens: 1, outputTokens: 2 }), false);
    assert.deepEqual(new SessionUsage(m).get('s1'), { inputTokens: 1, outputTokens: 2 });
    a.forget('s1');
    assert.equal(new SessionUsage(m).get('s1'), undefined);
  });

  it('is bounded and drops malformed stored entries', () => {
    const m = memento();
    m.data.set('cloudEngineer.sessionUsage', {
      bad: { inputTokens: 'x' },
      neg: { inputTokens: -1, outputTokens: 0 },
    });
    const u = new SessionUsage(m);
    assert.equal(u.get('bad'), undefined);
    assert.equal(u.get('neg'), undefined);
    for (let i = 0; i <= MAX_REMEMBERED; i++) u.remember(`s${i}`, { inputTokens: i, outputTokens: 0 });
    assert.equal(u.get('s0'), undefined, 'the oldest is dropped');
    assert.ok(u.get(`s${MAX_REMEMBERED}`));
  });
});
