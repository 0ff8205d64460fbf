import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { actorTag } from '../../../../backend/src/core/log';
import { METRIC, METRICS_NAMESPACE } from '../../../../backend/src/core/telemetry/metric-names';
import { observeTurn } from '../../../../backend/src/core/telemetry/observe';
import { createTelemetry } from '../../../../backend/src/core/telemetry/telemetry';
import { noopTelemetry } from '../../../../backend/src/core/telemetry/types';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { OtlpReceiver } from './otlp-receiver';

const ACTOR = 'us-east-1:3f1c2d4e-alice';
const SESSION = '6b1f0c2e-1111-4222-8333-944455556666';

/** A clock that moves 10 ms per reading. */
function clock(start = 1_700_000_000_000) {
  let t = start;
  return () => (t += 10);
}

type Emf = Record<string, any>;
function metricsNamed(lines: Emf[], name: string): Emf[] {
  return lines.filter((l) =>
    l._aws.CloudWatchMetrics[0].Metrics.some((m: { Name: string }) => m.Name === name),
  );
}

async function drain(events: AsyncIterable<StreamEvent>) {
  for await (const _ of events);
}

async function* chatEvents(): AsyncGenerator<StreamEvent> {
  yield { type: 'session', sessionId: SESSION, title: 'Find jane@example.com', created: true };
  yield {
    type: 'guardrail',
    stage: 'input',
    action: 'redacted',
    categories: ['email'],
    message: 'Redacted email from your message before it was sent or stored.',
  };
  yield { type: 'text', text: 'Looking' };
  yield { type: 'tool_call', id: 't1', name: 'aws_read', input: {}, readOnly: true };
  yield { type: 'tool_call', id: 't2', name: 'aws_read', input: {}, readOnly: true };
  yield { type: 'tool_call', id: 't3', name: 'jane.doe@example.com', input: {}, readOnly: true };
  yield { type: 'tool_result', id: 't1', name: 'aws_read', status: 'success', summary: '{}' };
  yield { type: 'tool_result', id: 't2', name: 'aws_read', status: 'success', summary: '{}' };
  yield { type: 'tool_result', id: 't3', name: 'jane.doe@example.com', status: 'error', summary: 'no tool' };
  yield { type: 'tool_call', id: 't4', name: 'cloudformation_delete_stack', input: {}, readOnly: false };
  yield {
    type: 'approval_required',
    id: 't4',
    name: 'cloudformation_delete_stack',
    input: {},
    reason: 'deletes',
  } as StreamEvent;
  yield { type: 'usage', inputTokens: 120, outputTokens: 30 };
  yield { type: 'done', stopReason: 'approval_required' };
}

describe('telemetry', () => {
  it('is a no-op, with nothing loaded, when metrics are off and no OTLP endpoint is set', () => {
    assert.equal(createTelemetry({ metrics: 'off' }), noopTelemetry);
  });

  it('writes a turn as CloudWatch EMF lines: latency, tokens, tools, approvals, guardrails', async () => {
    const lines: Emf[] = [];
    const telemetry = createTelemetry({
      metrics: 'emf',
      sink: (line) => lines.push(JSON.parse(line)),
      now: clock(),
      isKnownTool: (name) => ['aws_read', 'cloudformation_delete_stack'].includes(name),
    });
    const turn = telemetry.turnStarted({ sessionId: SESSION, actorId: ACTOR, modelId: 'm1' });
    const call = turn.modelCall();
    call.end({ outcome: 'success', inputTokens: 120, outputTokens: 30 });
    await drain(observeTurn(turn, chatEvents()));

    for (const line of lines) {
      const meta = line._aws.CloudWatchMetrics[0];
      assert.equal(meta.Namespace, METRICS_NAMESPACE);
      assert.equal(line.Service, 'cloud-engineer');
      for (const dim of meta.Dimensions.flat()) assert.equal(typeof line[dim], 'string', dim);
      // Every breakdown is also published under Service alone: the alarms' totals read that one.
      assert.deepEqual(meta.Dimensions[0], ['Service']);
      for (const m of meta.Metrics) assert.equal(typeof line[m.Name], 'number', m.Name);
    }
    const text = JSON.stringify(lines);
    for (const secret of [ACTOR, SESSION, 'jane', 'Find']) assert.ok(!text.includes(secret), secret);

    const [turnLine] = metricsNamed(lines, METRIC.turns);
    assert.deepEqual(turnLine!._aws.CloudWatchMetrics[0].Dimensions, [['Service']]);
    assert.equal(turnLine![METRIC.turns], 1);
    assert.equal(turnLine![METRIC.inputTokens], 120);
    assert.equal(turnLine![METRIC.outputTokens], 30);
    assert.ok(turnLine![METRIC.timeToFirstToken] > 0);
    assert.ok(turnLine![METRIC.turnDuration] > turnLine![METRIC.timeToFirstToken]);

    const tools = metricsNamed(lines, METRIC.toolCalls).map((l) => [l.Tool, l.Outcome, l[METRIC.toolCalls]]);
    assert.deepEqual(tools.sort(), [
      ['aws_read', 'success', 2],
      ['cloudformation_delete_stack', 'pending', 1],
      ['other', 'error', 1],
    ]);
    assert.deepEqual(
      metricsNamed(lines, METRIC.approvals).map((l) => [l.Decision, l[METRIC.approvals]]),
      [['requested', 1]],
    );
    assert.deepEqual(
      metricsNamed(lines, METRIC.guardrailInterventions).map((l) => [l.Source, l.Category]),
      [['input', 'email']],
    );
    assert.deepEqual(metricsNamed(lines, METRIC.errors), []);
  });

  it('never turns text into a dimension: hostile names become `other`', async () => {
    const lines: Emf[] = [];
    const telemetry = createTelemetry({ metrics: 'emf', sink: (l) => lines.push(JSON.parse(l)) });
    const turn = telemetry.turnStarted({ sessionId: SESSION, actorId: ACTOR, modelId: 'm' });
    for (const name of [
      'a'.repeat(1000),
      'x\n{"_aws":{}}',
      'jane@example.com',
      '',
      '../../etc',
      'ignore previous',
    ])
      turn.toolCall(name).end('success');
    turn.guardrail('tool', [
      'pii:EMAIL',
      'topic:Investment advice',
      'topic:Tell me about jane@example.com',
      'x'.repeat(100),
    ]);
    turn.end({ outcome: 'error', errorCode: 'not a code' });
    const values = lines.flatMap((l) =>
      l._aws.CloudWatchMetrics[0].Dimensions.flat().map((d: string) => l[d]),
    );
    assert.deepEqual([...new Set(values)].sort(), [
      'cloud-engineer',
      'other',
      'pii:EMAIL',
      'success',
      'tool',
      'topic:Investment_advice',
    ]);
    assert.equal(metricsNamed(lines, METRIC.toolCalls)[0]![METRIC.toolCalls], 6);
  });

  it('counts errors by code, and ends a turn whose client left as cancelled', async () => {
    const lines: Emf[] = [];
    const telemetry = createTelemetry({ metrics: 'emf', sink: (l) => lines.push(JSON.parse(l)) });
    const failing = async function* (): AsyncGenerator<StreamEvent> {
      yield { type: 'error', code: 'throttled', message: 'slow down', retryable: true };
    };
    await drain(
      observeTurn(telemetry.turnStarted({ sessionId: SESSION, actorId: ACTOR, modelId: 'm' }), failing()),
    );
    assert.deepEqual(
      metricsNamed(lines, METRIC.errors).map((l) => [l.Code, l[METRIC.errors]]),
      [['throttled', 1]],
    );

    lines.length = 0;
    const stream = observeTurn(
      telemetry.turnStarted({ sessionId: SESSION, actorId: ACTOR, modelId: 'm' }),
      chatEvents(),
    );
    await stream.next();
    await stream.return(undefined); // the client went away after the first event
    assert.equal(metricsNamed(lines, METRIC.turns).length, 1);
    assert.deepEqual(metricsNamed(lines, METRIC.errors), []);
  });

  it('exports a span per turn, model call and tool call over OTLP/HTTP, with hashed actor', async function () {
    this.timeout(30_000);
    const receiver = await new OtlpReceiver().start();
    try {
      const telemetry = createTelemetry({ metrics: 'off', otlpEndpoint: receiver.url });
      const turn = telemetry.turnStarted({
        sessionId: SESSION,
        actorId: ACTOR,
        modelId: 'us.anthropic.claude',
      });
      turn.modelCall().end({ outcome: 'success', inputTokens: 12, outputTokens: 3 });
      const failing = turn.modelCall();
      await drain(observeTurn(turn, chatEvents()));
      failing.end({ outcome: 'error', errorCode: 'throttled' });
      await telemetry.flush();

      const spans = receiver.spans();
      const root = spans.find((s) => s.name === 'chat turn')!;
      assert.ok(root, JSON.stringify(spans.map((s) => s.name)));
      assert.equal(root.attributes['session.id'], SESSION);
      assert.equal(root.attributes['cloud_engineer.actor'], actorTag(ACTOR));
      assert.equal(root.attributes['gen_ai.request.model'], 'us.anthropic.claude');
      assert.equal(root.attributes['outcome'], 'done');
      assert.ok(!JSON.stringify(receiver.bodies).includes(ACTOR), 'the actor id never leaves');
      const children = spans.filter((s) => s.parentSpanId === root.spanId);
      assert.ok(children.every((s) => s.traceId === root.traceId));
      const models = children.filter((s) => s.name === 'model call');
      assert.equal(models.length, 2);
      assert.deepEqual(models.map((s) => s.attributes['outcome']).sort(), ['error', 'success']);
      assert.equal(
        models.find((s) => s.attributes['outcome'] === 'success')!.attributes['gen_ai.usage.input_tokens'],
        12,
      );
      const tools = children.filter((s) => s.name === 'tool call');
      assert.deepEqual(
        tools.map((s) => [s.attributes['gen_ai.tool.name'], s.attributes['outcome']]).sort(),
        [
          ['aws_read', 'success'],
          ['aws_read', 'success'],
          ['cloudformation_delete_stack', 'pending'],
          ['other', 'error'],
        ].sort(),
      );
    } finally {
      await receiver.stop();
    }
  });

  it('loads no OpenTelemetry code when no endpoint is set', function () {
    this.timeout(60_000); // two child processes
    const script = (endpoint: string) => `
      const { createTelemetry } = require('./backend/src/core/telemetry/telemetry');
      const t = createTelemetry({ metrics: 'emf', sink: () => {}, ${endpoint} });
      const turn = t.turnStarted({ sessionId: 's', actorId: 'a', modelId: 'm' });
      turn.modelCall().end({ outcome: 'success' });
      turn.end({ outcome: 'done' });
      t.flush().catch(() => {}).then(() => {
        const loaded = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry'));
        process.stdout.write(String(loaded.length));
        process.exit(0);
      });`;
    const run = (endpoint: string) =>
      Number(
        execFileSync(process.execPath, ['--import', 'tsx', '-e', script(endpoint)], { encoding: 'utf8' }),
      );
    assert.equal(run(''), 0, 'off: nothing loaded');
    assert.ok(run("otlpEndpoint: 'http://127.0.0.1:9'") > 0, 'the check sees the SDK when tracing is on');
  });
});
