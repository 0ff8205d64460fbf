import assert from 'node:assert/strict';
import {
  createBedrockToolGuard,
  GuardrailCheckError,
  type ToolTextGuard,
} from '../../../../backend/src/core/guardrails/bedrock-guardrail';
import { BedrockFake } from '../../../fakes/bedrock';

describe('Bedrock tool guard (ApplyGuardrail)', () => {
  let fake: BedrockFake;
  let guard: ToolTextGuard;
  const failures: string[] = [];
  const signal = new AbortController().signal;

  before(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTEST';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    fake = await new BedrockFake().start();
    guard = createBedrockToolGuard({
      identifier: 'gr-test',
      version: '1',
      region: 'us-east-1',
      endpoint: fake.url,
      onError: (_error, toolName) => failures.push(toolName),
    });
  });
  after(() => fake.stop());

  it('passes text the guardrail lets through, and masks what it anonymizes', async () => {
    fake.guardrailVerdict = () => ({ action: 'NONE', outputs: [], assessments: [] });
    assert.deepEqual(await guard('aws_read', 'fine', signal), { text: 'fine', events: [] });
    fake.guardrailVerdict = (text) => ({
      action: 'GUARDRAIL_INTERVENED',
      outputs: [{ text: text.replace('alice', '{NAME}') }],
      assessments: [
        { sensitiveInformationPolicy: { piiEntities: [{ type: 'NAME', action: 'ANONYMIZED' }] } },
      ],
    });
    const masked = await guard('aws_read', 'user alice', signal);
    assert.equal(masked.text, 'user {NAME}');
  });

  it('fails closed on any failure: a typed error that names the tool, never the text', async () => {
    // null: an answer the SDK cannot read; the others: verdicts that are no verdict.
    for (const verdict of [
      null,
      { action: 'MAYBE' },
      { action: 42 },
      { action: 'GUARDRAIL_INTERVENED', outputs: 'x' },
    ]) {
      fake.guardrailVerdict = () => verdict;
      failures.length = 0;
      await assert.rejects(guard('aws_read', 'secret text s3cr3t', signal), (error: unknown) => {
        assert.ok(error instanceof GuardrailCheckError, `${JSON.stringify(verdict)}: ${String(error)}`);
        assert.match(error.message, /aws_read/);
        assert.doesNotMatch(error.message, /s3cr3t/);
        return true;
      });
      assert.deepEqual(failures, ['aws_read'], 'the failure is reported for the log');
    }
  });
});
