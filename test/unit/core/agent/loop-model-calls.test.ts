import assert from 'node:assert/strict';
import { fitWithinTurn, messagesChars, TokenEstimator } from '../../../../backend/src/core/chat/context';
import { ModelError } from '../../../../backend/src/core/model/errors';
import type { Message, Model } from '../../../../backend/src/core/model/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { requestChars, scripted as scriptedModel, withWindow } from '../../../support/scripted-model';
import { big, deploy, echo, run, runFailing, scripted, text, toolUse } from './loop-fixtures';

describe('runAgentTurn: its model calls (caching, retries, a refused context, reasoning)', () => {
  it('asks the provider to cache and keeps system and tools identical across the calls of a turn', async () => {
    const model = scripted([toolUse('t1', 'echo', '{"value":"v"}'), text('ok')]);
    await run(model);
    assert.equal(model.requests.length, 2);
    assert.ok(model.requests.every((r) => r.cache));
    assert.equal(JSON.stringify(model.requests[0]!.tools), JSON.stringify(model.requests[1]!.tools));
    assert.equal(model.requests[0]!.system, model.requests[1]!.system);
  });

  it('retries throttling before anything streamed, and not after', async () => {
    const throttled = () => new ModelError('throttled', 'anthropic', 'slow down');
    const before = scripted([throttled(), throttled(), text('third time')]);
    const { record } = await run(before);
    assert.equal(record.stopReason, 'end_turn');
    assert.equal(before.requests.length, 3);

    const after: Model = {
      provider: 'openai',
      modelId: 'm',
      async *stream() {
        yield { type: 'text', text: 'half an ans' };
        throw new ModelError('throttled', 'openai', 'slow down');
      },
    };
    const failed = await runFailing(after);
    assert.equal(failed.error.code, 'throttled');
    assert.equal(failed.error.retryable, true);
    // What streamed is kept for the interrupted answer.
    assert.deepEqual(failed.record.messages, [
      { role: 'assistant', content: [{ type: 'text', text: 'half an ans' }] },
    ]);
    assert.equal(failed.record.stopReason, undefined);
  });

  it('answers a context the model refuses as too long by compacting harder and trying once more', async () => {
    const calls: boolean[] = [];
    const fitContext = (messages: Message[], harder: boolean) => {
      calls.push(harder);
      return messages;
    };
    const tooLong = () => new ModelError('context_too_long', 'bedrock', 'input is too long');
    const once = scripted([tooLong(), text('fits now')]);
    const refusedWith: Message[][] = [];
    const contextRefused = (messages: Message[]) => refusedWith.push(messages);
    assert.equal((await run(once, { fitContext, contextRefused })).record.stopReason, 'end_turn');
    assert.deepEqual(calls, [false, true]);
    assert.equal(refusedWith.length, 1, 'told of the refusal');

    // Refused again after compacting: one clear error, no loop.
    const twice = scripted([tooLong(), tooLong(), text('never')]);
    assert.equal((await runFailing(twice, { fitContext, contextRefused })).error.code, 'context_too_long');
    assert.equal(twice.requests.length, 2);
    assert.equal(refusedWith.length, 3, 'the refused retry teaches too, for the next turn');
  });

  it('a refused context with the real fit: the retry leaves out old turns, the turn’s next call fits', async () => {
    const question = (i: number) => `question ${i}: ${'x'.repeat(6000)}`;
    const history: Message[] = [];
    for (let i = 0; i < 10; i++)
      history.push(
        { role: 'user', content: [{ type: 'text', text: question(i) }] },
        { role: 'assistant', content: [{ type: 'text', text: `answer ${i}` }] },
      );
    history.push({ role: 'user', content: [{ type: 'text', text: question(10) }] });
    // The configured budget believes 100,000 tokens; the model holds 10,000.
    const model = withWindow(scriptedModel([toolUse('t1', 'echo', '{"value":"v"}'), text('done')]), 10_000);
    const estimator = new TokenEstimator();
    const tools = new ToolRegistry([echo, big, deploy]);
    const fixed = 'sys'.length + JSON.stringify(tools.toolSpecs()).length;
    const fit = fitWithinTurn(100_000, fixed, estimator);
    const { record, events } = await run(model, {
      history,
      tools,
      fitContext: fit,
      contextRefused: (messages) => estimator.refused(fixed + messagesChars(messages)),
    });
    assert.equal(record.stopReason, 'end_turn');
    assert.ok(events.some((e) => e.type === 'tool_result'));
    // Each refusal is answered by one smaller retry, which the model takes; the first refusal
    // is 65 % over the window, so the call after the tool may be refused once more.
    const answered = model.requests.filter((r) => !model.refused.includes(r));
    assert.ok(model.refused.length >= 1 && model.refused.length <= 2, `${model.refused.length} refusals`);
    assert.equal(answered.length, 2, 'the call before the tool and the one after it');
    for (const r of answered) {
      assert.ok(requestChars(r) <= 10_000 * 4, `${requestChars(r)} characters`);
      assert.ok(JSON.stringify(r.messages).includes(question(10)), 'the question is whole');
      assert.match(JSON.stringify(r.messages[0]), /left out here to fit/);
    }
    // The call after the tool still carries the turn's own call and result.
    assert.deepEqual(
      answered[1]!.messages.slice(-2).map((m) => m.content[0]!.type),
      ['toolUse', 'toolResult'],
    );
    // What it learned holds for the next turn: a longer conversation is fitted under the window.
    const longer: Message[] = [...history, { role: 'assistant', content: [{ type: 'text', text: 'ok' }] }];
    longer.push({ role: 'user', content: [{ type: 'text', text: question(11) }] });
    const nextTurn = fit(longer, false);
    assert.ok(
      requestChars({
        system: 'sys',
        tools: tools.toolSpecs(),
        messages: nextTurn,
        maxTokens: 1,
        cache: true,
      }) <=
        10_000 * 4,
    );
  });

  it('fails as unavailable when the stream ends without a stop', async () => {
    const cut = scripted([[{ type: 'text', text: 'partial' }]]);
    const { error, record } = await runFailing(cut);
    assert.equal(error.code, 'unavailable');
    assert.equal(record.messages.length, 1, 'the partial answer is kept');
  });

  it('keeps reasoning with the answer for the provider and never shows it', async () => {
    const model = scripted([
      [
        { type: 'reasoning', text: 'think', signature: 'sig' },
        { type: 'toolUse', toolUseId: 't1', name: 'echo', input: '{"value":"v"}' },
        { type: 'stop', reason: 'tool_use' },
      ],
      text('done'),
    ]);
    const { events } = await run(model);
    assert.ok(!events.some((e) => e.type === 'text' && e.text.includes('think')));
    assert.deepEqual(model.requests[1]!.messages[1]!.content[0], {
      type: 'reasoning',
      text: 'think',
      signature: 'sig',
    });
  });
});
