import assert from 'node:assert/strict';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { DEFAULT_MODEL_ID } from '../../../../backend/src/core/config';
import { pricedModelId } from '../../../../extension/usage/model';
import {
  addUsage,
  costOf,
  formatUsd,
  modelName,
  priceFor,
  shortUsageLine,
  tokensText,
  usageLine,
} from '../../../../shared/prices';
import { MAX_REMEMBERED, SessionUsage } from '../../../../extension/usage/session-usage';
import {
  applyEvent,
  emptyState,
  sessionUsage,
  type ConversationState,
} from '../../../../shared/conversation-state';
import { resumedExchange } from '../../../support/conversation-state';
import { memento } from '../../../support/memento';

describe('usage: price table', () => {
  const claude = (input: number, output: number) => ({
    input,
    output,
    cacheRead: Number((input * 0.1).toPrecision(6)),
    cacheWrite: Number((input * 1.25).toPrecision(6)),
  });

  it('prices Claude on Bedrock and on the Anthropic API alike, with cache reads at 0.1× and writes at 1.25×', () => {
    assert.deepEqual(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), claude(3, 15));
    assert.deepEqual(priceFor('claude-sonnet-4-5'), claude(3, 15));
    assert.deepEqual(priceFor('global.anthropic.claude-haiku-4-5-20251001-v1:0'), claude(1, 5));
    assert.deepEqual(priceFor('claude-haiku-4-5'), claude(1, 5));
    assert.deepEqual(priceFor('anthropic.claude-opus-4-1-20250805-v1:0'), claude(15, 75));
    assert.deepEqual(priceFor('claude-opus-4-1'), claude(15, 75));
    assert.deepEqual(priceFor('us.anthropic.claude-opus-4-5-20251101-v1:0'), claude(5, 25));
    assert.deepEqual(priceFor('claude-sonnet-4-0'), claude(3, 15));
    assert.ok(priceFor(DEFAULT_MODEL_ID), 'the default model has a price');
  });

  it('prices Nova with cache reads at a quarter of input and free cache writes', () => {
    assert.deepEqual(priceFor('us.amazon.nova-pro-v1:0'), {
      input: 0.8,
      output: 3.2,
      cacheRead: 0.2,
      cacheWrite: 0,
    });
    assert.deepEqual(priceFor('amazon.nova-micro-v1:0'), {
      input: 0.035,
      output: 0.14,
      cacheRead: 0.00875,
      cacheWrite: 0,
    });
    assert.deepEqual(priceFor('us.amazon.nova-lite-v1:0')?.cacheRead, 0.015);
  });

  it('prices OpenAI and Gemini models with their cached-input prices, the specific names first', () => {
    assert.deepEqual(priceFor('gpt-4.1'), { input: 2, output: 8, cacheRead: 0.5 });
    assert.deepEqual(priceFor('gpt-4.1-mini'), { input: 0.4, output: 1.6, cacheRead: 0.1 });
    assert.deepEqual(priceFor('gpt-4.1-2025-04-14'), { input: 2, output: 8, cacheRead: 0.5 });
    assert.deepEqual(priceFor('gpt-4o'), { input: 2.5, output: 10, cacheRead: 1.25 });
    assert.deepEqual(priceFor('o4-mini'), { input: 1.1, output: 4.4, cacheRead: 0.275 });
    assert.deepEqual(priceFor('gemini-2.5-pro'), { input: 1.25, output: 10, cacheRead: 0.31 });
    assert.deepEqual(priceFor('models/gemini-2.5-flash'), { input: 0.3, output: 2.5, cacheRead: 0.075 });
    assert.deepEqual(priceFor('gemini-2.5-flash-lite'), { input: 0.1, output: 0.4, cacheRead: 0.025 });
  });

  it('matches a name only at word boundaries: another model never borrows a price', () => {
    // An Ollama model named like a priced one at its end or inside it is not that model.
    assert.equal(priceFor('nemo3:12b'), undefined, '"o3" inside a word');
    assert.equal(priceFor('llama3.1:8b'), undefined);
    assert.equal(priceFor('qwen2.5-coder:14b'), undefined);
    assert.equal(priceFor('gpt-oss:20b'), undefined);
    assert.equal(priceFor('mygpt-4ol'), undefined);
    assert.equal(priceFor('amazon.nova-2-lite-v1:0'), undefined, 'a newer Nova is not Nova Lite');
    assert.equal(priceFor('meta.llama3-70b-instruct-v1:0'), undefined);
    assert.equal(priceFor(''), undefined);
  });

  it('does the math per million tokens: uncached input, cache reads and writes, output', () => {
    const usage = { inputTokens: 1234, outputTokens: 567 };
    assert.equal(costOf(usage, { input: 3, output: 15 }), (1234 * 3 + 567 * 15) / 1e6);
    const cachedUsage = {
      inputTokens: 10_000,
      outputTokens: 500,
      cacheReadTokens: 8000,
      cacheWriteTokens: 1500,
    };
    assert.equal(
      costOf(cachedUsage, claude(3, 15)),
      (500 * 3 + 8000 * 0.3 + 1500 * 3.75 + 500 * 15) / 1e6,
      'inputTokens counts the cached tokens too: only the rest is priced as input',
    );
    assert.equal(
      costOf(cachedUsage, { input: 3, output: 15 }),
      (10_000 * 3 + 500 * 15) / 1e6,
      'a price without cache rates prices cached tokens as input',
    );
    // A provider reporting more cached than input tokens never makes a negative cost.
    assert.ok(costOf({ inputTokens: 10, outputTokens: 0, cacheReadTokens: 50 }, claude(3, 15)) >= 0);
    assert.equal(shortUsageLine(usage, { input: 3, output: 15 }), '1.8k tokens · ~$0.012');
    assert.equal(shortUsageLine({ inputTokens: 2_500_000, outputTokens: 0 }, undefined), '2.5M tokens');
    assert.equal(formatUsd(1.3456), '$1.35');
    assert.equal(formatUsd(0.9), '$0.90', 'cents keep their zero');
    assert.equal(formatUsd(0.996), '$1.00');
    assert.equal(formatUsd(0.006), '$0.006', 'no trailing zero below a dime');
    assert.equal(formatUsd(0.0996), '$0.10');
    assert.equal(formatUsd(0.00421), '$0.0042');
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(1e-9), '<$0.0001');
  });

  it('writes the usage line as "1,234 in (1,000 cached) · 567 out · ~$0.004"', () => {
    const price = { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 };
    const usage = { inputTokens: 1234, outputTokens: 567, cacheReadTokens: 1000 };
    // (234 × 1 + 1000 × 0.1 + 567 × 5) / 1e6 = $0.003169
    assert.equal(usageLine(usage, price), '1,234 in (1,000 cached) · 567 out · ~$0.0032');
    assert.equal(
      usageLine({ inputTokens: 1234, outputTokens: 567 }, { input: 3, output: 15 }),
      '1,234 in · 567 out · ~$0.012',
    );
    assert.equal(
      usageLine({ inputTokens: 1234, outputTokens: 567, cacheWriteTokens: 1200 }, price),
      '1,234 in · 567 out · ~$0.0044', // (34 × 1 + 1200 × 1.25 + 567 × 5) / 1e6
      'a cache write alone is not "cached"',
    );
    assert.equal(usageLine({ inputTokens: 10, outputTokens: 2 }, undefined), '10 in · 2 out tokens');
    assert.equal(tokensText({ inputTokens: 5, outputTokens: 1, cacheReadTokens: 0 }), '5 in · 1 out');
    assert.deepEqual(
      addUsage([
        { inputTokens: 10, outputTokens: 1, cacheReadTokens: 8 },
        undefined,
        { inputTokens: 20, outputTokens: 2, cacheWriteTokens: 15 },
      ]),
      { inputTokens: 30, outputTokens: 3, cacheReadTokens: 8, cacheWriteTokens: 15 },
    );
  });

  it("names the model that answered: the table's name, else a short id", () => {
    assert.equal(modelName('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), 'Claude Sonnet 4.5');
    assert.equal(modelName('claude-haiku-4-5'), 'Claude Haiku 4.5');
    assert.equal(modelName('us.amazon.nova-pro-v1:0'), 'Nova Pro');
    assert.equal(modelName('gpt-4.1-mini'), 'GPT-4.1 mini');
    assert.equal(modelName('models/gemini-2.5-flash'), 'Gemini 2.5 Flash');
    assert.equal(modelName('llama3.1:8b'), 'llama3.1:8b');
    assert.equal(modelName('us.meta.llama3-3-70b-instruct-v1:0'), 'llama3-3-70b-instruct');
    assert.equal(modelName('meta-llama/Llama-3.1-8B-Instruct'), 'Llama-3.1-8B-Instruct');
    assert.equal(modelName('x'.repeat(60)).length, 40);
  });

  it('lets the setting override and extend the table: exact id, then the longest part', () => {
    const overrides = {
      'claude-sonnet-4': { input: 2, output: 10 },
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0': { input: 1, output: 1 },
      'llama3-70b': { input: 0.7, output: 0.9 },
      'qwen2.5-coder': { input: 0.1, output: 0.2, cacheRead: 0.01, cacheWrite: 0 },
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
    assert.deepEqual(priceFor('qwen2.5-coder:14b', overrides), {
      input: 0.1,
      output: 0.2,
      cacheRead: 0.01,
      cacheWrite: 0,
    });
  });

  it('ignores override entries that are not prices', () => {
    const hostile = {
      'claude-sonnet-4': { input: -1, output: 15 },
      nova: { input: 'free', output: 0 },
      '': { input: 0, output: 0 },
      __proto__: { input: 0, output: 0 },
      'claude-haiku': { input: Number.POSITIVE_INFINITY, output: 1 },
      'claude-opus': null,
      'gpt-4.1': { input: 0, output: 0, cacheRead: -5 },
      'gpt-4o': { input: 0, output: 0, cacheWrite: 'none' },
    };
    assert.deepEqual(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0', hostile), claude(3, 15));
    assert.deepEqual(priceFor('us.amazon.nova-pro-v1:0', hostile)?.input, 0.8);
    assert.deepEqual(priceFor('anthropic.claude-haiku-4-5', hostile), claude(1, 5));
    assert.deepEqual(priceFor('gpt-4.1', hostile)?.input, 2, 'a bad cache rate drops the entry');
    assert.deepEqual(priceFor('gpt-4o', hostile)?.input, 2.5);
    for (const notAnObject of [null, 'x', 42, [['claude', { input: 0, output: 0 }]]])
      assert.deepEqual(priceFor('anthropic.claude-haiku-4-5', notAnObject), claude(1, 5));
  });

  it("prices local mode by its model (else its provider's default), deployed modes by the usage setting", () => {
    assert.equal(
      pricedModelId({ mode: 'local', modelId: 'amazon.nova-lite-v1:0', usageModelId: 'x' }),
      'amazon.nova-lite-v1:0',
    );
    assert.equal(pricedModelId({ mode: 'local', modelId: '' }), DEFAULT_MODEL_ID);
    assert.equal(pricedModelId({ mode: 'local', modelId: '', modelProvider: 'openai' }), 'gpt-4.1');
    assert.equal(pricedModelId({ mode: 'local', modelId: '', modelProvider: 'gemini' }), 'gemini-2.5-flash');
    // Ollama with no model named: nothing to price, never Claude's price.
    assert.equal(
      pricedModelId({
        mode: 'local',
        modelId: '',
        modelProvider: 'openai',
        modelBaseUrl: 'http://localhost:11434/v1',
      }),
      '',
    );
    assert.equal(
      priceFor(pricedModelId({ mode: 'local', modelId: 'llama3.1:8b', modelProvider: 'openai' })),
      undefined,
    );
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
    const items = resumedExchange({ text: 'a', usage: { inputTokens: 9, outputTokens: 1 } });
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
