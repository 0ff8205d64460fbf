/** DOM for the conversation's items. Each builder returns one element; the list reuses unchanged ones. */
import {
  approvalDetailsHtml,
  approvalInput,
  approvalTargetHtml,
  approvalTargetText,
  fullInput,
  messageLabel,
  prettyOutput,
} from './cards';
import type { Item } from '../shared/conversation-state';
import { escapeHtml, renderMarkdown, toolLabel } from './render';
import { usageLine, type Price } from '../shared/prices';

type Send = (message: import('../shared/webview-protocol').ToExtension) => void;

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
      const el = article('message user', messageLabel('user'));
      el.append(div('role', 'You'), textBlock(item.text));
      return el;
    }
    case 'assistant': {
      const el = article(answerClass(item), messageLabel('assistant'));
      el.setAttribute('aria-busy', String(item.streaming));
      const body = div('markdown');
      body.innerHTML = renderMarkdown(item.text); // markdown-it with html:false escapes everything the model wrote
      el.append(div('role', 'Cloud Engineer'), body);
      appendAnswerMarks(el, item);
      return el;
    }
    case 'tool': {
      const el = div(`tool-card status-${item.status}`);
      el.dataset.toolId = item.id;
      el.setAttribute('role', 'group');
      const label = toolLabel(item.name);
      const status = statusText(item.status, item.readOnly);
      el.setAttribute('aria-label', `Tool ${label}: ${status}`);
      const head = div('tool-head');
      head.innerHTML = `<span class="codicon codicon-${STATUS_ICON[item.status] ?? 'tools'}" aria-hidden="true"></span><span class="tool-name">${escapeHtml(label)}</span><span class="tool-status">${escapeHtml(status)}</span>`;
      el.append(head);
      const input = fullInput(item.input);
      if (input && input !== '{}') el.append(details('Input', input, { send, language: 'json' }));
      // One line of summary; the whole result, pretty-printed, when expanded.
      if (item.summary) el.append(div('tool-summary one-line', item.summary));
      const result = item.output ?? item.summary;
      if (result) el.append(details('Result', prettyOutput(result), { send, language: 'json' }));
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
  el.append(head);
  if (item.target) {
    const where = div('approval-target');
    where.innerHTML = approvalTargetHtml(item.target); // every value escaped
    where.title = approvalTargetText(item.target);
    el.append(where);
  }
  el.append(div('approval-reason', item.reason));
  // Everything approved is on the card: the whole input in a scrolling box, and what it will do.
  const input = approvalInput(item.input, item.details);
  if (input) el.append(details('Exact call', input, { send, language: 'json', open: true }));
  if (item.details) {
    const what = div('approval-details');
    what.innerHTML = approvalDetailsHtml(item.details); // every value escaped
    const openDiff = what.querySelector('.open-diff');
    openDiff?.addEventListener('click', () => send({ type: 'openDiff', toolUseId: item.id }));
    el.append(what);
  }
  if (item.decision) {
    const outcome =
      item.decision === 'deny'
        ? 'Denied'
        : item.result
          ? `Approved · ${statusText(item.result.status, false)}`
          : 'Approved · running…';
    el.append(div('approval-decision', outcome));
    if (item.result && item.result.status !== 'denied') {
      el.append(div('tool-summary one-line', item.result.summary));
      const result = item.result.output ?? item.result.summary;
      if (result) el.append(details('Result', prettyOutput(result), { send, language: 'json' }));
    }
    return el;
  }
  const actions = div('approval-actions');
  let confirm: HTMLInputElement | undefined;
  const approve = button('Approve', 'check', 'primary');
  const approveNow = () =>
    send({
      type: 'decide',
      toolUseId: item.id,
      decision: 'approve',
      ...(confirm ? { confirmText: confirm.value } : {}),
    });
  if (item.confirmText) {
    // A visible label names the field (no placeholder standing in for it); Enter approves once it matches.
    const id = `confirm-${item.id.replace(/[^\w-]/g, '_')}`;
    const label = document.createElement('label');
    label.className = 'confirm-label';
    label.htmlFor = id;
    label.append('Type ');
    const code = document.createElement('code');
    code.textContent = item.confirmText;
    label.append(code, ' to approve');
    confirm = document.createElement('vscode-textfield') as unknown as HTMLInputElement;
    confirm.id = id;
    confirm.className = 'confirm-input';
    confirm.setAttribute('label', `Type ${item.confirmText} to approve`);
    approve.disabled = true;
    const matches = () => confirm!.value === item.confirmText;
    confirm.addEventListener('input', () => (approve.disabled = !matches()));
    confirm.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.isComposing) return;
      e.preventDefault();
      if (matches()) approveNow();
    });
    el.append(label, confirm);
  }
  approve.addEventListener('click', approveNow);
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

/**
 * A collapsible block of text, whole: it scrolls inside its own box (never widening the list),
 * and Open in Editor shows it in a tab.
 */
function details(
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

function article(className: string, label: string): HTMLElement {
  const el = document.createElement('article');
  el.className = className;
  el.setAttribute('aria-label', label);
  return el;
}

function answerClass(item: Extract<Item, { kind: 'assistant' }>): string {
  return `message assistant${item.streaming ? ' streaming' : ''}${item.interrupted ? ' interrupted' : ''}${item.stopped ? ' stopped' : ''}`;
}

let usagePrice: Price | undefined;
/** The price the usage lines use; true when it changed (the answers shown need repainting). */
export function setUsagePrice(price: Price | undefined): boolean {
  const changed = price?.input !== usagePrice?.input || price?.output !== usagePrice?.output;
  usagePrice = price;
  return changed;
}

/** "Stopped" on an answer the user stopped; a note on one an error cut short; then its usage, quietly. */
function appendAnswerMarks(el: HTMLElement, item: Extract<Item, { kind: 'assistant' }>): void {
  if (item.stopped && !el.querySelector('.stopped-mark')) {
    const mark = div('stopped-mark');
    mark.innerHTML = '<span class="codicon codicon-debug-stop" aria-hidden="true"></span>Stopped';
    el.append(mark);
  }
  if (item.interrupted && !item.stopped && !el.querySelector('.interrupted-note'))
    el.append(div('interrupted-note', 'The answer was interrupted.'));
  el.querySelector('.usage-line')?.remove();
  if (item.usage) {
    const line = div('usage-line', usageLine(item.usage, usagePrice));
    line.title = usagePrice
      ? 'Model tokens of this turn, and an estimated price'
      : 'Model tokens of this turn';
    el.append(line);
  }
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
  el.className = answerClass(item);
  el.setAttribute('aria-busy', String(item.streaming));
  el.querySelector('.markdown')!.innerHTML = renderMarkdown(item.text);
  appendAnswerMarks(el, item);
}
