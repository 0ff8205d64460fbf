/**
 * Names for Save Diagram…: the diagram's own title when it has one (front matter `title:`, or an
 * xychart's `title "…"`), else "diagram", as a file name safe on Windows, macOS and Linux. No DOM
 * and no `vscode`: the webview proposes the name, and the extension sanitizes it again on receipt.
 */

import { safeFileName } from './file-name';

export type DiagramFormat = 'svg' | 'png';

/** The title a mermaid source gives itself, if any. */
export function diagramTitle(source: string): string | undefined {
  const front = /^\s*---\r?\n([\s\S]*?)\r?\n---/.exec(source)?.[1];
  const fromFront = front && /^title:\s*(.+)$/m.exec(front)?.[1];
  const fromBody = /^\s*title\s+(?:"([^"\n]*)"|([^\n]+))$/m.exec(source);
  const title = fromFront || fromBody?.[1] || fromBody?.[2];
  const clean = title?.replace(/^["']|["']$/g, '').trim();
  return clean || undefined;
}

/** `<stem>.<format>`: no path separators, control, bidi or reserved names, no dot files. */
export function diagramFileName(title: string | undefined, format: DiagramFormat): string {
  return safeFileName(title ?? '', format, 'diagram');
}
