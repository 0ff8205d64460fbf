/**
 * The agent service: every action of the contract, host-free. Hosts (local server, AgentCore
 * container, Lambda, the extension's local mode) authenticate, then call `invoke`.
 */
import {
  ACTIONS,
  RequestSchemas,
  TITLE_MAX_CHARS,
  type Action,
  type InvocationRequest,
  type StreamEvent,
} from '../protocol';
import { ReadGate, releasing, StreamSlots } from './agent/actor-limits';
import type { Actor } from './auth/authenticator';
import { approverGroups, canApprove, ensureAllowed } from './auth/groups';
import { prepareChat } from './chat/prepare';
import { streamChat } from './chat/run';
import type { ServiceDeps } from './deps';
import { InvalidRequestError, NotFoundError, UnavailableError } from './errors';
import { redactText } from './guardrails/policy';
import type { Logger } from './log';
import type { StoredTurn } from './memory/types';
import { publicTask } from './tasks/fill';

export type { ServiceDeps };

export type InvocationResult =
  | { kind: 'json'; action: Action; body: unknown }
  | { kind: 'stream'; action: 'chat'; sessionId: string; events: AsyncGenerator<StreamEvent> };

export class AgentService {
  private readonly streams: StreamSlots;
  /** Two conversation reads at once per caller, eight more queued. */
  private readonly reads = new ReadGate(2, 8);

  constructor(readonly deps: ServiceDeps) {
    this.streams = new StreamSlots(deps.maxStreamsPerActor);
  }

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

  /** Chat streams open for `actorId` in this process. */
  openStreams(actorId: string): number {
    return this.streams.count(actorId);
  }

  private async dispatch(actor: Actor, body: unknown, signal: AbortSignal): Promise<InvocationResult> {
    const request = parseRequest(body);
    // Every action, reads included: a user outside ALLOWED_GROUPS sees nothing, not even a list.
    ensureAllowed(actor, this.deps.groups);
    const { memory } = this.deps;
    const actorId = actor.actorId;
    switch (request.action) {
      case 'chat': {
        // Reserved before anything is awaited or stored: concurrent chats cannot all pass the check,
        // and a refused request leaves no trace in the session. The stream gives it back when it ends.
        const release = this.streams.reserve(actorId);
        try {
          const prepared = await prepareChat(this.deps, actor, request);
          return {
            kind: 'stream',
            action: 'chat',
            sessionId: prepared.session.sessionId,
            events: releasing(streamChat(this.deps, actor, prepared, signal), release),
          };
        } catch (error) {
          release();
          throw error;
        }
      }
      case 'listSessions': {
        const page = await this.reads.run(actorId, () =>
          memory.listSessions(actorId, {
            limit: request.limit ?? 50,
            ...(request.cursor ? { cursor: request.cursor } : {}),
            ...(request.query ? { query: request.query } : {}),
          }),
        );
        return json('listSessions', {
          sessions: page.items,
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      }
      case 'getSession': {
        const found = await this.reads.run(actorId, () =>
          memory.getSession(actorId, request.sessionId, {
            limit: request.limit ?? 200,
            ...(request.cursor ? { cursor: request.cursor } : {}),
          }),
        );
        if (!found) throw new NotFoundError(`no session ${request.sessionId}`);
        return json('getSession', { ...found, turns: found.turns.map(publicTurn) });
      }
      case 'renameSession': {
        // A title is shown and stored like a message: the same redaction.
        const title = redactText(request.title).text.slice(0, TITLE_MAX_CHARS);
        const session = await memory.renameSession(actorId, request.sessionId, title);
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
      case 'whoami': {
        // The person's e-mail where the pool holds it: the token's username is a generated id.
        const username = actor.name ?? actor.username;
        const approvers = approverGroups(actor, this.deps.groups);
        return json('whoami', {
          actorId,
          ...(username ? { username } : {}),
          authMode: actor.authMode,
          ...(actor.groups ? { groups: actor.groups } : {}),
          // TOOLS_MODE=read-only wins over groups: nothing can be approved.
          canApprove: this.deps.tools.mode !== 'read-only' && canApprove(actor, this.deps.groups),
          ...(approvers ? { approverGroups: approvers } : {}),
        });
      }
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

/**
 * Stores report their own failures as `UnavailableError` (503, memory/types.ts); its cause is
 * logged here for operators and never sent to the caller.
 */
function asDependencyError(error: unknown, log: Logger): unknown {
  if (error instanceof UnavailableError && error.cause !== undefined)
    log.error('a dependency failed', { error: error.cause });
  return error;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export function parseRequest(body: unknown): InvocationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('the body must be a JSON object with an "action"');
  }
  const action = (body as { action?: unknown }).action;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    // Never stringify what the caller sent as a whole: it may be nested thousands deep.
    const named = typeof action === 'string' ? JSON.stringify(action.slice(0, 100)) : `(a ${kindOf(action)})`;
    throw new InvalidRequestError(`unknown action ${named}; expected one of ${ACTIONS.join(', ')}`);
  }
  let parsed: ReturnType<(typeof RequestSchemas)[Action]['safeParse']>;
  try {
    parsed = RequestSchemas[action as Action].safeParse(body);
  } catch (cause) {
    // A value too deeply nested to check is not a request.
    throw new InvalidRequestError(`invalid ${action} request: a field is nested too deeply`, { cause });
  }
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || action}: ${i.message}`).join('; ');
    throw new InvalidRequestError(`invalid ${action} request: ${issues}`);
  }
  return parsed.data as InvocationRequest;
}
