/**
 * The AgentCore Memory data-plane calls of the `agentcore` store: writing a record's events,
 * reading a session's events newest first (the only order ListEvents has), deleting them, and the
 * long-term record search. The SDK is imported on first use, so a host that never touches memory
 * pays nothing for it at start-up.
 */
import { createHash } from 'node:crypto';
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import type { EventDraft, ReadEvent } from './encoding';

/** ListEvents' largest page. */
export const EVENTS_PAGE = 100;
/**
 * Actor ids used as they are: a subset of the service's alphabet without `/` and `:`, so one
 * actor's id (and so its long-term namespace, `/actors/{actorId}/`) is never a prefix path of another's.
 */
const PLAIN_ACTOR_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,199}$/;
const MAPPED_PREFIX = 'sha256:';

/**
 * The Memory API's actor id for a verified actor id. Cognito subjects (UUIDs) pass unchanged, so
 * events and records in the console read as the user pool's subjects; any other id is replaced by
 * its hash, under a prefix no unmapped id can carry.
 */
export function memoryActorId(actorId: string): string {
  if (PLAIN_ACTOR_ID.test(actorId)) return actorId;
  return `${MAPPED_PREFIX}${createHash('sha256').update(actorId, 'utf8').digest('hex')}`;
}

export interface EventLogOptions {
  memoryId: string;
  client: () => Promise<BedrockAgentCoreClient>;
}

export interface LongTermRecord {
  text: string;
  namespace: string;
  score?: number;
  createdAt?: string;
  /** The session the record came from, when its namespace or metadata names one. */
  sessionId?: string;
}

export class EventLog {
  constructor(private readonly options: EventLogOptions) {}

  /** Writes the events of one record; all of them exist when this resolves. */
  async write(actor: string, sessionId: string, drafts: EventDraft[], at: Date): Promise<void> {
    const { CreateEventCommand } = await import('@aws-sdk/client-bedrock-agentcore');
    const client = await this.options.client();
    for (const draft of drafts) {
      await client.send(
        new CreateEventCommand({
          memoryId: this.options.memoryId,
          actorId: actor,
          sessionId,
          eventTimestamp: at,
          clientToken: draft.clientToken,
          payload: draft.payload,
          metadata: draft.metadata,
          ...(draft.skipExtraction ? { extractionMode: 'SKIP' as const } : {}),
        }),
      );
    }
  }

  /**
   * A session's events, newest first, page by page until `enough` says the events read so far
   * answer the question (or there are no more).
   */
  async read(
    actor: string,
    sessionId: string,
    options: { payloads: boolean; enough?: (events: ReadEvent[]) => boolean },
  ): Promise<(ReadEvent & { eventId: string })[]> {
    const { ListEventsCommand } = await import('@aws-sdk/client-bedrock-agentcore');
    const client = await this.options.client();
    const events: (ReadEvent & { eventId: string })[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new ListEventsCommand({
          memoryId: this.options.memoryId,
          actorId: actor,
          sessionId,
          includePayloads: options.payloads,
          maxResults: EVENTS_PAGE,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const e of out.events ?? [])
        if (e.eventId)
          events.push({ eventId: e.eventId, eventTimestamp: e.eventTimestamp, payload: e.payload });
      nextToken = out.nextToken;
    } while (nextToken && !options.enough?.(events));
    return events;
  }

  async remove(actor: string, sessionId: string, eventIds: string[]): Promise<void> {
    const { DeleteEventCommand } = await import('@aws-sdk/client-bedrock-agentcore');
    const client = await this.options.client();
    // A few at a time: a long session has hundreds of events, and the API is rate limited.
    for (let i = 0; i < eventIds.length; i += 4) {
      await Promise.all(
        eventIds.slice(i, i + 4).map(async (eventId) => {
          try {
            await client.send(
              new DeleteEventCommand({ memoryId: this.options.memoryId, actorId: actor, sessionId, eventId }),
            );
          } catch (e) {
            // Gone already (a retried delete): that is the outcome wanted.
            if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
          }
        }),
      );
    }
  }

  /** The actor's session ids as the Memory API knows them (for rebuilding a lost index). */
  async sessionIds(actor: string): Promise<string[]> {
    const { ListSessionsCommand } = await import('@aws-sdk/client-bedrock-agentcore');
    const client = await this.options.client();
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await client.send(
        new ListSessionsCommand({
          memoryId: this.options.memoryId,
          actorId: actor,
          maxResults: EVENTS_PAGE,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const s of out.sessionSummaries ?? []) if (s.sessionId) ids.push(s.sessionId);
      nextToken = out.nextToken;
    } while (nextToken);
    return ids;
  }

  /** Long-term records under `namespace` (a prefix that ends with `/`), best match first. */
  async retrieve(namespace: string, query: string, limit: number): Promise<LongTermRecord[]> {
    const { RetrieveMemoryRecordsCommand } = await import('@aws-sdk/client-bedrock-agentcore');
    const client = await this.options.client();
    const out = await client.send(
      new RetrieveMemoryRecordsCommand({
        memoryId: this.options.memoryId,
        namespace,
        searchCriteria: { searchQuery: query, topK: limit },
        maxResults: limit,
      }),
    );
    const records: LongTermRecord[] = [];
    for (const r of out.memoryRecordSummaries ?? []) {
      const text = r.content?.text;
      // Only records wholly inside the actor's namespace: the prefix is the whole of the scoping.
      const inside = (r.namespaces ?? []).find((n) => n.startsWith(namespace));
      if (text === undefined || inside === undefined) continue;
      const sessionId = sessionOf(inside, r.metadata);
      records.push({
        text,
        namespace: inside,
        ...(r.score !== undefined ? { score: r.score } : {}),
        ...(r.createdAt ? { createdAt: r.createdAt.toISOString() } : {}),
        ...(sessionId ? { sessionId } : {}),
      });
    }
    return records.slice(0, limit);
  }
}

const SESSION_SEGMENT = /\/sessions?\/([A-Za-z0-9][A-Za-z0-9_-]{0,99})(?:\/|$)/;

function sessionOf(namespace: string, metadata: Record<string, unknown> | undefined): string | undefined {
  const fromPath = SESSION_SEGMENT.exec(namespace)?.[1];
  if (fromPath) return fromPath;
  const value = (metadata?.sessionId as { stringValue?: unknown } | undefined)?.stringValue;
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(value) ? value : undefined;
}
