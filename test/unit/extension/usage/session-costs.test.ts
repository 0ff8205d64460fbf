import assert from 'node:assert/strict';
import type { Session } from '../../../../backend/src/protocol';
import { SessionCosts } from '../../../../extension/usage/session-costs';
import { SessionUsage } from '../../../../extension/usage/session-usage';
import { memento } from '../../../support/memento';

const session = (id: string, usage?: Session['usage']): Session => ({
  sessionId: id,
  title: id,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
  turnCount: 4,
  ...(usage ? { usage } : {}),
});
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('usage: each session’s cost in the Sessions tree', () => {
  let costs: SessionCosts;
  beforeEach(() => {
    costs = new SessionCosts(new SessionUsage(memento()));
    costs.setPricing(SONNET, {});
  });

  it('shows every session the backend reports usage for, never seen in this window', () => {
    const lines = costs.describe(
      session('old', { inputTokens: 1_000_000, outputTokens: 100_000, modelId: SONNET }),
    )!;
    // $3 per million in, $15 per million out.
    assert.equal(lines.short, '~$4.50');
    assert.match(lines.line, /^1,000,000 in .*100,000 out.* · ~\$4\.50$/);
    assert.equal(lines.model, SONNET);
    assert.equal(lines.source, 'backend');
  });

  it('prices by the model the session names, else the configured one, and shows tokens only when unknown', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    assert.equal(costs.describe(session('a', usage))!.short, '~$3.00', 'the configured Sonnet');
    assert.equal(
      costs.describe(session('b', { ...usage, modelId: 'us.amazon.nova-micro-v1:0' }))!.short,
      '~$0.035',
    );
    const ollama = costs.describe(
      session('c', { inputTokens: 1234, outputTokens: 567, modelId: 'llama3.1:8b' }),
    );
    assert.equal(ollama!.short, '1.8k tokens');
    assert.doesNotMatch(ollama!.line, /\$/);
    costs.setPricing('llama3.1:8b', { 'llama3.1': { input: 1, output: 1 } });
    assert.equal(costs.describe(session('d', usage))!.short, '~$1.00', 'the price overrides apply');
  });

  it('falls back to what this window saw for an older backend, and prefers the backend’s count', () => {
    assert.equal(costs.describe(session('s1')), undefined, 'nothing known: nothing shown');
    assert.equal(costs.remember('s1', { inputTokens: 2000, outputTokens: 0 }), true);
    assert.deepEqual(
      { ...costs.describe(session('s1'))!, line: undefined },
      { short: '~$0.006', line: undefined, source: 'window' },
    );
    const reported = costs.describe(session('s1', { inputTokens: 4000, outputTokens: 0 }));
    assert.equal(reported!.source, 'backend');
    assert.equal(reported!.short, '~$0.012');
    costs.forget('s1');
    assert.equal(costs.describe(session('s1')), undefined);
  });

  it('ignores a malformed usage from the backend rather than showing NaN', () => {
    costs.remember('s2', { inputTokens: 10, outputTokens: 10 });
    const bad = session('s2', { inputTokens: Number.NaN, outputTokens: -5 } as never);
    assert.equal(costs.describe(bad)!.source, 'window');
    assert.equal(costs.describe(session('s3', { inputTokens: -1, outputTokens: 1 })), undefined);
  });

  it('shows the model id inert (no codicons, control or bidi characters)', () => {
    const lines = costs.describe(
      session('m', { inputTokens: 1, outputTokens: 1, modelId: '$(alert) evil\u202emodel\n' }),
    );
    assert.equal(lines!.model, '$ (alert) evil model');
  });

  it('counts cached input at the cache rates of the model', () => {
    const cached = costs.describe(
      session('c', { inputTokens: 1_000_000, cacheReadTokens: 1_000_000, outputTokens: 0, modelId: SONNET }),
    );
    const plain = costs.describe(session('p', { inputTokens: 1_000_000, outputTokens: 0, modelId: SONNET }));
    assert.notEqual(cached!.short, plain!.short, 'a cache read is cheaper than plain input');
  });
});

describe('usage: what this window saw, remembered', () => {
  it('keeps cache figures and the model, and drops what is not usage', () => {
    const m = memento();
    const seen = new SessionUsage(m);
    const full = {
      inputTokens: 10,
      outputTokens: 2,
      cacheReadTokens: 8,
      cacheWriteTokens: 1,
      modelId: 'gpt-4.1',
    };
    assert.equal(seen.remember('s1', full), true);
    assert.equal(seen.remember('s1', { ...full }), false, 'the same total: no redraw');
    assert.deepEqual(new SessionUsage(m).get('s1'), full);
    m.data.set('cloudEngineer.sessionUsage', {
      ok: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 'x', modelId: 7 },
      long: { inputTokens: 1, outputTokens: 1, modelId: 'm'.repeat(300) },
      bad: { inputTokens: Infinity, outputTokens: 1 },
      nul: null,
    });
    const again = new SessionUsage(m);
    assert.deepEqual(again.get('ok'), { inputTokens: 1, outputTokens: 1 });
    assert.deepEqual(again.get('long'), { inputTokens: 1, outputTokens: 1 });
    assert.equal(again.get('bad'), undefined);
    assert.equal(again.get('nul'), undefined);
    assert.equal(again.remember('x', { inputTokens: -1, outputTokens: 0 }), false, 'not usage: not kept');
  });
});
