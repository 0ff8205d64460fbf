/**
 * The conversation behind the chat view, free of `vscode` so it is unit-tested. It owns the
 * authoritative state (the view can be hidden, disposed or reloaded and gets it back), runs turns
 * through the connection, and posts each contract event to the view as it arrives.
 */
import {
  describeTaskRun,
  type Approval,
  ChatContext,
  ChatRequest,
  StreamEvent,
} from '../../backend/src/protocol';
import {
  applyEvent,
  emptyState,
  openApprovals,
  turnsToItems,
  type ConversationState,
} from '../../webview/state';
import type { ToWebview } from '../../webview/protocol';
import { ConnectionError, type AgentConnection } from '../connection/types';

type TurnRequest = Omit<ChatRequest, 'action'>;

export interface ChatControllerDeps {
  connection: () => AgentConnection;
  post: (message: ToWebview) => void;
  /** A conversation was created or moved on (the sessions tree refreshes). */
  onSessionChanged?: (sessionId: string) => void;
  log?: (message: string) => void;
}

export class ChatController {
  private state: ConversationState = emptyState();
  private running: AbortController | undefined;
  private lastRequest: TurnRequest | undefined;
  private readonly decisions = new Map<string, Approval>();

  constructor(private readonly deps: ChatControllerDeps) {}

  get snapshot(): ConversationState {
    return this.state;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  setConnectionLabel(label: string | undefined): void {
    this.state = { ...this.state, ...(label ? { connection: label } : {}) };
    if (!label) delete this.state.connection;
    this.publish();
  }

  /** Resolves when the turn has ended, however it ended. */
  send(text: string, context?: ChatContext): Promise<void> {
    const message = text.trim();
    if (!message || this.busy) return Promise.resolve();
    this.push({ kind: 'user', text: message });
    return this.run({
      message,
      ...(this.state.sessionId ? { sessionId: this.state.sessionId } : {}),
      ...(context ? { context } : {}),
    });
  }

  /** A task starts a conversation of its own. */
  runTask(
    task: { id: string; title: string },
    params: Record<string, string>,
    context?: ChatContext,
  ): Promise<void> {
    if (this.busy) return Promise.resolve();
    this.reset();
    this.push({ kind: 'user', text: describeTaskRun(task.title, params) });
    return this.run({ taskId: task.id, params, ...(context ? { context } : {}) });
  }

  /** Records a decision; once every waiting call has one, they go to the backend together. */
  decide(approval: Approval): Promise<void> {
    const card = openApprovals(this.state).find((a) => a.id === approval.toolUseId);
    if (!card || this.busy || !this.state.sessionId) return Promise.resolve();
    this.decisions.set(approval.toolUseId, approval);
    this.state = {
      ...this.state,
      items: this.state.items.map((it) => (it === card ? { ...card, decision: approval.decision } : it)),
    };
    this.publish();
    if (openApprovals(this.state).length > 0) return Promise.resolve();
    const approvals = [...this.decisions.values()];
    this.decisions.clear();
    return this.run({ sessionId: this.state.sessionId, approvals }, { retryable: false });
  }

  stop(): void {
    this.running?.abort();
  }

  retry(): Promise<void> {
    const request = this.lastRequest;
    if (!request || this.busy) return Promise.resolve();
    const { error: _error, ...rest } = this.state;
    this.state = rest;
    if (request.message) this.push({ kind: 'user', text: request.message });
    return this.run({ ...request, ...(this.state.sessionId ? { sessionId: this.state.sessionId } : {}) });
  }

  newChat(): void {
    this.stop();
    this.reset();
    this.publish();
  }

  dismissError(): void {
    const { error: _error, ...rest } = this.state;
    this.state = rest;
    this.publish();
  }

  /** Loads a stored conversation (every page of it) into the view. */
  async resume(sessionId: string): Promise<void> {
    this.stop();
    try {
      const connection = this.deps.connection();
      const first = await connection.invoke({ action: 'getSession', sessionId, limit: 500 });
      const turns = [...first.turns];
      for (let cursor = first.nextCursor; cursor;) {
        const page = await connection.invoke({ action: 'getSession', sessionId, limit: 500, cursor });
        turns.push(...page.turns);
        cursor = page.nextCursor;
      }
      this.reset();
      this.state = { ...this.state, sessionId, title: first.session.title, items: turnsToItems(turns) };
    } catch (error) {
      this.fail(error);
    }
    this.publish();
  }

  private async run(request: TurnRequest, options: { retryable?: boolean } = {}): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    if (options.retryable !== false) this.lastRequest = request;
    const { error: _error, ...rest } = this.state;
    this.state = { ...rest, busy: true };
    this.publish();
    try {
      for await (const event of this.deps.connection().chat(request, controller.signal)) this.apply(event);
    } catch (error) {
      if (!controller.signal.aborted) this.fail(error);
    } finally {
      this.running = undefined;
      if (controller.signal.aborted) this.apply({ type: 'done', stopReason: 'cancelled' });
      this.state = { ...this.state, busy: false };
      this.publish();
      if (this.state.sessionId) this.deps.onSessionChanged?.(this.state.sessionId);
    }
  }

  private apply(event: StreamEvent): void {
    this.state = applyEvent(this.state, event);
    this.deps.post({ type: 'event', event });
    if (event.type === 'session' && event.created) this.deps.onSessionChanged?.(event.sessionId);
  }

  private fail(error: unknown): void {
    const e =
      error instanceof ConnectionError
        ? error
        : new ConnectionError('server', (error as Error)?.message ?? 'Unexpected error', { cause: error });
    this.deps.log?.(`chat failed: ${e.kind}: ${e.message}`);
    this.state = applyEvent(this.state, {
      type: 'error',
      code: e.kind,
      message: e.message,
      retryable: e.retryable,
    });
  }

  private push(item: ConversationState['items'][number]): void {
    this.state = { ...this.state, items: [...this.state.items, item] };
    this.publish();
  }

  private reset(): void {
    this.decisions.clear();
    this.lastRequest = undefined;
    this.state = emptyState(this.state.connection);
  }

  private publish(): void {
    this.deps.post({ type: 'state', state: this.state });
  }
}
