/** The model edge under attack (a model server or provider answering as a stranger would): what a model server streams: tool-call pieces, stop reasons, a response without end. */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ModelStep, streamModelStep } from '../../../backend/src/core/agent/model-step';
import { LOCAL_ACTOR } from '../../../backend/src/core/auth/authenticator';
import { responseCharLimit } from '../../../backend/src/core/model/response-budget';
import type { Model, ModelRequest } from '../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../backend/src/core/tools/registry';
import { defineTool } from '../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../backend/src/protocol';
import * as A from '../../fakes/anthropic';
import * as G from '../../fakes/gemini';
import * as O from '../../fakes/openai';
import { chat, inProcessService } from '../../support/in-process';
import { scripted, text } from '../../support/scripted-model';
import { collect, failure, request } from '../../unit/core/model/provider-suite';
import { useHostileFakes } from './support';

describe('security: a hostile model server: what a model server streams', function () {
  this.timeout(30_000);
  const { openai, anthropic, gemini, oai, claude, gem } = useHostileFakes();

  describe('tool-call pieces', () => {
    const runs: string[] = [];
    const echo = defineTool({
      name: 'echo',
      description: 'says what it got',
      inputSchema: z.object({ say: z.string().optional() }),
      readOnly: true,
      run: async (input) => {
        runs.push(input.say ?? '');
        return { said: input.say ?? '' };
      },
    });
    beforeEach(() => (runs.length = 0));
    const piece = (index: unknown, fn: Record<string, unknown>, id?: string) =>
      O.chunk({ tool_calls: [{ index, ...(id ? { id } : {}), type: 'function', function: fn }] });

    it('odd indexes (1e9, -1, "0"), and ids and names that change mid-call, assemble without mixing', async () => {
      openai.enqueue({
        steps: [
          piece(1e9, { name: 'echo', arguments: '{"say":' }, 'call_big'),
          piece(-1, { name: 'echo', arguments: '{"say":"neg' }, 'call_neg'),
          piece(1e9, { name: 'aws_write', arguments: '"big"}' }, 'call_other'),
          piece(-1, { arguments: 'ative"}' }),
          O.chunk({}, 'tool_calls'),
          O.usageChunk(1, 1),
          O.done,
        ],
      });
      const uses = (await collect(oai())).filter((e) => e.type === 'toolUse');
      assert.deepEqual(
        uses.map((u) => [u.toolUseId, u.name, u.input]),
        [
          ['call_neg', 'echo', '{"say":"negative"}'],
          ['call_big', 'echo', '{"say":"big"}'],
        ],
      );
      // An index sent as a string is taken by position, never crashes.
      openai.enqueue({
        steps: [piece('0', { name: 'echo', arguments: '{}' }, 'call_s'), O.chunk({}, 'tool_calls'), O.done],
      });
      const [only] = (await collect(oai())).filter((e) => e.type === 'toolUse');
      assert.equal(only && only.type === 'toolUse' && only.input, '{}');
    });

    it('3,000 calls in one response: the turn ends, at most 10 run, every call gets a result', async () => {
      const steps: O.Step[] = [];
      for (let i = 0; i < 3000; i++)
        steps.push(piece(i, { name: 'echo', arguments: `{"say":"${i}"}` }, `c${i}`));
      steps.push(O.chunk({}, 'tool_calls'), O.usageChunk(1, 1), O.done);
      openai.enqueue({ steps }, O.textTurn(['done']));
      const agent = inProcessService({ model: oai(), tools: new ToolRegistry([echo]) });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'call a lot' });
      assert.equal(events.at(-1)!.type, 'done');
      assert.equal(runs.length, 10);
      const results = openai.requests[1]!.body.messages.filter((m: { role: string }) => m.role === 'tool');
      assert.equal(results.length, 3000);
      assert.equal(new Set(results.map((r: { tool_call_id: string }) => r.tool_call_id)).size, 3000);
    });

    it('arguments that never close, and a name with control characters or 10 KB long: error results', async () => {
      const long = `x${'y'.repeat(10_000)}`;
      openai.enqueue(
        O.toolTurn([
          { id: 'open', name: 'echo', arguments: '{"say":"never closed' },
          { id: 'ctl', name: 'ec\u0000ho\u001b[31m\u202e', arguments: '{}' },
          { id: 'long', name: long, arguments: '{}' },
          { id: 'none', name: '', arguments: '{}' },
        ]),
        O.textTurn(['ok']),
      );
      const agent = inProcessService({ model: oai(), tools: new ToolRegistry([echo]) });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      assert.equal(events.at(-1)!.type, 'done');
      assert.equal(runs.length, 0, 'nothing ran');
      const sent = openai.requests[1]!.body.messages;
      const results = sent.filter((m: { role: string }) => m.role === 'tool');
      assert.equal(results.length, 4);
      for (const r of results) assert.match(r.content, /^Error: /);
      // What is shown and sent back names no call with a name no provider takes back.
      const names = sent
        .flatMap((m: { tool_calls?: { function: { name: string } }[] }) => m.tool_calls ?? [])
        .map((c: { function: { name: string } }) => c.function.name);
      for (const name of names)
        assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/, JSON.stringify(name).slice(0, 80));
      for (const e of events)
        if (e.type === 'tool_call' || e.type === 'tool_result')
          assert.match(e.name, /^[a-zA-Z0-9_-]{1,64}$/, JSON.stringify(e.name).slice(0, 80));
    });

    it('duplicate or missing ids in one response: each call is answered under an id of its own', async () => {
      openai.enqueue(
        {
          steps: [
            piece(0, { name: 'echo', arguments: '{"say":"a"}' }, 'same'),
            piece(1, { name: 'echo', arguments: '{"say":"b"}' }, 'same'),
            O.chunk({}, 'tool_calls'),
            O.done,
          ],
        },
        O.textTurn(['ok']),
      );
      const agent = inProcessService({ model: oai(), tools: new ToolRegistry([echo]) });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      assert.equal(events.at(-1)!.type, 'done');
      const sent = openai.requests[1]!.body.messages;
      const ids = sent.flatMap((m: { tool_calls?: { id: string }[] }) =>
        (m.tool_calls ?? []).map((c) => c.id),
      );
      const answered = sent
        .filter((m: { role: string }) => m.role === 'tool')
        .map((m: { tool_call_id: string }) => m.tool_call_id);
      assert.equal(new Set(ids).size, 2, `ids ${ids}`);
      assert.deepEqual([...answered].sort(), [...ids].sort());
    });

    it('non-string text, arguments and names from the server do not crash the turn', async () => {
      openai.enqueue(
        {
          steps: [
            O.chunk({ content: 42 }),
            O.chunk({ content: { nested: true } }),
            O.chunk({ content: 'fine' }),
            piece(0, { name: { not: 'a name' }, arguments: { say: 'object' } }, 'odd'),
            O.chunk({}, 'tool_calls'),
            O.done,
          ],
        },
        O.textTurn(['ok']),
      );
      const agent = inProcessService({ model: oai(), tools: new ToolRegistry([echo]) });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      assert.equal(events.at(-1)!.type, 'done', JSON.stringify(events.at(-1)));
      assert.deepEqual(
        events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text),
        ['fine', 'ok'],
      );
      assert.equal(runs.length, 0);
      const answer = openai.requests[1]!.body.messages.find((m: { role: string }) => m.role === 'assistant');
      assert.equal(answer.content, 'fine', 'only text is kept as the answer');
      assert.equal(answer.tool_calls[0].function.name, 'invalid_tool_name');
    });
  });

  describe('stop reasons and endings', () => {
    it("'tool_calls' with no call is not a reason to call the model again and again", async () => {
      openai.enqueue(O.textTurn(['thinking about it'], {}, 'tool_calls'));
      const agent = inProcessService({ model: oai() });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      assert.equal(events.at(-1)!.type, 'done');
      assert.equal(openai.requests.length, 1, `${openai.requests.length} model calls`);
    });

    it("Anthropic 'tool_use' with no tool block: one call", async () => {
      anthropic.enqueue(A.textTurn(['hm'], {}, 'tool_use'));
      const agent = inProcessService({ model: claude() });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      assert.equal(events.at(-1)!.type, 'done');
      assert.equal(anthropic.requests.length, 1, `${anthropic.requests.length} model calls`);
    });

    it('an unknown stop reason ends the turn; a stream without one fails as unavailable', async () => {
      openai.enqueue(O.textTurn(['ok'], {}, 'banana'));
      assert.deepEqual(
        (await collect(oai())).find((e) => e.type === 'stop'),
        { type: 'stop', reason: 'end_turn' },
      );
      // Gemini and Anthropic streams that end before their finish: no stop, so the loop says cut off.
      gemini.enqueue({ steps: [G.response([{ text: 'par' }])] });
      assert.ok(!(await collect(gem())).some((e) => e.type === 'stop'));
      anthropic.enqueue({ steps: [A.messageStart(), A.textStart(0), A.textDelta(0, 'par')] });
      assert.ok(!(await collect(claude())).some((e) => e.type === 'stop'));
      anthropic.enqueue({ steps: [A.messageStart(), A.textStart(0), A.textDelta(0, 'par')] });
      const agent = inProcessService({ model: claude() });
      const { events } = await chat(agent, LOCAL_ACTOR, { message: 'go' });
      const last = events.at(-1)!;
      assert.equal(last.type === 'error' && last.code, 'unavailable');
    });

    it('Anthropic: a message_delta without usage keeps the counts so far, and the call ends', async () => {
      anthropic.enqueue({
        steps: [
          A.messageStart({ input: 30 }),
          A.textStart(0),
          A.textDelta(0, 'ok'),
          A.blockStop(0),
          A.ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' } }),
          A.ev('message_stop', { type: 'message_stop' }),
        ],
      });
      const events = await collect(claude());
      assert.deepEqual(events.slice(-2), [
        { type: 'stop', reason: 'end_turn' },
        { type: 'usage', usage: { inputTokens: 30, outputTokens: 1 } },
      ]);
    });

    it('a stream of only empty deltas ends as an empty answer, shows nothing and stores nothing odd', async () => {
      const steps: O.Step[] = Array.from({ length: 2000 }, () => O.chunk({ content: '' }));
      openai.enqueue({ steps: [...steps, O.chunk({}, 'stop'), O.done] });
      const events: StreamEvent[] = [];
      const step = new ModelStep();
      const model = oai();
      for await (const e of streamModelStep(
        { model, system: 's', signal: new AbortController().signal, maxTokens: 10, cache: false },
        request().messages,
        [],
        step,
      ))
        events.push(e);
      assert.deepEqual(events, []);
      assert.equal(step.stopReason, 'end_turn');
      assert.equal(step.message(), undefined);
    });
  });

  describe('a response without end', () => {
    // maxTokens 4,096 (the loop's default): a response may carry 256 KiB (response-budget.ts).
    const LIMIT = responseCharLimit(4096);
    const KIB = 'x'.repeat(1024);

    it('endless text: the call stops past the limit, what was shown stays, the next turn works', async () => {
      const steps: O.Step[] = Array.from({ length: 2000 }, () => O.chunk({ content: KIB }));
      openai.enqueue({ steps: [...steps, O.chunk({}, 'stop'), O.done] }, O.textTurn(['fine again']));
      const agent = inProcessService({ model: oai() });
      const first = await chat(agent, LOCAL_ACTOR, { message: 'talk forever' });
      const last = first.events.at(-1)!;
      assert.equal(last.type, 'error');
      assert.match(last.type === 'error' ? last.message : '', /more than one answer may hold/);
      const shown = first.events.reduce((n, e) => n + (e.type === 'text' ? e.text.length : 0), 0);
      assert.ok(shown > 0 && shown <= LIMIT, `${shown} characters shown`);
      const next = await chat(agent, LOCAL_ACTOR, { message: 'again', sessionId: first.sessionId });
      assert.equal(next.events.at(-1)!.type, 'done');
      assert.equal(next.events.map((e) => (e.type === 'text' ? e.text : '')).join(''), 'fine again');
    });

    for (const [provider, enqueue, model] of [
      [
        'OpenAI-compatible',
        () =>
          openai.enqueue({
            steps: [
              O.chunk({
                tool_calls: [
                  { index: 0, id: 'c', type: 'function', function: { name: 'echo', arguments: '{"say":"' } },
                ],
              }),
              ...Array.from({ length: 400 }, () =>
                O.chunk({ tool_calls: [{ index: 0, function: { arguments: KIB } }] }),
              ),
              O.chunk({}, 'tool_calls'),
              O.done,
            ],
          }),
        () => oai(),
      ],
      [
        'Anthropic',
        () =>
          anthropic.enqueue({
            steps: [
              A.messageStart(),
              A.ev('content_block_start', {
                type: 'content_block_start',
                index: 0,
                content_block: { type: 'tool_use', id: 'toolu_1', name: 'echo', input: {} },
              }),
              ...Array.from({ length: 400 }, () =>
                A.ev('content_block_delta', {
                  type: 'content_block_delta',
                  index: 0,
                  delta: { type: 'input_json_delta', partial_json: KIB },
                }),
              ),
            ],
          }),
        () => claude(),
      ],
    ] as const) {
      it(`${provider}: tool input that never ends is stopped while it is assembled, before it is held whole`, async () => {
        enqueue();
        const error = await failure(collect(model(), { ...request(), maxTokens: 4096 }));
        assert.equal(error.kind, 'unavailable');
        assert.equal(error.retryNow, false);
        assert.match(
          error.message,
          /more than one answer may hold \(over 262,144 characters for 4,096 output tokens\)/,
        );
      });
    }

    it('a summary without end is stopped too: the turn still answers', async () => {
      let summaryCalls = 0;
      let yielded = 0;
      const base = scripted([], () => text('noted'));
      const model: Model = {
        ...base,
        async *stream(r: ModelRequest, signal: AbortSignal) {
          if (r.tools.length === 0 && /condense a conversation/.test(r.system)) {
            summaryCalls++;
            for (let i = 0; i < 2000; i++) (yielded++, yield { type: 'text', text: KIB });
            return;
          }
          yield* base.stream(r, signal);
        },
      };
      const agent = inProcessService({ model, contextTokens: 16_000 });
      let sessionId: string | undefined;
      for (let i = 0; i < 12; i++) {
        const out = await chat(agent, LOCAL_ACTOR, {
          message: `turn ${i}: ${'log line '.repeat(700)}`,
          ...(sessionId ? { sessionId } : {}),
        });
        sessionId = out.sessionId;
        assert.equal(out.events.at(-1)!.type, 'done', JSON.stringify(out.events.at(-1)));
      }
      assert.ok(summaryCalls > 0, 'a summary was asked for');
      // Each summary call was left once past the limit (256 KiB of 1 KiB pieces), not read to its end.
      assert.ok(
        yielded <= summaryCalls * (LIMIT / 1024 + 1),
        `${yielded} pieces read in ${summaryCalls} calls`,
      );
    });
  });
});
