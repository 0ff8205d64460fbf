/** Small DOM builders the chat view's parts share. */
import type { ToExtension } from '../shared/webview-protocol';

export type Send = (message: ToExtension) => void;

export function div(className: string, text?: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** An element with a codicon before its text (the icon hidden from screen readers). */
export function iconText(className: string, icon: string, text: string): HTMLDivElement {
  const el = div(className);
  el.innerHTML = `<span class="codicon codicon-${icon}" aria-hidden="true"></span>`;
  el.append(document.createTextNode(text));
  return el;
}

/** A `vscode-button` from @vscode-elements/elements (themed like the editor's own buttons). */
export function button(
  label: string,
  icon: string,
  kind: 'primary' | 'secondary' = 'secondary',
): HTMLButtonElement {
  const b = document.createElement('vscode-button') as unknown as HTMLButtonElement;
  b.setAttribute('icon', icon);
  if (kind === 'secondary') b.setAttribute('secondary', '');
  b.textContent = label;
  b.title = label;
  return b;
}

/**
 * A collapsible block of text, whole: it scrolls inside its own box (never widening the list),
 * and Open in Editor shows it in a tab.
 */
export function details(
  summary: string,
  body: string,
  options: { send: Send; language?: string; open?: boolean },
): HTMLElement {
  const el = document.createElement('details');
  el.className = 'tool-input';
  el.open = options.open ?? false;
  const s = document.createElement('summary');
  s.textContent = summary;
  const pre = document.createElement('pre');
  pre.tabIndex = 0; // a scrolling box is reachable by keyboard
  pre.textContent = body;
  const open = document.createElement('vscode-toolbar-button');
  open.className = 'open-in-editor';
  open.setAttribute('icon', 'go-to-file');
  open.setAttribute('label', `Open ${summary} in Editor`);
  open.title = 'Open in Editor';
  open.addEventListener('click', (e) => {
    e.preventDefault(); // the button sits in the summary: opening the text does not toggle the box
    options.send({
      type: 'openInEditor',
      text: body,
      ...(options.language ? { language: options.language } : {}),
    });
  });
  s.append(open);
  el.append(s, pre);
  return el;
}

export function statusText(status: string, readOnly: boolean): string {
  if (status === 'pending') return readOnly ? 'waiting' : 'waiting for approval';
  return { running: 'running…', success: 'done', error: 'failed', denied: 'denied' }[status] ?? status;
}
