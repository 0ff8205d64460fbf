import assert from 'node:assert/strict';
import {
  approverText,
  askApproverText,
  codeSpans,
  needsApproverText,
  nonApproverReason,
  quotaText,
  SETUP_STEPS,
  SUMMARY_LABEL,
  usageParts,
  whenText,
} from '../../../webview/labels';

const BERLIN = { locale: 'en-GB', timeZone: 'Europe/Berlin' };

describe('chat view labels', () => {
  it('writes the usage line with cached tokens, the price and the model that answered', () => {
    const pricing = { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', overrides: [] };
    const parts = usageParts(
      {
        inputTokens: 1234,
        outputTokens: 567,
        cacheReadTokens: 1000,
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
      pricing,
    );
    // Haiku 4.5, not the configured Sonnet: (234 × 1 + 1000 × 0.1 + 567 × 5) / 1e6 = $0.0032
    assert.equal(parts.tokens, '1,234 in (1,000 cached) · 567 out · ~$0.0032');
    assert.equal(parts.model, 'Claude Haiku 4.5');
    assert.match(
      parts.title,
      /Answered by Claude Haiku 4\.5 \(us\.anthropic\.claude-haiku-4-5-20251001-v1:0\)/,
    );
    assert.match(parts.title, /1,234 input tokens: 1,000 read from the prompt cache/);
  });

  it("shows tokens only for a model without a price, and never borrows the configured model's", () => {
    const pricing = { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', overrides: [] };
    const parts = usageParts({ inputTokens: 50, outputTokens: 5, modelId: 'llama3.1:8b' }, pricing);
    assert.equal(parts.tokens, '50 in · 5 out tokens');
    assert.equal(parts.model, 'llama3.1:8b');
    assert.match(parts.title, /No price known/);
    // An answer that names no model is priced as the configured one.
    assert.equal(
      usageParts({ inputTokens: 1e6, outputTokens: 0 }, pricing).tokens,
      '1,000,000 in · 0 out · ~$3.00',
    );
    assert.equal(usageParts({ inputTokens: 1e6, outputTokens: 0 }, undefined).model, undefined);
  });

  it('offers the fix of each setup step first, then Configure Backend', () => {
    const actions = Object.fromEntries(
      Object.entries(SETUP_STEPS).map(([kind, step]) => [
        kind,
        step.actions.map((a) => `${a.label}:${a.action}`),
      ]),
    );
    assert.deepEqual(actions, {
      awsCredentials: ['Configure Backend:configure'],
      modelKey: ['Set Model API Key…:setModelApiKey', 'Configure Backend:configure'],
      selectModel: ['Select Model…:selectModel', 'Configure Backend:configure'],
      serverDown: ['Check Again:checkSetup', 'Configure Backend:configure'],
    });
  });

  it('sets commands apart in a setup message', () => {
    assert.deepEqual(codeSpans('start it with `ollama serve`, then check again.'), [
      { text: 'start it with ', code: false },
      { text: 'ollama serve', code: true },
      { text: ', then check again.', code: false },
    ]);
    assert.deepEqual(codeSpans('no code'), [{ text: 'no code', code: false }]);
  });

  it("says when, in the user's own time zone", () => {
    const now = new Date('2026-03-01T21:30:00Z'); // 22:30 in Berlin
    assert.equal(whenText(new Date('2026-03-02T00:00:00Z'), now, BERLIN), 'tomorrow at 01:00');
    assert.equal(whenText(new Date('2026-03-01T22:00:00Z'), now, BERLIN), 'today at 23:00');
    assert.equal(
      whenText(new Date('2026-03-02T00:00:00Z'), now, { locale: 'en-GB', timeZone: 'America/New_York' }),
      'today at 19:00',
      'UTC midnight is still today in New York',
    );
    assert.equal(whenText(new Date('2026-02-20T10:00:00Z'), now, BERLIN), 'on 20 Feb 2026 at 11:00');
    assert.equal(
      whenText(new Date('2026-03-01T09:05:00Z'), now, { locale: 'en-US', timeZone: 'UTC' }),
      'today at 9:05 AM',
      'a twelve-hour clock without a leading zero',
    );
  });

  it('says when a spent budget renews, and that it has', () => {
    const now = new Date('2026-03-01T21:30:00Z');
    const renews = new Date('2026-03-02T00:00:00Z');
    assert.equal(
      quotaText(renews, now, BERLIN),
      'Your daily token budget is spent. It renews tomorrow at 01:00 (your time); you can ask again then.',
    );
    assert.match(quotaText(renews, new Date('2026-03-02T00:00:01Z'), BERLIN), /has renewed: Retry/);
  });

  it('names the approver, else the id, with the time', () => {
    const now = new Date('2026-03-01T15:00:00Z');
    assert.equal(
      approverText({ sub: 'u-1', name: 'alice@example.com', at: '2026-03-01T14:03:00Z' }, now, BERLIN),
      'Approved by alice@example.com at 15:03',
    );
    assert.equal(
      approverText({ sub: 'u-1', name: '  ', at: '2026-02-28T14:03:00Z' }, now, BERLIN),
      'Approved by u-1 yesterday at 15:03',
    );
    assert.equal(approverText({ sub: 'u-1', at: 'not a time' }, now, BERLIN), 'Approved by u-1');
  });

  it('tells a non-approver who may approve', () => {
    assert.equal(needsApproverText(['approvers']), 'Needs an approver (group approvers)');
    assert.equal(needsApproverText(['ops', 'sre']), 'Needs an approver (groups ops, sre)');
    assert.equal(needsApproverText(undefined), 'Needs an approver');
    assert.equal(needsApproverText([' ']), 'Needs an approver');
    assert.match(askApproverText(['approvers']), /Ask a member of approvers/);
    assert.match(askApproverText([]), /Ask someone who may approve changes/);
    assert.match(askApproverText(['approvers']), /Copy Call/);
    assert.equal(SUMMARY_LABEL, 'Earlier conversation summarized');
  });

  it('never asks a non-approver to type a confirmation or says the call waits for them', () => {
    assert.equal(
      nonApproverReason(
        'cloudformation_delete_stack deletes AWS resources. Type "DELETE old.web" to approve this exact call.',
        'DELETE old.web',
      ),
      'cloudformation_delete_stack deletes AWS resources.',
    );
    assert.equal(
      nonApproverReason('cloudformation_delete_stack is waiting for your approval.'),
      'cloudformation_delete_stack is waiting for an approver.',
    );
    // A confirmation that is a pattern in disguise matches only itself.
    assert.equal(
      nonApproverReason('Runs a change. Type "x" to approve.', '.*'),
      'Runs a change. Type "x" to approve.',
    );
    assert.equal(
      nonApproverReason('Type "X" to approve.', 'X'),
      'Type "X" to approve.',
      'never an empty reason',
    );
  });
});
