/**
 * A Bedrock guardrail with another provider (GUARDRAIL_ID set, MODEL_PROVIDER=openai): the built
 * server calls the OpenAI-compatible fake for the answer and Bedrock's ApplyGuardrail (the Bedrock
 * fake) for the user's input and the model's output, which Converse would otherwise check itself.
 */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import { OpenAIFake, textTurn } from '../fakes/openai';
import { BackendStack, textOf } from '../support/stack';

const none = { action: 'NONE', outputs: [], assessments: [] };
const blocked = (name: string) => ({
  action: 'GUARDRAIL_INTERVENED',
  outputs: [{ text: 'Sorry, the model cannot answer this.' }],
  assessments: [{ topicPolicy: { topics: [{ name, type: 'DENY', action: 'BLOCKED' }] } }],
});
const masked = (text: string) => ({
  action: 'GUARDRAIL_INTERVENED',
  outputs: [{ text: text.replace(/PROJECT-ZEUS/g, '{CODENAME}') }],
  assessments: [
    {
      sensitiveInformationPolicy: {
        regexes: [{ name: 'codename', match: 'PROJECT-ZEUS', regex: 'PROJECT-\\w+', action: 'ANONYMIZED' }],
      },
    },
  ],
});
const guardrails = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'guardrail' ? [[e.stage, e.action, e.categories]] : []));
/** Sentences, with a sentence end at least every 100 characters. */
const prose = (n: number) =>
  'The cluster runs three tasks in two zones. '.repeat(Math.ceil(n / 43)).slice(0, n);

describe('Bedrock guardrail with another provider (ApplyGuardrail on input and output)', function () {
  const openai = new OpenAIFake();
  const env: Record<string, string> = {
    GUARDRAIL_ID: 'gr-any',
    GUARDRAIL_VERSION: '2',
    MODEL_PROVIDER: 'openai',
  };
  const stack = new BackendStack({ auth: 'none', env });
  before(async () => {
    await openai.start();
    // A loopback OpenAI-compatible server needs no key.
    Object.assign(env, { MODEL_BASE_URL: `${openai.url}/v1`, MODEL_ID: 'gpt-4.1-mini' });
    await stack.start();
  });
  after(async () => {
    await stack.stop();
    await openai.stop();
  });
  beforeEach(() => {
    openai.reset();
    stack.bedrock.reset();
    stack.bedrock.guardrailVerdict = () => none;
  });
  const chatCalls = () => openai.requests.filter((r) => r.path === '/v1/chat/completions');
  const checked = (source: string) =>
    stack.bedrock.guardrailCalls
      .filter((c) => c.body.source === source)
      .map((c) => c.body.content[0].text.text as string);

  it('checks the input and the output through ApplyGuardrail, with the guardrail configured', async () => {
    openai.enqueue(textTurn(['Three ', 'tasks ', 'run.']));
    const { events } = await stack.chat({ message: 'how many tasks run?' });
    assert.equal(textOf(events), 'Three tasks run.');
    assert.deepEqual(checked('INPUT'), ['how many tasks run?']);
    assert.deepEqual(checked('OUTPUT'), ['Three tasks run.']);
    for (const call of stack.bedrock.guardrailCalls)
      assert.deepEqual([call.id, call.version], ['gr-any', '2']);
    assert.equal(stack.bedrock.requests.length, 0, 'no Converse call: the model is OpenAI’s');
    assert.equal(chatCalls().length, 1);
  });

  it('a blocked input never reaches the model and is not kept', async () => {
    stack.bedrock.guardrailVerdict = (text) => (/insider/.test(text) ? blocked('Insider trading') : none);
    const { events } = await stack.chat({ message: 'any insider tips on our stock?' });
    assert.deepEqual(guardrails(events), [['input', 'blocked', ['topic:Insider trading']]]);
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'guardrail_intervened' });
    assert.equal(chatCalls().length, 0, 'the model was not called');
    const got = await stack.invoke({
      action: 'getSession',
      sessionId: (events[0] as { sessionId: string }).sessionId,
    });
    assert.equal(got.json.turns[0].status, 'blocked');
    assert.equal(got.json.session.title, 'Blocked message');
    assert.doesNotMatch(JSON.stringify(got.json), /insider/);
    assert.deepEqual((await stack.invoke({ action: 'listSessions', query: 'insider' })).json.sessions, []);
  });

  it('a masked input reaches the model and the store masked', async () => {
    stack.bedrock.guardrailVerdict = (text) => (text.includes('PROJECT-ZEUS') ? masked(text) : none);
    openai.enqueue(textTurn(['Noted.']));
    const { events } = await stack.chat({ message: 'deploy PROJECT-ZEUS to staging' });
    assert.deepEqual(guardrails(events), [['input', 'redacted', ['regex:codename']]]);
    assert.equal(events.at(-1)!.type, 'done');
    const sent = JSON.stringify(chatCalls()[0]!.body.messages);
    assert.match(sent, /deploy \{CODENAME\} to staging/);
    assert.doesNotMatch(sent, /PROJECT-ZEUS/);
    const got = await stack.invoke({
      action: 'getSession',
      sessionId: (events[0] as { sessionId: string }).sessionId,
    });
    assert.equal(got.json.turns[0].text, 'deploy {CODENAME} to staging');
    assert.equal(got.json.session.title, 'deploy {CODENAME} to staging');
    assert.doesNotMatch(JSON.stringify(got.json), /PROJECT-ZEUS/);
    assert.deepEqual((await stack.invoke({ action: 'listSessions', query: 'zeus' })).json.sessions, []);
  });

  it('blocks the output mid-stream: what was checked stays shown, nothing from the blocked part', async () => {
    stack.bedrock.guardrailVerdict = (text) => (/forbidden/.test(text) ? blocked('Secrets') : none);
    const first = prose(1200);
    openai.enqueue(
      textTurn([...first.match(/.{1,40}/gs)!, 'Here is the forbidden ', 'plan in full. ', prose(600)]),
    );
    const { events } = await stack.chat({ message: 'tell me everything' });
    const shown = textOf(events);
    assert.ok(
      shown.length > 400 && first.startsWith(shown),
      `a checked batch was shown: ${shown.length} chars`,
    );
    assert.doesNotMatch(shown, /forbidden|plan in full/);
    assert.deepEqual(guardrails(events), [['output', 'blocked', ['topic:Secrets']]]);
    assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'guardrail_intervened' });
    assert.ok(
      checked('OUTPUT').some((t) => t.includes('forbidden')),
      'the guardrail saw the output',
    );
    // Stored as the user saw it, as on Bedrock's own path.
    const got = await stack.invoke({
      action: 'getSession',
      sessionId: (events[0] as { sessionId: string }).sessionId,
    });
    assert.equal(got.json.turns[1].text, shown);
    assert.doesNotMatch(JSON.stringify(got.json), /forbidden/);
  });

  it('attack: a blocked word split across deltas at the batch boundary is seen whole, and no part of it is shown', async () => {
    stack.bedrock.guardrailVerdict = (text) => (/forbidden/.test(text) ? blocked('Secrets') : none);
    // No sentence end near the boundary: the batch fills up in the middle of the word.
    const lead = 'word '.repeat(159);
    for (const cut of [
      ['forb', 'idden'],
      ['f', 'o', 'r', 'b', 'i', 'd', 'd', 'e', 'n'],
      ['forbidde', 'n'],
    ]) {
      openai.reset();
      stack.bedrock.guardrailCalls.length = 0;
      openai.enqueue(textTurn([...lead.match(/.{1,9}/gs)!, ...cut, ' plans ', prose(900)]));
      const { events } = await stack.chat({ message: 'go on' });
      const shown = textOf(events);
      assert.doesNotMatch(shown, /f$|fo$|forb|idden|plans/, `split as ${cut.join('|')}`);
      assert.deepEqual(guardrails(events), [['output', 'blocked', ['topic:Secrets']]]);
      assert.ok(
        checked('OUTPUT').some((t) => t.includes('forbidden')),
        'the guardrail saw the word whole',
      );
    }
  });
});
