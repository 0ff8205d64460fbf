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
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }] },
      { role: 'user', content: [{ type: 'text', text: 'q2' }] },
    ]);
  });

  it('merges consecutive user turns left by an interrupted empty answer', () => {
    const history = toModelHistory([
      t('user', 'q'),
      t('assistant', '', { status: 'interrupted' }),
      t('user', 'again'),
    ]);
    assert.deepEqual(history, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });

  it('uses the stored model messages (full task prompt, tool calls and results)', () => {
    const history = toModelHistory([
      t('user', 'Run task: X', {
        messages: [{ role: 'user', content: [{ type: 'text', text: 'the full prompt' }] }],
      }),
      t('assistant', 'done', {
        messages: [
          { role: 'assistant', content: [{ type: 'toolUse', toolUseId: 'a', name: 'n', input: {} }] },
          { role: 'user', content: [{ type: 'toolResult', toolUseId: 'a', status: 'success', text: 'r' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
        ],
      }),
    ]);
    assert.equal(history.length, 4);
    assert.deepEqual(history[0], { role: 'user', content: [{ type: 'text', text: 'the full prompt' }] });
    assert.deepEqual(history[2]!.content[0], {
      type: 'toolResult',
      toolUseId: 'a',
      status: 'success',
      text: 'r',
    });
  });

  it('drops a toolUse that was never answered and a toolResult that answers nothing', () => {
    const history = toModelHistory([
      t('user', 'q'),
      t('assistant', 'partial', {
        status: 'interrupted',
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'partial' },
              { type: 'toolUse', toolUseId: 'x', name: 'n', input: {} },
            ],
          },
        ],
      }),
      t('user', 'next', {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'toolResult', toolUseId: 'zzz', status: 'success', text: '' },
              { type: 'text', text: 'next' },
            ],
          },
        ],
      }),
    ]);
    assert.deepEqual(history, [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'partial' }] },
      { role: 'user', content: [{ type: 'text', text: 'next' }] },
    ]);
  });

  it('never starts with an assistant message', () => {
    assert.deepEqual(toModelHistory([t('assistant', 'orphan'), t('user', 'q')]), [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
    ]);
  });

  it('keeps reasoning only where the turn resumes, never in older history', () => {
    const reasoning = { type: 'reasoning' as const, text: 'why', signature: 's' };
    const use = { type: 'toolUse' as const, toolUseId: 'p', name: 'n', input: {} };
    const history = toModelHistory(
      [
        t('user', 'q1'),
        t('assistant', 'a1', {
          messages: [{ role: 'assistant', content: [reasoning, { type: 'text', text: 'a1' }] }],
        }),
        t('user', 'q2'),
        t('assistant', '', { messages: [{ role: 'assistant', content: [reasoning, use] }] }),
      ],
      [{ role: 'user', content: [{ type: 'toolResult', toolUseId: 'p', status: 'success', text: 'ok' }] }],
    );
    assert.deepEqual(history[1]!.content, [{ type: 'text', text: 'a1' }]);
    assert.deepEqual(history[3]!.content, [reasoning, use]);
  });
});
