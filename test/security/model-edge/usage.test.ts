/** The model edge under attack (a model server or provider answering as a stranger would): usage figures a provider reports: never poison the daily budget or the usage line. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStep } from '../../../backend/src/core/agent/model-step';
import { spendTokens } from '../../../backend/src/core/chat/quota';
import type { ServiceDeps } from '../../../backend/src/core/deps';
import { silentLogger } from '../../../backend/src/core/log';
import { FileMemoryStore } from '../../../backend/src/core/memory/file-store';
import type { ModelEvent } from '../../../backend/src/core/model/types';
import type { StreamEvent } from '../../../backend/src/protocol';
import * as A from '../../fakes/anthropic';
import * as B from '../../fakes/bedrock';
import * as O from '../../fakes/openai';
import { chat, inProcessService, user } from '../../support/in-process';
import { scripted, text } from '../../support/scripted-model';
import { collect } from '../../unit/core/model/provider-suite';
import { assertSaneUsage, useHostileFakes } from './support';

describe('security: a hostile model server: usage figures a provider reports', function () {
  this.timeout(30_000);
  const { openai, anthropic, gemini, bedrock, oai, claude, gem, nova } = useHostileFakes();

  describe('usage figures a provider reports', () => {
    const hostile = [
      ['negative', -5000],
      ['a string', '120'],
      ['a fraction', 12.5],
      ['huge', 1e300],
    ] as const;

    for (const [what, value] of hostile) {
      it(`OpenAI-compatible: ${what} figures become non-negative integers`, async () => {
        openai.enqueue({
          steps: [
            O.chunk({ content: 'ok' }),
            O.chunk({}, 'stop'),
            {
              kind: 'chunk',
              data: {
                id: 'x',
                object: 'chat.completion.chunk',
                created: 1,
                model: 'm',
                choices: [],
                usage: {
                  prompt_tokens: value,
                  completion_tokens: value,
                  total_tokens: value,
                  prompt_tokens_details: { cached_tokens: value },
                },
              },
            },
            O.done,
          ],
        });
        assertSaneUsage(await collect(oai()), what);
      });

      it(`Anthropic: ${what} figures become non-negative integers`, async () => {
        anthropic.enqueue({
          steps: [
            A.ev('message_start', {
              type: 'message_start',
              message: {
                id: 'msg',
                type: 'message',
                role: 'assistant',
                model: 'm',
                content: [],
                stop_reason: null,
                stop_sequence: null,
                usage: {
                  input_tokens: value,
                  output_tokens: 1,
                  cache_read_input_tokens: value,
                  cache_creation_input_tokens: value,
                },
              },
            }),
            A.textStart(0),
            A.textDelta(0, 'ok'),
            A.blockStop(0),
            A.ev('message_delta', {
              type: 'message_delta',
              delta: { stop_reason: 'end_turn', stop_sequence: null },
              usage: { output_tokens: value },
            }),
            A.ev('message_stop', { type: 'message_stop' }),
          ],
        });
        assertSaneUsage(await collect(claude()), what);
      });

      it(`Gemini: ${what} figures become non-negative integers`, async () => {
        gemini.enqueue({
          steps: [
            {
              kind: 'response',
              data: {
                candidates: [
                  { content: { role: 'model', parts: [{ text: 'ok' }] }, index: 0, finishReason: 'STOP' },
                ],
                usageMetadata: {
                  promptTokenCount: value,
                  candidatesTokenCount: value,
                  thoughtsTokenCount: value,
                  cachedContentTokenCount: value,
                  totalTokenCount: value,
                },
              },
            },
          ],
        });
        assertSaneUsage(await collect(gem()), what);
      });
    }

    it('Bedrock: negative figures become non-negative integers', async () => {
      bedrock.enqueue(B.textTurn(['ok'], { usage: [-100, -7, -3, -2] }));
      assertSaneUsage(await collect(nova()), 'negative');
    });

    it('a model step never sums a figure that is not a count', async () => {
      const step = new ModelStep();
      const odd = [-1e6, Number.NaN, Infinity, '7', 2.5, 1e300, null, { n: 1 }];
      for (const v of odd)
        [
          ...step.accept({
            type: 'usage',
            usage: { inputTokens: v, outputTokens: v, cacheReadTokens: v } as never,
          }),
        ];
      for (const [field, value] of Object.entries(step.usage))
        assert.ok(Number.isSafeInteger(value) && value >= 0, `${field} is ${value}`);
    });

    it('a negative or garbage figure cannot bypass the daily budget, nor poison the usage line', async () => {
      const memory = new FileMemoryStore(mkdtempSync(join(tmpdir(), 'ce-hostile-quota-')));
      const alice = user('alice');
      const day = new Date().toISOString().slice(0, 10);
      // A real call of 100 + 5 tokens, then one whose figures are negative, a string, a fraction.
      const lie = (inputTokens: unknown, outputTokens: unknown): ModelEvent[] => [
        { type: 'text', text: 'ok' },
        { type: 'stop', reason: 'end_turn' },
        { type: 'usage', usage: { inputTokens, outputTokens } as never },
      ];
      const lies = [lie(-1_000_000, -1), lie('50', '5'), lie(10.5, Number.NaN), lie(1e300, 1e300)];
      const model = scripted([], () => lies.shift() ?? text('ok'));
      const agent = inProcessService({ memory, model, userDailyTokens: 1_000_000_000 });
      const usageLines: StreamEvent[] = [];
      for (let i = 0; i < 4; i++) {
        const { events } = await chat(agent, alice, { message: `turn ${i}` });
        assert.equal(events.at(-1)!.type, 'done');
        usageLines.push(...events.filter((e) => e.type === 'usage'));
        const used = await memory.tokensUsed(alice.actorId, day);
        assert.ok(Number.isSafeInteger(used) && used >= 0, `after turn ${i} the counter is ${used}`);
      }
      for (const u of usageLines)
        for (const [k, v] of Object.entries(u))
          if (k.endsWith('Tokens')) assert.ok(Number.isSafeInteger(v) && (v as number) >= 0, `${k}: ${v}`);
      // The huge figure counts (the budget is spent), it does not vanish as an invalid add.
      assert.ok((await memory.tokensUsed(alice.actorId, day)) >= 1_000_000_000, 'the huge turn was counted');
      await assert.rejects(chat(agent, alice, { message: 'more' }), /today's 1,000,000,000 tokens/);
    });

    it('spendTokens never hands the store a figure it refuses, and never drops a real turn', async () => {
      const memory = new FileMemoryStore(mkdtempSync(join(tmpdir(), 'ce-hostile-spend-')));
      const deps = {
        memory,
        userDailyTokens: 1000,
        now: () => new Date(),
        log: silentLogger,
      } as unknown as ServiceDeps;
      const day = new Date().toISOString().slice(0, 10);
      for (const v of [Number.NaN, -5, -Infinity]) await spendTokens(deps, 'a', v);
      assert.equal(await memory.tokensUsed('a', day), 0, 'nothing to count is not counted');
      await spendTokens(deps, 'a', 10.5);
      assert.ok((await memory.tokensUsed('a', day)) >= 10, 'a fraction is counted, not dropped');
      await spendTokens(deps, 'a', 1e300);
      const used = await memory.tokensUsed('a', day);
      assert.ok(Number.isSafeInteger(used) && used > 1000, `a huge figure spends the budget (${used})`);
      await spendTokens(deps, 'a', Infinity);
      const again = await memory.tokensUsed('a', day);
      assert.ok(
        Number.isSafeInteger(again) && again > used,
        'nor does Infinity, which never resets the counter',
      );
    });
  });
});
