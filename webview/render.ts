/**
 * Rendering for the chat view, free of the DOM so it is unit-tested in Node: markdown (raw HTML
 * disabled, so model output can never inject markup), code blocks with their actions, mermaid
 * fences left as placeholders for the lazily loaded renderer.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

// Only web and mail links are links. `vscode://`, `command:` and the like would run something in
// the editor from text the model wrote: they stay plain text.
md.validateLink = (url) => /^(https?:\/\/|mailto:)/i.test(url.trim());

// Every fence becomes a block with a toolbar; the source travels in an attribute, escaped.
md.renderer.rules.fence = (tokens, index) => {
  const token = tokens[index]!;
  const language = token.info.trim().split(/\s+/)[0] ?? '';
  const code = token.content;
  if (language === 'mermaid') {
    return `<div class="mermaid-block" data-source="${escapeHtml(code)}"><pre class="mermaid-source"><code>${escapeHtml(code)}</code></pre></div>`;
  }
  const attrs = `data-code="${escapeHtml(code)}" data-language="${escapeHtml(language)}"`;
  return (
    `<div class="code-block">` +
    `<div class="code-toolbar"><span class="code-language">${escapeHtml(language || 'text')}</span>` +
    `<vscode-toolbar-button class="code-action" data-action="copy" ${attrs} icon="copy" label="Copy" title="Copy"></vscode-toolbar-button>` +
    `<vscode-toolbar-button class="code-action" data-action="insert" ${attrs} icon="insert" label="Insert at Cursor" title="Insert at Cursor"></vscode-toolbar-button>` +
    `<vscode-toolbar-button class="code-action" data-action="openInEditor" ${attrs} icon="go-to-file" label="Open in Editor" title="Open in Editor"></vscode-toolbar-button>` +
    `</div><pre><code class="language-${escapeHtml(language)}">${escapeHtml(code)}</code></pre></div>`
  );
};

// Links open outside the webview (VS Code routes them), never inside it.
const defaultLink =
  md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
  tokens[i]!.attrSet('title', tokens[i]!.attrGet('href') ?? '');
  return defaultLink(tokens, i, options, env, self);
};

// Tables scroll sideways in a box of their own, and their cells never break inside an id or a
// word: each run of text with a hyphen or slash (vpc-0abc, 10.0.0.0/16) is kept on one line.
md.renderer.rules.table_open = () => '<div class="table-scroll" tabindex="0"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';
for (const [open, close] of [
  ['th_open', 'th_close'],
  ['td_open', 'td_close'],
] as const) {
  md.renderer.rules[open] = (tokens, i, options, env, self) => {
    if (env) env.inCell = true;
    return self.renderToken(tokens, i, options);
  };
  md.renderer.rules[close] = (tokens, i, options, env, self) => {
    if (env) env.inCell = false;
    return self.renderToken(tokens, i, options);
  };
}
md.renderer.rules.text = (tokens, i, _options, env) => {
  const text = escapeHtml(tokens[i]!.content);
  return env?.inCell ? text.replace(/\S*[-/‐–]\S*/g, (word) => `<span class="nobr">${word}</span>`) : text;
};

export function renderMarkdown(text: string): string {
  return md.render(text, {});
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Tool names as people read them: `cloudformation_delete_stack` → "CloudFormation: delete stack". */
export function toolLabel(name: string): string {
  const [service, ...rest] = name.split('_');
  const services: Record<string, string> = {
    cloudformation: 'CloudFormation',
    aws: 'AWS',
    cost: 'Cost',
    diagram: 'Diagram',
    get: 'AWS',
  };
  const head = services[service ?? ''] ?? service ?? name;
  return rest.length ? `${head}: ${rest.join(' ')}` : head;
}
