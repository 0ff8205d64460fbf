/**
 * The agent service: every action of the contract, host-free. Hosts (local server, AgentCore
 * container, Lambda, the extension's local mode) authenticate, then call `invoke`.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ACTIONS, RequestSchemas, type Action, type InvocationRequest, type StreamEvent } from '../protocol';
import type { ModelClient } from './agent/model';
import type { AgentTurnOptions } from './agent/loop';
import type { Actor } from './auth/authenticator';
import { prepareChat, streamChat } from './chat';
import { InvalidRequestError, NotFoundError, ServiceError, ThrottledError, UnavailableError } from './errors';
import type { ToolTextGuard } from './guardrails/bedrock-guardrail';
import type { Logger } from './log';
import type { MemoryStore, StoredTurn } from './memory/types';
import type { TaskDefinition } from './tasks/types';
import { publicTask } from './tasks/fill';
import type { ToolRegistry } from './tools/registry';

export interface ServiceDeps {
  memory: MemoryStore;
  model: ModelClient;
  modelId: string;
  systemPrompt: string;
  tools: ToolRegistry;
  tasks: readonly TaskDefinition[];
  /** Default region for tools. */
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  maxIterations: number;
  /** Chat streams one actor may have open at once (per process); more are refused with 429. */
  maxStreamsPerActor: number;
  guardrail?: AgentTurnOptions['guardrail'];
  /** ApplyGuardrail on tool results, when a Bedrock guardrail is configured. */
  bedrockToolGuard?: ToolTextGuard;
  retry?: AgentTurnOptions['retry'];
  log: Logger;
  now: () => Date;
  newId: () => string;
}

export type InvocationResult =
  | { kind: 'json'; action: Action; body: unknown }
  | { kind: 'stream'; action: 'chat'; sessionId: string; events: AsyncGenerator<StreamEvent> };

export class AgentService {
  constructor(readonly deps: ServiceDeps) {}

  private readonly openStreams = new Map<string, number>();

  /** Validates `body` as a request, runs it for `actor`; 4xx conditions throw `ServiceError`s. */
  async invoke(
    actor: Actor,
    body: unknown,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<InvocationResult> {
    try {
      return await this.dispatch(actor, body, signal);
    } catch (error) {
      throw asDependencyError(error, this.deps.log);
    }
  }

  /** Counts an actor's open streams for as long as the stream runs (hosts always drain it). */
  private async *counted(actorId: string, events: AsyncGenerator<StreamEvent>): AsyncGenerator<StreamEvent> {
    this.openStreams.set(actorId, (this.openStreams.get(actorId) ?? 0) + 1);
    try {
      yield* events;
    } finally {
      const left = (this.openStreams.get(actorId) ?? 1) - 1;
      if (left > 0) this.openStreams.set(actorId, left);
      else this.openStreams.delete(actorId);
    }
  }

  private async dispatch(actor: Actor, body: unknown, signal: AbortSignal): Promise<InvocationResult> {
    const request = parseRequest(body);
    const { memory } = this.deps;
    const actorId = actor.actorId;
    switch (request.action) {
      case 'chat': {
        // Checked before anything is stored: a refused request leaves no trace in the session.
        const open = this.openStreams.get(actorId) ?? 0;
        if (open >= this.deps.maxStreamsPerActor) {
          throw new ThrottledError(`${open} answers are already streaming for you; wait for one to finish`, {
            retryAfterSeconds: 5,
          });
        }
        const prepared = await prepareChat(this.deps, actor, request);
        return {
          kind: 'stream',
          action: 'chat',
          sessionId: prepared.session.sessionId,
          events: this.counted(actorId, streamChat(this.deps, actor, prepared, signal)),
        };
      }
      case 'listSessions': {
        const page = await memory.listSessions(actorId, {
          limit: request.limit ?? 50,
          ...(request.cursor ? { cursor: request.cursor } : {}),
          ...(request.query ? { query: request.query } : {}),
        });
        return json('listSessions', {
          sessions: page.items,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      }
      case 'getSession': {
        const found = await memory.getSession(actorId, request.sessionId, {
          limit: request.limit ?? 200,
          ...(request.cursor ? { cursor: request.cursor } : {}),
        });
        if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
        return json('getSession', { ...found, turns: found.turns.map(publicTurn) });
      }
      case 'renameSession': {
        const session = await memory.renameSession(actorId, request.sessionId, request.title);
        if (!session) throw new NotFoundError(`no session ${request.sessionId}`);
        return json('renameSession', { session });
      }
      case 'deleteSession': {
        if (!(await memory.deleteSession(actorId, request.sessionId)))
          throw new NotFoundError(`no session ${request.sessionId}`);
        return json('deleteSession', { deleted: true });
      }
      case 'listTasks':
        return json('listTasks', { tasks: this.deps.tasks.map(publicTask) });
      case 'whoami':
        return json('whoami', {
          actorId,
          ...(actor.username ? { username: actor.username } : {}),
          authMode: actor.authMode,
        });
    }
  }
}

function json(action: Action, body: unknown): InvocationResult {
  return { kind: 'json', action, body };
}

/** Only the contract's fields leave the service; replay data stays inside. */
function publicTurn({ messages: _messages, ...turn }: StoredTurn) {
  return turn;
}

/** A file system that fails (disk full, permissions, a broken mount) is a dependency down: 503, not a bug. */
function asDependencyError(error: unknown, log: Logger): unknown {
  if (error instanceof ServiceError) return error;
  if (typeof (error as { syscall?: unknown })?.syscall === 'string') {
    log.error('memory store failed', { error });
    return new UnavailableError('the conversation store is unavailable; try again shortly', { cause: error });
  }
  return error;
}

export function parseRequest(body: unknown): InvocationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('the body must be a JSON object with an "action"');
  }
  const action = (body as { action?: unknown }).action;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidRequestError(
      `unknown action ${JSON.stringify(action)}; expected one of ${ACTIONS.join(', ')}`,
    );
  }
  const parsed = RequestSchemas[action as Action].safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || action}: ${i.message}`).join('; ');
    throw new InvalidRequestError(`invalid ${action} request: ${issues}`);
  }
  return parsed.data as InvocationRequest;
}
