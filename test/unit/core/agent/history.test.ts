import assert from 'node:assert/strict';
import { toModelHistory } from '../../../../backend/src/core/agent/history';
import type { StoredTurn } from '../../../../backend/src/core/memory/types';

const t = (role: 'user' | 'assistant', text: string, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  role,
  text,
  createdAt: '2026-01-01T00:00:00Z',
  status: 'complete',
  ...extra,
});

describe('toModelHistory', () => {
  it('replays plain turns as alternating messages', () => {
    assert.deepEqual(toModelHistory([t('user', 'q'), t('assistant', 'a'), t('user', 'q2')]), [
      { role: 'user', content: [{ text: 'q' }] },
      { role: 'assistant', content: [{ text: 'a' }] },
      { role: 'user', content: [{ text: 'q2' }] },
    ]);
  });

  it('merges consecutive user turns left by an interrupted empty answer', () => {
    const history = toModelHistory([
      t('user', 'q'),
      t('assistant', '', { status: 'interrupted' }),
      t('user', 'again'),
    ]);
    assert.deepEqual(history, [{ role: 'user', content: [{ text: 'q' }, { text: 'again' }] }]);
  });

  it('uses the stored model messages (full task prompt, tool calls and results)', () => {
    const history = toModelHistory([
      t('user', 'Run task: X', { messages: [{ role: 'user', content: [{ text: 'the full prompt' }] }] }),
      t('assistant', 'done', {
        messages: [
          { role: 'assistant', content: [{ toolUse: { toolUseId: 'a', name: 'n', input: {} } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 'a', content: [{ text: 'r' }] } }] },
          { role: 'assistant', content: [{ text: 'done' }] },
        ],
      }),
    ]);
    assert.equal(history.length, 4);
    assert.deepEqual(history[0], { role: 'user', content: [{ text: 'the full prompt' }] });
    assert.equal(history[2]!.content![0]!.toolResult!.toolUseId, 'a');
  });

  it('drops a toolUse that was never answered and a toolResult that answers nothing', () => {
    const history = toModelHistory([
      t('user', 'q'),
      t('assistant', 'partial', {
        status: 'interrupted',
        messages: [
          {
            role: 'assistant',
            content: [{ text: 'partial' }, { toolUse: { toolUseId: 'x', name: 'n', input: {} } }],
          },
        ],
      }),
      t('user', 'next', {
        messages: [
          { role: 'user', content: [{ toolResult: { toolUseId: 'zzz', content: [] } }, { text: 'next' }] },
        ],
      }),
    ]);
    assert.deepEqual(history, [
      { role: 'user', content: [{ text: 'q' }] },
      { role: 'assistant', content: [{ text: 'partial' }] },
      { role: 'user', content: [{ text: 'next' }] },
    ]);
  });

  it('never starts with an assistant message', () => {
    assert.deepEqual(toModelHistory([t('assistant', 'orphan'), t('user', 'q')]), [
      { role: 'user', content: [{ text: 'q' }] },
    ]);
  });
});
