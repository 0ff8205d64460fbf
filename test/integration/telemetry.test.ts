import assert from 'node:assert/strict';
import { actorTag } from '../../backend/src/core/log';
import { METRIC, METRICS_NAMESPACE } from '../../backend/src/core/telemetry/metric-names';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { eventually, useBackendStack } from '../support/stack';
import { OtlpReceiver } from '../unit/core/telemetry/otlp-receiver';

type Emf = Record<string, any>;

describe('telemetry through the server (METRICS=emf, OTEL_EXPORTER_OTLP_ENDPOINT set)', function () {
  const receiver = new OtlpReceiver();
  const env: Record<string, string> = { METRICS: 'emf' };
  // Registered before the stack's own hook: the receiver's address goes into the server's env.
  before(async () => {
    await receiver.start();
    env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  });
  const stack = useBackendStack({ auth: 'none', env });
  after(() => receiver.stop());

  const emfLines = (): Emf[] =>
    stack
      .server!.output.split('\n')
      .filter((l) => l.startsWith('{"_aws"'))
      .map((l) => JSON.parse(l));

  it('writes EMF metric lines and exports spans for a chat with a tool call', async () => {
    stack.bedrock.enqueue(
      toolTurn([{ id: 'tu-t1', name: 'get_caller_identity', input: {} }]),
      textTurn(['You are ', 'the admin.']),
    );
    const message = 'who am I? mail me at jane@example.com';
    const { events } = await stack.chat({ message });
    assert.equal(events.at(-1)!.type, 'done');
    const sessionId = (events[0] as { sessionId: string }).sessionId;
    const { json: me } = await stack.invoke({ action: 'whoami' });

    const lines = await eventually(() => {
      const found = emfLines();
      assert.ok(found.some((l) => METRIC.turns in l));
      return found;
    });
    for (const l of lines) assert.equal(l._aws.CloudWatchMetrics[0].Namespace, METRICS_NAMESPACE);
    const turn = lines.find((l) => METRIC.turns in l)!;
    assert.equal(turn[METRIC.turns], 1);
    assert.ok(
      turn[METRIC.timeToFirstToken] >= 0 && turn[METRIC.turnDuration] >= turn[METRIC.timeToFirstToken],
    );
    assert.ok(turn[METRIC.inputTokens] > 0);
    assert.deepEqual(
      lines.filter((l) => METRIC.toolCalls in l).map((l) => [l.Tool, l.Outcome, l[METRIC.toolCalls]]),
      [['get_caller_identity', 'success', 1]],
    );
    assert.deepEqual(
      lines.filter((l) => METRIC.guardrailInterventions in l).map((l) => [l.Source, l.Category]),
      [['input', 'email']],
    );
    const raw = JSON.stringify(lines);
    for (const secret of [me.actorId, sessionId, 'jane', 'who am I'])
      assert.ok(!raw.includes(secret), secret);

    const spans = await eventually(() => {
      const all = receiver.spans();
      assert.ok(all.some((s) => s.name === 'chat turn'));
      return all;
    });
    const root = spans.find((s) => s.name === 'chat turn' && s.attributes['session.id'] === sessionId)!;
    assert.ok(root, 'a span for the turn, with the session id');
    assert.equal(root.attributes['cloud_engineer.actor'], actorTag(me.actorId));
    assert.equal(root.attributes['gen_ai.request.model'], 'test.fake-model-v1');
    assert.equal(root.attributes['outcome'], 'done');
    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    assert.equal(children.filter((s) => s.name === 'model call').length, 2, 'one span per model call');
    const tool = children.find((s) => s.name === 'tool call')!;
    assert.equal(tool.attributes['gen_ai.tool.name'], 'get_caller_identity');
    assert.equal(tool.attributes['outcome'], 'success');
    assert.ok(!JSON.stringify(receiver.bodies).includes('jane'), 'no message text in spans');
  });

  it('records the prompt cache: tokens read and written, per turn and per model call', async () => {
    stack.bedrock.enqueue(
      // The first call writes the prefix to the cache, the second reads it back.
      toolTurn([{ id: 'tu-c1', name: 'get_caller_identity', input: {} }], undefined, {
        usage: [100, 8, 0, 4000],
      }),
      textTurn(['Cached.'], { usage: [150, 3, 4000, 120] }),
    );
    const { events } = await stack.chat({ message: 'who am I, cheaply?' });
    const usage = events.find((e) => e.type === 'usage');
    assert.deepEqual(usage && { ...usage, modelId: undefined }, {
      type: 'usage',
      inputTokens: 8370,
      outputTokens: 11,
      cacheReadTokens: 4000,
      cacheWriteTokens: 4120,
      modelId: undefined,
    });
    const sessionId = (events[0] as { sessionId: string }).sessionId;

    const turn = await eventually(() => {
      const line = emfLines().find((l) => METRIC.turns in l && l[METRIC.inputTokens] === 8370);
      assert.ok(line, 'the turn’s metric line');
      return line;
    });
    assert.equal(turn[METRIC.cacheReadTokens], 4000);
    assert.equal(turn[METRIC.cacheWriteTokens], 4120);
    const declared = turn._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);
    assert.ok(declared.includes(METRIC.cacheReadTokens) && declared.includes(METRIC.cacheWriteTokens));

    const calls = await eventually(() => {
      const root = receiver
        .spans()
        .find((s) => s.name === 'chat turn' && s.attributes['session.id'] === sessionId);
      assert.ok(root);
      const children = receiver
        .spans()
        .filter((s) => s.parentSpanId === root.spanId && s.name === 'model call');
      assert.equal(children.length, 2);
      return children;
    });
    assert.deepEqual(
      calls
        .map((s) => [
          s.attributes['gen_ai.usage.cache_read_input_tokens'],
          s.attributes['gen_ai.usage.cache_creation_input_tokens'],
        ])
        .sort((a, b) => Number(a[0] ?? 0) - Number(b[0] ?? 0)),
      [
        [undefined, 4000],
        [4000, 120],
      ],
    );
  });
});
