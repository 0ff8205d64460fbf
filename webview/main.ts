/**
 * The chat view's script. It keeps a copy of the conversation, applies streamed events with the
 * shared reducer, and paints at most once per animation frame, so long answers stay smooth.
 * No `vscode` and no Node here: it talks to the extension through postMessage only.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { renderDiagrams } from './diagrams';
import { ToWebview, type FixAction, type ToExtension } from '../shared/webview-protocol';
import { inputBreakdown, shortUsageText, tokensText, withCost } from '../shared/prices';
import {
  applyEvent,
  emptyState,
  sessionCost,
  sessionUsage,
  type ConversationState,
} from '../shared/conversation-state';
import { codeSpans, quotaText, SETUP_STEPS } from './labels';
import { button, div, ItemList, setUsagePricing } from './view';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscode = acquireVsCodeApi();
const send = (message: ToExtension) => vscode.postMessage(message);

const FIX_LABELS: Record<FixAction, [string, string]> = {
  signIn: ['Sign In', 'sign-in'],
  configure: ['Configure Backend', 'settings-gear'],
  retry: ['Retry', 'refresh'],
  showLogs: ['Show Logs', 'output'],
  setModelApiKey: ['Set Model API Key…', 'key'],
  selectModel: ['Select Model…', 'list-selection'],
  checkSetup: ['Check Again', 'refresh'],
};

let state: ConversationState = emptyState();
let frame = 0;
/** Check Again was pressed and its answer (a new state) has not come yet. */
let checking = false;
/** Repaints the banner when a spent budget renews (Retry appears then). */
let renewalTimer: ReturnType<typeof setTimeout> | undefined;

const app = document.getElementById('app')!;
// The title has the line to itself; who is signed in where is the status bar's to show.
const header = div('header');
const title = div('title');
title.setAttribute('role', 'heading');
title.setAttribute('aria-level', '1');
// What the conversation shown has cost so far, quietly, when its answers know their usage.
const conversationCost = div('session-usage');
header.append(title, conversationCost);
const log = div('messages');
log.setAttribute('role', 'log');
log.setAttribute('aria-live', 'polite');
log.setAttribute('aria-label', 'Conversation');
const welcome = div('welcome');
welcome.innerHTML =
  '<h2>Ask about your AWS account</h2><p>Questions get answers from live data. Changes to AWS always wait for your approval.</p>';
// A step that must come first (no AWS credentials in local mode), said before the first question.
const setup = div('setup-step');
setup.setAttribute('role', 'status');
welcome.append(setup);
for (const example of [
  'Which security groups are open to the world?',
  'What did I spend this month, by service?',
  'Draw a diagram of my VPCs',
]) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'example';
  b.innerHTML = '<span class="codicon codicon-comment" aria-hidden="true"></span>';
  b.append(document.createTextNode(example));
  b.addEventListener('click', () => send({ type: 'send', text: example }));
  welcome.append(b);
}
const banner = div('error-banner');
banner.setAttribute('role', 'alert');
const composer = div('composer');
const inputLabel = document.createElement('label');
inputLabel.className = 'prompt-label';
inputLabel.htmlFor = 'prompt';
inputLabel.textContent = 'Message Cloud Engineer';
const inputHint = div('prompt-hint', 'Enter to send, Shift+Enter for a new line');
inputHint.id = 'prompt-hint';
const input = document.createElement('vscode-textarea');
input.id = 'prompt';
input.className = 'prompt';
input.setAttribute('label', 'Message Cloud Engineer');
input.setAttribute('aria-describedby', 'prompt-hint');
input.setAttribute('rows', '3');
input.setAttribute('resize', 'vertical');
const sendButton = button('Send', 'send', 'primary');
const stopButton = button('Stop', 'debug-stop', 'secondary');
composer.append(inputLabel, input, div('composer-actions'));
composer.lastElementChild!.append(inputHint, sendButton, stopButton);
app.append(header, welcome, log, banner, composer);

let items = new ItemList(log, send);

function submit() {
  const text = input.value.trim();
  if (!text || state.busy) return;
  send({ type: 'send', text });
  input.value = '';
}
sendButton.addEventListener('click', submit);
stopButton.addEventListener('click', () => send({ type: 'stop' }));
input.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === 'ArrowUp' && !e.isComposing && input.value === '') {
    // Up in an empty input brings back the last message, to edit and send again.
    const last = state.items.findLast((it) => it.kind === 'user');
    if (last?.kind === 'user') {
      e.preventDefault();
      input.value = last.text;
    }
  }
});
// Escape stops a running answer from anywhere in the view.
document.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key === 'Escape' && state.busy && !e.defaultPrevented) {
    e.preventDefault();
    send({ type: 'stop' });
  }
});

// Code-block actions, delegated: the blocks are re-rendered as the answer streams.
log.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!target) return;
  const text = target.dataset.code ?? '';
  const action = target.dataset.action;
  const language = target.dataset.language ? { language: target.dataset.language } : {};
  if (action === 'copy') send({ type: 'copy', text });
  else if (action === 'insert') send({ type: 'insert', text, ...language });
  else if (action === 'openInEditor')
    send({
      type: 'openInEditor',
      text,
      ...(target.dataset.language ? { language: target.dataset.language } : {}),
    });
});

function paint() {
  frame = 0;
  title.textContent = state.title ?? 'New chat';
  title.title = title.textContent;
  welcome.hidden = state.items.length > 0;
  paintSetup();
  if (setUsagePricing(state.pricing)) {
    // Another model or price: every usage line shown is redrawn.
    log.replaceChildren();
    items = new ItemList(log, send);
  }
  const total = sessionUsage(state);
  // Each answer at its own model's price; tokens only when any answer's price is unknown.
  const cost = total ? sessionCost(state) : undefined;
  conversationCost.hidden = !total;
  conversationCost.textContent = total ? shortUsageText(total, cost) : '';
  conversationCost.title = total
    ? `This conversation: ${withCost(tokensText(total), cost)}\n${inputBreakdown(total)}`
    : '';
  const changed = items.render(state.items);
  sendButton.hidden = state.busy;
  stopButton.hidden = !state.busy;
  composer.classList.toggle('busy', state.busy);
  paintBanner();
  if (changed.length > 0) {
    log.scrollTop = log.scrollHeight;
    const finished = changed.filter((el) => !el.classList.contains('streaming'));
    if (finished.some((el) => el.querySelector('.mermaid-block'))) void renderDiagrams(log, send);
  }
}

function paintSetup() {
  setup.hidden = !state.setup;
  if (!state.setup) return;
  const key = `${state.setup.kind}\n${state.setup.message}`;
  if (setup.dataset.key !== key) {
    setup.dataset.key = key;
    const step = SETUP_STEPS[state.setup.kind];
    const text = div('setup-text');
    text.innerHTML = `<span class="codicon codicon-${step.icon}" aria-hidden="true"></span>`;
    const message = document.createElement('span');
    // `ollama serve` and the like read as commands.
    for (const part of codeSpans(state.setup.message)) {
      if (!part.code) message.append(document.createTextNode(part.text));
      else message.append(Object.assign(document.createElement('code'), { textContent: part.text }));
    }
    text.append(message);
    const actions = div('setup-actions');
    step.actions.forEach(({ label, icon, action }, i) => {
      const b = button(label, icon, i === 0 ? 'primary' : 'secondary');
      b.dataset.action = action;
      b.addEventListener('click', () => {
        if (action === 'checkSetup') {
          checking = true;
          paintSetup();
        }
        send({ type: 'fix', action });
      });
      actions.append(b);
    });
    setup.replaceChildren(text, actions);
  }
  const again = setup.querySelector<HTMLButtonElement>('[data-action="checkSetup"]');
  if (again) {
    again.disabled = checking;
    again.textContent = checking ? 'Checking…' : 'Check Again';
  }
}

function paintBanner() {
  banner.hidden = !state.error;
  banner.replaceChildren();
  clearTimeout(renewalTimer);
  if (!state.error) return;
  const error = state.error;
  const renewsAt = error.renewsAt ? new Date(error.renewsAt) : undefined;
  const renewed = renewsAt !== undefined && Date.now() >= renewsAt.getTime();
  if (renewsAt && !renewed)
    renewalTimer = setTimeout(schedule, Math.min(renewsAt.getTime() - Date.now() + 500, 2 ** 31 - 1));
  const text = div('error-text');
  text.innerHTML = `<span class="codicon codicon-${renewsAt ? 'watch' : 'error'}" aria-hidden="true"></span>`;
  const words = div('error-words');
  if (renewsAt) {
    // A spent budget: when it renews, in the user's own time; the backend's own words below.
    banner.classList.add('quota');
    words.append(div('error-headline', quotaText(renewsAt, new Date())), div('error-detail', error.message));
  } else {
    banner.classList.remove('quota');
    words.textContent = error.message;
  }
  text.append(words);
  const actions = div('error-actions');
  const offered =
    renewed && !error.actions.includes('retry') ? (['retry', ...error.actions] as const) : error.actions;
  for (const action of offered) {
    const [label, icon] = FIX_LABELS[action];
    const b = button(label, icon, action === offered[0] ? 'primary' : 'secondary');
    b.addEventListener('click', () => send({ type: 'fix', action }));
    actions.append(b);
  }
  const dismiss = button('Dismiss', 'close', 'secondary');
  dismiss.addEventListener('click', () => send({ type: 'dismissError' }));
  actions.append(dismiss);
  banner.append(text, actions);
}

function schedule() {
  frame ||= requestAnimationFrame(paint);
}

window.addEventListener('message', (e: MessageEvent) => {
  const parsed = ToWebview.safeParse(e.data);
  if (!parsed.success) return;
  const message = parsed.data;
  switch (message.type) {
    case 'state':
      state = message.state;
      checking = false;
      break;
    case 'event':
      state = applyEvent(state, message.event);
      if (message.event.type === 'session') state = { ...state, busy: true };
      break;
    case 'focusInput':
      input.focus();
      return;
    default:
      // Every message type has its case: a new one does not compile until it is handled.
      message satisfies never;
  }
  schedule();
});

paint();
send({ type: 'ready' });
