/** DOM for the conversation's items. Each builder returns one element; the list reuses unchanged ones. */
import type { ConversationState, Item, ItemOf } from '../shared/conversation-state';
import { approvalCard, approvedByLine } from './approval-card';
import { fullInput, messageLabel, prettyOutput } from './cards';
import { details, div, statusText, type Send } from './dom';
import { SUMMARY_LABEL, summaryNote, usageParts } from './labels';
import { escapeHtml, renderMarkdown, toolLabel } from './render';

export { button, div } from './dom';

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
      if (item.approvedBy) el.append(approvedByLine(item.approvedBy));
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
    case 'summary':
      return summaryMarker(item);
  }
}

/** Where the turns the model reads as a summary end: collapsed, opened to the summary itself. */
function summaryMarker(item: ItemOf<'summary'>): HTMLElement {
  const el = document.createElement('details');
  el.className = 'summary-marker';
  const head = document.createElement('summary');
  head.innerHTML = '<span class="codicon codicon-history" aria-hidden="true"></span>';
  head.append(document.createTextNode(SUMMARY_LABEL));
  el.append(head, div('summary-note', summaryNote(item.text !== undefined)));
  if (item.text) {
    const body = div('summary-text markdown');
    body.innerHTML = renderMarkdown(item.text); // escaped like any model text
    el.append(body);
  }
  return el;
}

function article(className: string, label: string): HTMLElement {
  const el = document.createElement('article');
  el.className = className;
  el.setAttribute('aria-label', label);
  return el;
}

function answerClass(item: ItemOf<'assistant'>): string {
  return `message assistant${item.streaming ? ' streaming' : ''}${item.interrupted ? ' interrupted' : ''}${item.stopped ? ' stopped' : ''}`;
}

let usagePricing: ConversationState['pricing'];
let pricingKey = JSON.stringify(undefined);
/** How the usage lines are priced; true when it changed (the answers shown need repainting). */
export function setUsagePricing(pricing: ConversationState['pricing']): boolean {
  const key = JSON.stringify(pricing);
  const changed = key !== pricingKey;
  usagePricing = pricing;
  pricingKey = key;
  return changed;
}

/** "Stopped" on an answer the user stopped; a note on one an error cut short; then its usage, quietly. */
function appendAnswerMarks(el: HTMLElement, item: ItemOf<'assistant'>): void {
  if (item.stopped && !el.querySelector('.stopped-mark')) {
    const mark = div('stopped-mark');
    mark.innerHTML = '<span class="codicon codicon-debug-stop" aria-hidden="true"></span>Stopped';
    el.append(mark);
  }
  if (item.interrupted && !item.stopped && !el.querySelector('.interrupted-note'))
    el.append(div('interrupted-note', 'The answer was interrupted.'));
  el.querySelector('.usage-line')?.remove();
  if (item.usage) {
    const parts = usageParts(item.usage, usagePricing);
    const line = div('usage-line');
    // Each part stays whole on a narrow sidebar: the line breaks only between parts. Which model
    // answered comes last, its short name (its id is in the tooltip).
    const pieces = [
      ...parts.tokens.split(' · ').map((text) => span('usage-part', text)),
      ...(parts.model ? [span('usage-part usage-model', parts.model)] : []),
    ];
    pieces.forEach((piece, i) => line.append(...(i ? [' · ', piece] : [piece])));
    line.title = parts.title;
    el.append(line);
  }
}

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

function textBlock(text: string): HTMLElement {
  const el = div('text');
  el.textContent = text;
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
      // A whole new state (after a turn, a reload) brings equal copies: their elements stay, and
      // so does what the user opened in them.
      if (prev && sameItem(prev.item, item)) {
        this.rendered[i] = { item, el: prev.el };
        return;
      }
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

function sameItem(a: Item, b: Item): boolean {
  return a.kind === b.kind && JSON.stringify(a) === JSON.stringify(b);
}

function updateAnswer(el: HTMLElement, item: ItemOf<'assistant'>): void {
  el.className = answerClass(item);
  el.setAttribute('aria-busy', String(item.streaming));
  el.querySelector('.markdown')!.innerHTML = renderMarkdown(item.text);
  appendAnswerMarks(el, item);
}
