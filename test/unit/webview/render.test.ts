import assert from 'node:assert/strict';
import { inputPreview, renderMarkdown, toolLabel } from '../../../webview/render';

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

  it('previews tool input briefly and names tools for people', () => {
    assert.equal(inputPreview({ stackName: 'x' }), '{\n  "stackName": "x"\n}');
    assert.equal(inputPreview({ big: 'y'.repeat(500) }, 50).length, 50);
    assert.equal(toolLabel('cloudformation_delete_stack'), 'CloudFormation: delete stack');
    assert.equal(toolLabel('aws_read'), 'AWS: read');
  });
});
