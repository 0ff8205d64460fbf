import assert from 'node:assert/strict';
import { StreamRedactor } from '../../../../backend/src/core/guardrails/stream-redactor';
import { redactText } from '../../../../backend/src/core/guardrails/policy';
import { SENSITIVE } from '../../../fixtures/guardrail-corpus';

function stream(deltas: string[]) {
  const r = new StreamRedactor();
  const shown: string[] = [];
  for (const d of deltas) shown.push(r.push(d).text);
  shown.push(r.flush().text);
  return shown;
}

describe('StreamRedactor', () => {
  it('passes prose on at once, holding back only the unfinished word', () => {
    assert.deepEqual(stream(['The VPC has ', 'three subn', 'ets in ', 'us-east-1.']), [
      'The VPC has ',
      'three ',
      'subnets in ',
      '',
      'us-east-1.',
    ]);
  });

  it('redacts every corpus item the same as the whole-text policy, whatever the delta size', () => {
    for (const item of SENSITIVE) {
      const expected = redactText(item.text).text;
      for (const size of [1, 3, 7, 16]) {
        const deltas = item.text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
        const shown = stream(deltas);
        assert.equal(shown.join(''), expected, `${item.text} in ${size}-char deltas`);
        assert.ok(!shown.some((s) => s.includes(item.secret)), `no delta shows ${item.secret}`);
      }
    }
  });

  it('does not hold a long run of numbers forever', () => {
    const r = new StreamRedactor();
    let shown = '';
    for (let i = 0; i < 400; i++) shown += r.push(`${i} `).text;
    assert.ok(shown.length > 500, `${shown.length} characters shown before the end`);
  });
});
