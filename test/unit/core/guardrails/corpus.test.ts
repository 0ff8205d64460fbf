import assert from 'node:assert/strict';
import { guardToolOutput, redactText } from '../../../../backend/src/core/guardrails/policy';
import { BENIGN, INJECTIONS, SENSITIVE } from '../../../fixtures/guardrail-corpus';

describe('guardrail policy on the labeled corpus', () => {
  it('catches at least 95% of sensitive items and flags at most 2% of benign ones', () => {
    const missed: string[] = [];
    for (const item of SENSITIVE) {
      const { text, categories } = redactText(item.text);
      const caught = !text.includes(item.secret) && item.expect.every((c) => categories.includes(c as never));
      if (!caught) missed.push(`${JSON.stringify(item.text)} -> ${JSON.stringify(text)} [${categories}]`);
    }
    for (const injection of INJECTIONS) {
      const { events } = guardToolOutput('aws_read', injection);
      if (!events.some((e) => e.type === 'guardrail' && e.categories.includes('prompt_injection')))
        missed.push(`injection ${JSON.stringify(injection)}`);
    }
    const flagged: string[] = [];
    for (const text of BENIGN) {
      const redacted = redactText(text);
      const tool = guardToolOutput('aws_read', text);
      if (redacted.categories.length > 0 || tool.events.length > 0)
        flagged.push(`${JSON.stringify(text)} -> ${JSON.stringify(redacted.text)} [${redacted.categories}]`);
    }
    const positives = SENSITIVE.length + INJECTIONS.length;
    const recall = (positives - missed.length) / positives;
    const falsePositiveRate = flagged.length / BENIGN.length;
    console.log(
      `      recall ${(recall * 100).toFixed(1)}% (${positives - missed.length}/${positives}), false positives ${(falsePositiveRate * 100).toFixed(1)}% (${flagged.length}/${BENIGN.length})`,
    );
    assert.ok(recall >= 0.95, `recall ${recall}; missed:\n${missed.join('\n')}`);
    assert.ok(
      falsePositiveRate <= 0.02,
      `false positive rate ${falsePositiveRate}; flagged:\n${flagged.join('\n')}`,
    );
  });
});
