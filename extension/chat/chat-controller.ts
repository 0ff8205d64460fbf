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
  callText,
  emptyState,
  openApprovals,
  placeSummary,
  quotaRenewsAt,
  setupStepFor,
  type ConversationState,
} from '../../shared/conversation-state';
import { validOverrides } from '../../shared/prices';
import type { ToWebview } from '../../shared/webview-protocol';
import { ConnectionError, type AgentConnection, type SetupProblem } from '../connection/types';
import { ApprovalRights, loadConversation } from './stored-session';

type TurnRequest = Omit<ChatRequest, 'action'>;

export interface ChatControllerDeps {
  connection: () => AgentConnection;
  post: (message: ToWebview) => void;
  log?: (message: string) => void;
  /** A turn started or ended (the Stop keybinding applies only while one runs). */
  onBusy?: (busy: boolean) => void;
  /** What to fix before the first question (local mode), checked again by the setup step's Check Again. */
  preflight?: () => Promise<SetupProblem | undefined>;
  now?: () => Date;
}

/** What changed about the open conversation: another one is open, or the open one moved on. */
export interface SessionChange {
  /** The open conversation now; undefined for a new, still empty chat. */
  sessionId: string | undefined;
  /** True when another conversation is open than before (not just a new turn in the same one). */
  switched: boolean;
  /** True when the backend stored something new (a conversation created, a turn ended): lists move. */
  stored: boolean;
}

export class ChatController {
  private state: ConversationState = emptyState();
  private running: AbortController | undefined;
  private lastRequest: TurnRequest | undefined;
  /** Where the items of the last retryable turn begin: a retry replaces them in place. */
  private lastTurnStart = 0;
  private readonly decisions = new Map<string, Approval>();
  private readonly listeners = new Set<(change: SessionChange) => void>();
  private announced: string | undefined;
  private readonly rights = new ApprovalRights((message) => this.deps.log?.(message));

  constructor(private readonly deps: ChatControllerDeps) {}

  /**
   * The controller owns which conversation is open: it fires when another one opens (resume, new
   * chat, a deleted or missing one) and when a turn of the open one ends (the tree's counts move).
   */
  onDidChangeSession(listener: (change: SessionChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get sessionId(): string | undefined {
    return this.state.sessionId;
  }

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

  /**
   * How answers are priced: by the model each one names, else `modelId` (the configured one);
   * `overrides` is the `cloudEngineer.usage.prices` setting as written (its bad entries are dropped).
   */
  setPricing(modelId: string, overrides?: unknown): void {
    this.state = {
      ...this.state,
      pricing: { modelId: modelId.trim(), overrides: validOverrides(overrides) },
    };
    this.publish();
  }

  /**
   * The backend, its settings or the sign-in changed: a banner about the old one no longer holds
   * (a failed request on the new one shows its own).
   */
  connectionChanged(label: string | undefined): void {
    if (!this.busy) this.state = withoutError(this.state);
    this.setConnectionLabel(label);
  }

  /**
   * A problem found before anything was sent (local mode without AWS credentials, without the
   * provider's key, with Ollama not running, with no model picked): the empty chat shows its setup
   * step, with the action that fixes it, until a check finds it fixed.
   */
  showSetupProblem(problem: SetupProblem | undefined): void {
    const { setup: _setup, ...rest } = this.state;
    const kind = problem && setupStepFor(problem.code);
    this.state = kind && problem ? { ...rest, setup: { kind, message: problem.message } } : rest;
    this.publish();
  }

  /** Runs the preflight again (the setup step's Check Again) and shows what it finds. */
  async checkSetup(): Promise<void> {
    if (!this.deps.preflight) return;
    try {
      this.showSetupProblem(await this.deps.preflight());
    } catch (error) {
      this.deps.log?.(`chat: the setup check failed: ${(error as Error).message}`);
    }
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
    this.announce();
    this.push({ kind: 'user', text: describeTaskRun(task.title, params) });
    return this.run({ taskId: task.id, params, ...(context ? { context } : {}) });
  }

  /** Records a decision; once every waiting call has one, they go to the backend together. */
  decide(approval: Approval): Promise<void> {
    const card = openApprovals(this.state).find((a) => a.id === approval.toolUseId);
    if (!card || this.busy || !this.state.sessionId) return Promise.resolve();
    // A card this user may not approve offers Deny only (the backend refuses the approval anyway).
    if (approval.decision === 'approve' && card.canApprove === false) return Promise.resolve();
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

  /** The exact call of an approval card (tool and input as JSON), for Copy Call; undefined for none. */
  callText(toolUseId: string): string | undefined {
    const card = this.state.items.find((it) => it.kind === 'approval' && it.id === toolUseId);
    return card?.kind === 'approval' ? callText(card) : undefined;
  }

  /** Runs the failed turn again in its place: the question stays once, the broken answer goes. */
  retry(): Promise<void> {
    const request = this.lastRequest;
    if (!request || this.busy) return Promise.resolve();
    this.state = { ...withoutError(this.state), items: this.state.items.slice(0, this.lastTurnStart) };
    return this.run({ ...request, ...(this.state.sessionId ? { sessionId: this.state.sessionId } : {}) });
  }

  newChat(): void {
    this.stop();
    this.reset();
    this.publish();
    this.announce();
  }

  /** The open conversation was deleted elsewhere (the Sessions tree): start afresh. */
  forget(sessionId: string): void {
    if (this.state.sessionId === sessionId) this.newChat();
  }

  dismissError(): void {
    this.state = withoutError(this.state);
    this.publish();
  }

  /** Loads a stored conversation (every page of it, its summary) into the view. */
  async resume(sessionId: string): Promise<void> {
    this.stop();
    try {
      const connection = this.deps.connection();
      const stored = await loadConversation(connection, sessionId, this.rights);
      this.reset();
      this.state = { ...this.state, ...stored, sessionId };
    } catch (error) {
      if (error instanceof ConnectionError && error.kind === 'not_found') {
        this.reset();
        this.state = {
          ...this.state,
          error: {
            code: 'not_found',
            message:
              'That conversation is not on this backend (deleted, or kept by another backend). This is a new chat.',
            retryable: false,
            actions: ['showLogs'],
          },
        };
      } else this.fail(error);
    }
    this.publish();
    this.announce();
  }

  private async run(request: TurnRequest, options: { retryable?: boolean } = {}): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    // Decisions are not re-sent (the backend may have used them); an earlier question is not retried.
    this.lastRequest = options.retryable === false ? undefined : request;
    this.lastTurnStart = this.state.items.length;
    this.state = { ...withoutError(this.state), busy: true };
    this.publish();
    this.deps.onBusy?.(true);
    let started = false;
    let summarized = false;
    try {
      for await (const event of this.deps.connection().chat(request, controller.signal)) {
        started ||= event.type === 'session';
        summarized ||= event.type === 'summary';
        this.apply(event);
      }
    } catch (error) {
      if (controller.signal.aborted) {
        // stopped by the user: not an error
      } else if (isMissingSession(error, request)) this.startOverWithout(request);
      else this.fail(error, { started });
    } finally {
      this.running = undefined;
      if (controller.signal.aborted) this.apply({ type: 'done', stopReason: 'cancelled' });
      this.state = { ...this.state, busy: false };
      this.publish();
      this.deps.onBusy?.(false);
      this.announce({ stored: true });
    }
    if (summarized) await this.loadSummaryText();
  }

  /** The live `summary` event has no text: the stored summary has, for the marker's expanded view. */
  private async loadSummaryText(): Promise<void> {
    const sessionId = this.state.sessionId;
    if (!sessionId) return;
    try {
      const { summary } = await this.deps.connection().invoke({ action: 'getSession', sessionId, limit: 1 });
      if (!summary || this.state.sessionId !== sessionId) return;
      this.state = { ...this.state, items: placeSummary(this.state.items, summary.keepFrom, summary.text) };
      this.publish();
    } catch (error) {
      this.deps.log?.(`chat: could not read the conversation's summary: ${(error as Error).message}`);
    }
  }

  /**
   * The open conversation is not on the backend (another backend now, or deleted): say so, and
   * make this a new chat whose Retry sends the same question there.
   */
  private startOverWithout(request: TurnRequest): void {
    const question = this.state.items.slice(0, this.lastTurnStart).at(-1);
    const { sessionId: _sessionId, ...fresh } = request;
    this.reset();
    if (question?.kind === 'user') this.state = { ...this.state, items: [question] };
    this.lastRequest = fresh;
    this.lastTurnStart = this.state.items.length;
    this.state = {
      ...this.state,
      error: {
        code: 'not_found',
        message:
          'The open conversation is not on this backend (deleted, or kept by another backend). A new chat has started: Retry sends your question there.',
        retryable: true,
        actions: ['retry', 'showLogs'],
      },
    };
    this.deps.log?.('chat: the open session was not found; started a new chat');
  }

  private apply(event: StreamEvent): void {
    this.state = applyEvent(this.state, event);
    this.deps.post({ type: 'event', event });
    if (event.type === 'session') this.announce({ stored: event.created });
  }

  /** Tells the listeners when another conversation is open, or the backend stored something new. */
  private announce({ stored = false } = {}): void {
    const sessionId = this.state.sessionId;
    const switched = sessionId !== this.announced;
    if (!switched && !stored) return;
    this.announced = sessionId;
    for (const listener of [...this.listeners]) listener({ sessionId, switched, stored });
  }

  /**
   * Shows a failure the connection raised. Once a turn's stream had begun, whether the backend
   * stored its answer is unknown, so are the numbers of later questions.
   */
  private fail(error: unknown, { started = false } = {}): void {
    const e =
      error instanceof ConnectionError
        ? error
        : new ConnectionError('internal', (error as Error)?.message ?? 'Unexpected error', { cause: error });
    this.deps.log?.(`chat failed: ${e.kind}: ${e.message}`);
    const { storedTurns } = this.state;
    const failed = applyEvent(this.state, {
      type: 'error',
      code: e.kind,
      message: e.message,
      retryable: e.retryable,
    });
    const { storedTurns: _counted, ...rest } = failed;
    this.state = {
      ...rest,
      ...(storedTurns !== undefined && !started ? { storedTurns } : {}),
      ...(e.kind === 'quota_exceeded' && failed.error
        ? {
            error: {
              ...failed.error,
              renewsAt: quotaRenewsAt(this.deps.now?.() ?? new Date(), e.retryAfterSeconds).toISOString(),
            },
          }
        : {}),
    };
  }

  private push(item: ConversationState['items'][number]): void {
    this.state = { ...this.state, items: [...this.state.items, item] };
    this.publish();
  }

  private reset(): void {
    this.decisions.clear();
    this.lastRequest = undefined;
    this.lastTurnStart = 0;
    // The setup step and the pricing are about the connection, not the conversation: they stay.
    const { setup, pricing } = this.state;
    this.state = {
      ...emptyState(this.state.connection),
      ...(setup ? { setup } : {}),
      ...(pricing ? { pricing } : {}),
    };
  }

  private publish(): void {
    this.deps.post({ type: 'state', state: this.state });
  }
}

function withoutError(state: ConversationState): ConversationState {
  const { error: _error, ...rest } = state;
  return rest;
}

/** A turn in an existing conversation that the backend does not have (any more). */
function isMissingSession(error: unknown, request: TurnRequest): boolean {
  return (
    error instanceof ConnectionError &&
    error.kind === 'not_found' &&
    request.sessionId !== undefined &&
    request.approvals === undefined
  );
}
