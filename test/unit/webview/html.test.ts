import assert from 'node:assert/strict';
import { chatHtml } from '../../../extension/chat/html';

describe('the chat page', () => {
  const html = chatHtml(
    { cspSource: 'https://res', script: 's.js', mermaid: 'm.js', styles: 'c.css', codicons: 'i.css' },
    'n0nce',
  );
  const csp = /content="([^"]+)"/.exec(html)![1]!;

  it('admits diagram styles by the page nonce only, and never inline script or style', () => {
    assert.match(csp, /style-src https:\/\/res 'nonce-n0nce'/);
    assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes/);
    assert.match(csp, /default-src 'none'/);
  });
});
