/** DOM for the conversation's items. Each builder returns one element; the list reuses unchanged ones. */
import type { Item } from './state';
import { escapeHtml, inputPreview, renderMarkdown, toolLabel } from './render';

type Send = (message: import('./protocol').ToExtension) => void;

const STATUS_ICON: Record<string, string> = {
  running: 'loading codicon-modifier-spin',
  success: 'pass',
  error: 'error',
  denied: 'circle-slash',
  pending: 'shield',
};

export function itemElement(item: Item, send: Send): HTMLElement {
  switch (item.kind) {
    case 'user': {
      const el = div('message user');
      el.append(div('role', 'You'), textBlock(item.text));
      return el;
    }
    case 'assistant': {
      const el = div(
        `message assistant${item.streaming ? ' streaming' : ''}${item.interrupted ? ' interrupted' : ''}`,
      );
      el.setAttribute('aria-busy', String(item.streaming));
      const body = div('markdown');
      body.innerHTML = renderMarkdown(item.text); // markdown-it with html:false escapes everything the model wrote
      el.append(div('role', 'Cloud Engineer'), body);
      if (item.interrupted) el.append(div('interrupted-note', 'The answer was interrupted.'));
      return el;
    }
    case 'tool': {
      const el = div(`tool-card status-${item.status}`);
      el.dataset.toolId = item.id;
      const head = div('tool-head');
      head.innerHTML = `<span class="codicon codicon-${STATUS_ICON[item.status] ?? 'tools'}" aria-hidden="true"></span><span class="tool-name">${escapeHtml(toolLabel(item.name))}</span><span class="tool-status">${escapeHtml(statusText(item.status, item.readOnly))}</span>`;
      el.append(head);
      const preview = inputPreview(item.input);
      if (preview && preview !== '{}') el.append(details('Input', preview));
      if (item.summary) el.append(div('tool-summary', item.summary));
      return el;
    }
    case 'approval':
      return approvalCard(item, send);
    case 'notice': {
      const el = div(`notice notice-${item.action}`);
      el.setAttribute('role', 'status');
      el.innerHTML = `<span class="codicon codicon-${item.action === 'blocked' ? 'shield' : 'eye-closed'}" aria-hidden="true"></span><span>${escapeHtml(item.message)}</span>`;
      return el;
    }
  }
}

function approvalCard(item: Extract<Item, { kind: 'approval' }>, send: Send): HTMLElement {
  const el = div(`approval-card${item.decision ? ` decided decided-${item.decision}` : ''}`);
  el.dataset.toolId = item.id;
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', `Approval needed: ${toolLabel(item.name)}`);
  const head = div('approval-head');
  head.innerHTML = `<span class="codicon codicon-warning" aria-hidden="true"></span><span class="tool-name">${escapeHtml(toolLabel(item.name))}</span><span class="approval-badge">${item.decision === 'approve' ? 'approved' : item.decision === 'deny' ? 'denied' : 'needs approval'}</span>`;
  el.append(head, div('approval-reason', item.reason));
  const preview = inputPreview(item.input, 2000);
  if (preview) el.append(details('Exact call', preview, true));
  if (item.decision) {
    const outcome =
      item.decision === 'deny'
        ? 'Denied'
        : item.result
          ? `Approved · ${statusText(item.result.status, false)}`
          : 'Approved · running…';
    el.append(div('approval-decision', outcome));
    if (item.result && item.result.status !== 'denied') el.append(div('tool-summary', item.result.summary));
    return el;
  }
  const actions = div('approval-actions');
  let confirm: HTMLInputElement | undefined;
  const approve = button('Approve', 'check', 'primary');
  if (item.confirmText) {
    const label = document.createElement('label');
    label.className = 'confirm-label';
    label.textContent = `Type ${item.confirmText} to approve`;
    confirm = document.createElement('vscode-textfield') as unknown as HTMLInputElement;
    confirm.className = 'confirm-input';
    confirm.setAttribute('aria-label', `Type ${item.confirmText} to approve`);
    confirm.placeholder = item.confirmText;
    approve.disabled = true;
    confirm.addEventListener('input', () => (approve.disabled = confirm!.value !== item.confirmText));
    label.append(confirm);
    el.append(label);
  }
  approve.addEventListener('click', () =>
    send({
      type: 'decide',
      toolUseId: item.id,
      decision: 'approve',
      ...(confirm ? { confirmText: confirm.value } : {}),
    }),
  );
  const deny = button('Deny', 'close', 'secondary');
  deny.addEventListener('click', () => send({ type: 'decide', toolUseId: item.id, decision: 'deny' }));
  actions.append(approve, deny);
  el.append(actions);
  return el;
}

function statusText(status: string, readOnly: boolean): string {
  if (status === 'pending') return readOnly ? 'waiting' : 'waiting for approval';
  return { running: 'running…', success: 'done', error: 'failed', denied: 'denied' }[status] ?? status;
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

function details(summary: string, body: string, open = false): HTMLElement {
  const el = document.createElement('details');
  el.className = 'tool-input';
  el.open = open;
  const s = document.createElement('summary');
  s.textContent = summary;
  const pre = document.createElement('pre');
  pre.textContent = body;
  el.append(s, pre);
  return el;
}

function textBlock(text: string): HTMLElement {
  const el = div('text');
  el.textContent = text;
  return el;
}

export function div(className: string, text?: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Keeps one element per item; rebuilds only items whose object changed (the reducer shares the rest). */
export class ItemList {
  private rendered: { item: Item; el: HTMLElement }[] = [];
  constructor(
    private readonly root: HTMLElement,
    private readonly send: Send,
  ) {}

  render(items: readonly Item[]): HTMLElement[] {
    const changed: HTMLElement[] = [];
    items.forEach((item, i) => {
      const prev = this.rendered[i];
      if (prev?.item === item) return;
      if (prev && prev.item.kind === 'assistant' && item.kind === 'assistant') {
        // A streaming answer keeps its element: the text grows in place (and aria-live reads it).
        updateAnswer(prev.el, item);
        this.rendered[i] = { item, el: prev.el };
        changed.push(prev.el);
        return;
      }
      const el = itemElement(item, this.send);
      if (prev) prev.el.replaceWith(el);
      else this.root.append(el);
      this.rendered[i] = { item, el };
      changed.push(el);
    });
    for (const extra of this.rendered.splice(items.length)) extra.el.remove();
    return changed;
  }
}

function updateAnswer(el: HTMLElement, item: Extract<Item, { kind: 'assistant' }>): void {
  el.className = `message assistant${item.streaming ? ' streaming' : ''}${item.interrupted ? ' interrupted' : ''}`;
  el.setAttribute('aria-busy', String(item.streaming));
  el.querySelector('.markdown')!.innerHTML = renderMarkdown(item.text);
  if (item.interrupted && !el.querySelector('.interrupted-note'))
    el.append(div('interrupted-note', 'The answer was interrupted.'));
}
