/**
 * Names for Save Diagram…: the diagram's own title when it has one (front matter `title:`, or an
 * xychart's `title "…"`), else "diagram", as a file name safe on Windows, macOS and Linux. No DOM
 * and no `vscode`: the webview proposes the name, and the extension sanitizes it again on receipt.
 */

export type DiagramFormat = 'svg' | 'png';

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_STEM = 80;
const FALLBACK = 'diagram';

/** The title a mermaid source gives itself, if any. */
export function diagramTitle(source: string): string | undefined {
  const front = /^\s*---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1];
  const fromFront = front && /^title:\s*(.+)$/m.exec(front)?.[1];
  const fromBody = /^\s*title\s+(?:"([^"\n]*)"|([^\n]+))$/m.exec(source);
  const title = fromFront || fromBody?.[1] || fromBody?.[2];
  const clean = title?.replace(/^["']|["']$/g, '').trim();
  return clean || undefined;
}

/** `<stem>.<format>`: no path separators, control, bidi or reserved characters, no dot files. */
export function diagramFileName(title: string | undefined, format: DiagramFormat): string {
  let stem = (title ?? '')
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (stem.length > MAX_STEM)
    stem = [...stem]
      .slice(0, MAX_STEM)
      .join('')
      .replace(/[.\s]+$/, '');
  if (!stem || RESERVED.test(stem)) stem = stem ? `${stem}-${FALLBACK}` : FALLBACK;
  return `${stem}.${format}`;
}
