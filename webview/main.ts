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
import { ToWebview, type FixAction, type ToExtension } from './protocol';
import { applyEvent, emptyState, type ConversationState } from './state';
import { button, div, ItemList } from './view';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscode = acquireVsCodeApi();
const send = (message: ToExtension) => vscode.postMessage(message);

const FIX_LABELS: Record<FixAction, [string, string]> = {
  signIn: ['Sign In', 'sign-in'],
  configure: ['Configure Backend', 'settings-gear'],
  retry: ['Retry', 'refresh'],
  showLogs: ['Show Logs', 'output'],
};

let state: ConversationState = emptyState();
let frame = 0;

const app = document.getElementById('app')!;
const header = div('header');
const title = div('title');
const connection = div('connection');
header.append(title, connection);
const log = div('messages');
log.setAttribute('role', 'log');
log.setAttribute('aria-live', 'polite');
log.setAttribute('aria-label', 'Conversation');
const welcome = div('welcome');
welcome.innerHTML =
  '<h2>Ask about your AWS account</h2><p>Questions get answers from live data. Changes to AWS always wait for your approval.</p>';
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
const input = document.createElement('vscode-textarea');
input.className = 'prompt';
input.setAttribute('placeholder', 'Ask Cloud Engineer (Enter to send, Shift+Enter for a new line)');
input.setAttribute('aria-label', 'Message');
input.setAttribute('rows', '3');
input.setAttribute('resize', 'vertical');
const sendButton = button('Send', 'send', 'primary');
const stopButton = button('Stop', 'debug-stop', 'secondary');
composer.append(input, div('composer-actions'));
composer.lastElementChild!.append(sendButton, stopButton);
app.append(header, welcome, log, banner, composer);

const items = new ItemList(log, send);

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
  }
});

// Code-block actions, delegated: the blocks are re-rendered as the answer streams.
log.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!target) return;
  const text = target.dataset.code ?? '';
  const action = target.dataset.action;
  if (action === 'copy') send({ type: 'copy', text });
  else if (action === 'insert') send({ type: 'insert', text });
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
  connection.textContent = state.connection ?? '';
  welcome.hidden = state.items.length > 0;
  const changed = items.render(state.items);
  sendButton.hidden = state.busy;
  stopButton.hidden = !state.busy;
  composer.classList.toggle('busy', state.busy);
  paintBanner();
  if (changed.length > 0) {
    log.scrollTop = log.scrollHeight;
    const finished = changed.filter((el) => !el.classList.contains('streaming'));
    if (finished.some((el) => el.querySelector('.mermaid-block'))) void renderDiagrams(log);
  }
}

function paintBanner() {
  banner.hidden = !state.error;
  banner.replaceChildren();
  if (!state.error) return;
  const text = div('error-text');
  text.innerHTML = '<span class="codicon codicon-error" aria-hidden="true"></span>';
  text.append(document.createTextNode(state.error.message));
  const actions = div('error-actions');
  for (const action of state.error.actions) {
    const [label, icon] = FIX_LABELS[action];
    const b = button(label, icon, action === state.error.actions[0] ? 'primary' : 'secondary');
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
      break;
    case 'event':
      state = applyEvent(state, message.event);
      if (message.event.type === 'session') state = { ...state, busy: true };
      break;
    case 'focusInput':
      input.focus();
      return;
  }
  schedule();
});

paint();
send({ type: 'ready' });
