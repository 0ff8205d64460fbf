import assert from 'node:assert/strict';
import {
  OUTPUT_BATCH_CHARS,
  OutputGuardBuffer,
  type TextGuard,
  type TextVerdict,
} from '../../../../backend/src/core/guardrails/text-guard';

/** ApplyGuardrail as a policy: blocks a phrase anywhere in what it is given, masks e-mail addresses. */
function policy(calls: string[] = []): TextGuard {
  return async (text) => {
    calls.push(text);
    if (/forbidden phrase/i.test(text)) return { action: 'blocked', text: '', categories: ['DENIED_TOPIC'] };
    if (/\S+@\S+\.\w+/.test(text))
      return { action: 'masked', text: text.replace(/\S+@\S+\.\w+/g, '{EMAIL}'), categories: ['EMAIL'] };
    return { action: 'none', text, categories: [] };
  };
}

async function stream(chunks: string[], guard: TextGuard) {
  const buffer = new OutputGuardBuffer(guard, new AbortController().signal);
  const released: TextVerdict[] = [];
  for (const chunk of chunks) released.push(...(await buffer.push(chunk)));
  released.push(...(await buffer.flush()));
  return {
    shown: released
      .filter((v) => v.action !== 'blocked')
      .map((v) => v.text)
      .join(''),
    buffer,
  };
}

const filler = (n: number) => 'lorem ipsum '.repeat(Math.ceil(n / 12)).slice(0, n);

describe('OutputGuardBuffer: the output guardrail over a stream', () => {
  it('passes clean text through whole, in order', async () => {
    const text = filler(5000);
    const { shown, buffer } = await stream(text.match(/.{1,7}/gs)!, policy());
    assert.ok(shown === text, `shown ${shown.length} chars of ${text.length}, or other text`);
    assert.equal(buffer.blocked, undefined);
  });

  it('blocks a phrase cut by a batch boundary, however the deltas split it', async () => {
    // No line or sentence end, so the batch is cut exactly where the phrase is.
    const text = `${filler(OUTPUT_BATCH_CHARS - 8)}forbidden phrase and more ${filler(2000)}`;
    for (const size of [1, 3, 16, 200, 5000]) {
      const chunks = text.match(new RegExp(`.{1,${size}}`, 'gs'))!;
      const { shown, buffer } = await stream(chunks, policy());
      assert.ok(buffer.blocked, `split every ${size} chars`);
      assert.ok(!shown.includes('forbidden phrase'), `split every ${size} chars`);
      assert.ok(!shown.includes(' and more'), 'nothing after the blocked batch is shown');
    }
  });

  it('never shows part of a blocked word the batch boundary falls in', async () => {
    // One word, no sentence end: the batch would be cut inside it.
    const policyOfWord: TextGuard = async (text) =>
      /forbidden/.test(text)
        ? { action: 'blocked', text: '', categories: ['word:custom'] }
        : { action: 'none', text, categories: [] };
    const text = `${'word '.repeat((OUTPUT_BATCH_CHARS - 5) / 5)}forbidden ${filler(2000)}`;
    for (const size of [1, 3, 7, 5000]) {
      const { shown, buffer } = await stream(text.match(new RegExp(`.{1,${size}}`, 'gs'))!, policyOfWord);
      assert.ok(buffer.blocked, `split every ${size} chars`);
      assert.ok(
        !shown.includes('forb'),
        `no fragment shown, split every ${size} chars: …${shown.slice(-12)}`,
      );
    }
  });

  it('masks within a batch and never re-shows text released before', async () => {
    const text = `${filler(900)}. write to jane@example.com today. ${filler(900)}`;
    const { shown } = await stream(text.match(/.{1,5}/gs)!, policy());
    assert.ok(!shown.includes('jane@example.com'));
    assert.ok(shown.includes('{EMAIL}'));
    assert.equal(shown.length, text.length - 'jane@example.com'.length + '{EMAIL}'.length);
  });

  it('checks a huge answer in a bounded number of calls, never the whole answer at once', async () => {
    const calls: string[] = [];
    const text = filler(1_000_000);
    const { shown } = await stream(text.match(/.{1,64}/gs)!, policy(calls));
    assert.ok(shown === text, `shown ${shown.length} chars of ${text.length}, or other text`);
    assert.ok(calls.length <= text.length / OUTPUT_BATCH_CHARS + 2, `${calls.length} calls`);
    assert.ok(Math.max(...calls.map((c) => c.length)) < OUTPUT_BATCH_CHARS * 2);
  });

  it('fails closed: a check that throws reaches the caller', async () => {
    const failing: TextGuard = async () => {
      throw new Error('ApplyGuardrail is down');
    };
    await assert.rejects(stream([filler(2000)], failing), /down/);
  });
});
