import assert from 'node:assert/strict';
import { renderMarkdown, toolLabel } from '../../../webview/render';

describe('webview rendering', () => {
  it('never lets raw HTML from the model into the page', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> and <script>alert(1)</script>');
    assert.doesNotMatch(html, /<img|<script/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('refuses javascript: links', () => {
    assert.doesNotMatch(renderMarkdown('[click](javascript:alert(1))'), /href="javascript:/);
    assert.match(
      renderMarkdown('[docs](https://docs.aws.amazon.com/)'),
      /<a href="https:\/\/docs\.aws\.amazon\.com\/" title="https:\/\/docs\.aws\.amazon\.com\/">docs<\/a>/,
    );
  });

  it('gives code blocks Copy, Insert at Cursor and Open in Editor, with the exact source', () => {
    const html = renderMarkdown('```yaml\nName: "a<b>"\n```');
    for (const action of ['copy', 'insert', 'openInEditor'])
      assert.match(
        html,
        new RegExp(
          `data-action="${action}" data-code="Name: &quot;a&lt;b&gt;&quot;\\n" data-language="yaml"`,
        ),
      );
    assert.match(html, /<span class="code-language">yaml<\/span>/);
  });

  it('leaves mermaid fences as placeholders for the diagram renderer, with the source shown meanwhile', () => {
    const html = renderMarkdown('```mermaid\nflowchart TB\n  a --> b\n```');
    assert.match(html, /^<div class="mermaid-block" data-source="flowchart TB\n {2}a --&gt; b\n">/);
    assert.doesNotMatch(html, /code-toolbar/);
  });

  it('renders tables (answers list resources as tables)', () => {
    assert.match(renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |'), /<table>[\s\S]*<td>1<\/td>/);
  });

  it('puts tables in a box of their own that scrolls, and keeps ids and hyphenated words whole', () => {
    const html = renderMarkdown(
      '| Name | VPC | CIDR |\n|---|---|---|\n| web tier-a | vpc-0abc123def | 10.0.0.0/16 |\n| `subnet-1a` | a b | x |',
    );
    assert.match(html, /^<div class="table-scroll" tabindex="0"><table>/);
    assert.match(html, /<\/table><\/div>\n$/);
    assert.match(html, /<td>web <span class="nobr">tier-a<\/span><\/td>/);
    assert.match(html, /<td><span class="nobr">vpc-0abc123def<\/span><\/td>/);
    assert.match(html, /<td><span class="nobr">10\.0\.0\.0\/16<\/span><\/td>/);
    assert.match(html, /<td><code>subnet-1a<\/code><\/td>/);
    // Outside tables, text is left alone; inside, it is still escaped.
    assert.doesNotMatch(renderMarkdown('a-b c'), /nobr/);
    assert.match(renderMarkdown('| a |\n|---|\n| <b>x-y</b> |'), /&lt;b&gt;x-y&lt;\/b&gt;/);
  });

  it('shows vscode:, command: and other non-web links as plain text, never as links', () => {
    for (const text of [
      '[open settings](vscode://settings/cloudEngineer)',
      '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
      '<vscode://vscode.git/clone?url=x>',
      '<command:workbench.action.openSettings>',
      '[file](file:///etc/passwd)',
      '[data](data:text/html,<b>x</b>)',
      '[rel](../secrets)',
      'see vscode://extension/x and command:foo',
    ]) {
      const html = renderMarkdown(text);
      assert.doesNotMatch(html, /<a /, text);
    }
    assert.match(renderMarkdown('[open](vscode://settings)'), /\[open\]\(vscode:\/\/settings\)/);
    assert.match(renderMarkdown('<https://aws.amazon.com>'), /<a href="https:\/\/aws\.amazon\.com"/);
    assert.match(renderMarkdown('mail [me](mailto:ops@example.com)'), /<a href="mailto:ops@example\.com"/);
    assert.match(
      renderMarkdown('see https://docs.aws.amazon.com/x'),
      /<a href="https:\/\/docs\.aws\.amazon\.com\/x"/,
    );
  });

  it('names tools for people', () => {
    assert.equal(toolLabel('cloudformation_delete_stack'), 'CloudFormation: delete stack');
    assert.equal(toolLabel('aws_read'), 'AWS: read');
  });
});
