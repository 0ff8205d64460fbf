/**
 * A wire-level stand-in for the AgentCore Memory data plane (REST JSON), for the real
 * `@aws-sdk/client-bedrock-agentcore` client pointed at it with `endpoint`. Paths and shapes are
 * the SDK's own (CreateEvent, ListEvents, GetEvent, DeleteEvent, ListSessions,
 * RetrieveMemoryRecords). It keeps the service's awkward facts, so a store that leans on something
 * the service does not promise fails here first:
 * - ListEvents answers newest first with no order parameter, `maxResults` 1..100, opaque tokens;
 * - timestamps have second resolution, and events within one second come back in no useful order;
 * - events are immutable; CreateEvent with a repeated clientToken returns the first event;
 * - ids, metadata (15 entries, values of [a-zA-Z0-9\s._:/=+@-], 256 chars) and conversational text
 *   (1..9000 chars) are validated as the service does, and a blob has a size limit.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const MEMORY_ID =
  /^(arn:(aws|aws-cn|aws-us-gov):bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:memory\/)?[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$/;
const ACTOR_ID = /^[a-zA-Z0-9][a-zA-Z0-9\-_/]*(?::[a-zA-Z0-9\-_/]+)*[a-zA-Z0-9\-_/]*$/;
const SESSION_ID = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
const METADATA_KEY = /^[a-zA-Z0-9\s._:/=+@-]{1,128}$/;
const METADATA_VALUE = /^[a-zA-Z0-9\s._:/=+@-]{0,256}$/;
const ROLES = new Set(['USER', 'ASSISTANT', 'TOOL', 'OTHER']);

export const FAKE_MEMORY_ID = 'cloudEngineerMemory-AbCdEf1234';

export interface FakeEvent {
  memoryId: string;
  actorId: string;
  sessionId: string;
  eventId: string;
  /** Whole seconds since the epoch, as the service keeps them. */
  eventTimestamp: number;
  payload: unknown[];
  metadata?: Record<string, { stringValue: string }>;
}

export interface FakeRecord {
  memoryRecordId: string;
  text: string;
  namespace: string;
  createdAt: number;
  metadata?: Record<string, { stringValue: string }>;
}

class FakeFault extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class AgentCoreMemoryFake {
  readonly calls: { op: string; actorId?: string; sessionId?: string; body: Record<string, unknown> }[] = [];
  /** Largest size of one blob payload as JSON, in UTF-8 bytes; the real service limits request size. */
  maxBlobBytes = 100_000;
  private readonly events: FakeEvent[] = [];
  private readonly tokens = new Map<string, FakeEvent>();
  private readonly records: FakeRecord[] = [];
  private readonly faults: { op: string; type: string; status: number; afterStore: boolean }[] = [];
  private readonly server: Server = createServer((req, res) => {
    void this.handle(req).then(
      (reply) => {
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': randomBytes(8).toString('hex'),
          ...(reply.type ? { 'x-amzn-errortype': reply.type } : {}),
        });
        res.end(JSON.stringify(reply.body));
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' });
        res.end(JSON.stringify({ message: String(e) }));
      },
    );
  });

  constructor(readonly memoryIds: string[] = [FAKE_MEMORY_ID]) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The next `times` calls of `op` fail with the given error; with `afterStore`, the call takes
   * effect first and only its answer is lost (what a retry with the same clientToken must survive).
   */
  failNext(
    op: string,
    options: { type?: string; status?: number; times?: number; afterStore?: boolean } = {},
  ): void {
    const { type = 'ServiceException', status = 500, times = 1, afterStore = false } = options;
    for (let i = 0; i < times; i++) this.faults.push({ op, type, status, afterStore });
  }

  /** Stored events of one session, newest first (as ListEvents would give them). */
  sessionEvents(actorId: string, sessionId: string): FakeEvent[] {
    return this.ordered(this.events.filter((e) => e.actorId === actorId && e.sessionId === sessionId));
  }

  get eventCount(): number {
    return this.events.length;
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** A long-term record, as a memory strategy would have extracted it. */
  addRecord(record: {
    namespace: string;
    text: string;
    metadata?: Record<string, { stringValue: string }>;
  }): string {
    const memoryRecordId = `mem-${randomBytes(12).toString('hex')}`;
    this.records.push({ ...record, memoryRecordId, createdAt: Math.floor(Date.now() / 1000) });
    return memoryRecordId;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; type?: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return fail(new FakeFault('SerializationException', 400, 'request body is not JSON'));
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const route = routeOf(req.method ?? 'GET', parts);
    if (!route)
      return fail(new FakeFault('UnknownOperationException', 404, `no route ${req.method} ${url.pathname}`));
    this.calls.push({ op: route.op, body, ...route.params });
    try {
      const at = this.faults.findIndex((f) => f.op === route.op);
      const fault = at >= 0 ? this.faults.splice(at, 1)[0] : undefined;
      if (fault && !fault.afterStore) throw new FakeFault(fault.type, fault.status, 'injected failure');
      if (!MEMORY_ID.test(route.params.memoryId)) throw validation('memoryId does not match the pattern');
      if (!this.memoryIds.includes(route.params.memoryId))
        throw new FakeFault('ResourceNotFoundException', 404, 'memory not found');
      const answer = this.operate(route.op, route.params, body);
      if (fault)
        throw new FakeFault(fault.type, fault.status, 'injected failure after the change was stored');
      return { status: route.op === 'CreateEvent' ? 201 : 200, body: answer };
    } catch (e) {
      if (e instanceof FakeFault) return fail(e);
      throw e;
    }
  }

  private operate(op: string, p: Record<string, string>, body: Record<string, unknown>): unknown {
    switch (op) {
      case 'CreateEvent':
        return { event: wire(this.createEvent(p.memoryId!, body)) };
      case 'ListEvents': {
        const { actorId, sessionId } = checkScope(p);
        const max = pageSize(body.maxResults);
        const all = this.sessionEvents(actorId, sessionId).filter((e) => e.memoryId === p.memoryId);
        const { page, nextToken } = paginate(all, body.nextToken, max, (e) => e.eventId);
        const payloads = body.includePayloads !== false;
        return {
          events: page.map((e) => wire(payloads ? e : { ...e, payload: [] })),
          ...(nextToken ? { nextToken } : {}),
        };
      }
      case 'GetEvent': {
        const event = this.events[this.eventAt(p)];
        if (!event) throw new FakeFault('ResourceNotFoundException', 404, 'event not found');
        return { event: wire(event) };
      }
      case 'DeleteEvent': {
        const at = this.eventAt(p);
        if (at < 0) throw new FakeFault('ResourceNotFoundException', 404, 'event not found');
        this.events.splice(at, 1);
        return { eventId: p.eventId };
      }
      case 'ListSessions': {
        const actorId = p.actorId!;
        if (!validActor(actorId)) throw validation('actorId does not match the pattern');
        const max = pageSize(body.maxResults);
        const sessions = new Map<string, number>();
        for (const e of this.events)
          if (e.memoryId === p.memoryId && e.actorId === actorId)
            sessions.set(e.sessionId, Math.min(sessions.get(e.sessionId) ?? Infinity, e.eventTimestamp));
        const all = [...sessions]
          .map(([sessionId, createdAt]) => ({ sessionId, actorId, createdAt }))
          .sort((a, b) => b.createdAt - a.createdAt || (a.sessionId < b.sessionId ? 1 : -1));
        const { page, nextToken } = paginate(all, body.nextToken, max, (s) => s.sessionId);
        return { sessionSummaries: page, ...(nextToken ? { nextToken } : {}) };
      }
      case 'RetrieveMemoryRecords':
        return this.retrieve(body);
      default:
        throw new FakeFault('UnknownOperationException', 404, op);
    }
  }

  private createEvent(memoryId: string, body: Record<string, unknown>): FakeEvent {
    const actorId = body.actorId;
    const sessionId = body.sessionId;
    if (typeof actorId !== 'string' || !validActor(actorId))
      throw validation('actorId does not match the pattern');
    if (typeof sessionId !== 'string' || !validSession(sessionId))
      throw validation('sessionId does not match the pattern');
    if (typeof body.eventTimestamp !== 'number') throw validation('eventTimestamp is required');
    const token = body.clientToken;
    if (token !== undefined && (typeof token !== 'string' || token.length < 1 || token.length > 256))
      throw validation('clientToken must be 1..256 characters');
    const payload = body.payload;
    if (!Array.isArray(payload) || payload.length < 1 || payload.length > 100)
      throw validation('payload must hold 1..100 items');
    for (const item of payload) checkPayload(item, this.maxBlobBytes);
    const metadata = checkMetadata(body.metadata);
    if (body.extractionMode !== undefined && body.extractionMode !== 'SKIP')
      throw validation('extractionMode must be SKIP');
    const seen = typeof token === 'string' ? this.tokens.get(`${memoryId}\n${token}`) : undefined;
    if (seen) return seen; // the service ignores the repeat and answers without an error
    const seconds = Math.floor(body.eventTimestamp);
    const event: FakeEvent = {
      memoryId,
      actorId,
      sessionId,
      // Service-like ids whose order within one second is random, as the service promises none.
      eventId: `${seconds * 1000}#${randomBytes(8).toString('hex')}`,
      eventTimestamp: seconds,
      payload: structuredClone(payload),
      ...(metadata ? { metadata } : {}),
    };
    this.events.push(event);
    if (typeof token === 'string') this.tokens.set(`${memoryId}\n${token}`, event);
    return event;
  }

  private retrieve(body: Record<string, unknown>): unknown {
    const namespace = body.namespace ?? body.namespacePath;
    if (typeof namespace !== 'string' || namespace === '')
      throw validation('namespace or namespacePath is required');
    const criteria = body.searchCriteria as { searchQuery?: unknown; topK?: unknown } | undefined;
    if (
      typeof criteria?.searchQuery !== 'string' ||
      criteria.searchQuery.length < 1 ||
      criteria.searchQuery.length > 10_000
    )
      throw validation('searchCriteria.searchQuery is required');
    const words = criteria.searchQuery
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2);
    const topK = typeof criteria.topK === 'number' ? criteria.topK : 10;
    const scored = this.records
      .filter((r) => r.namespace.startsWith(namespace))
      .map((r) => ({
        r,
        score: words.filter((w) => r.text.toLowerCase().includes(w)).length / Math.max(words.length, 1),
      }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.min(topK, pageSize(body.maxResults)));
    return {
      memoryRecordSummaries: scored.map(({ r, score }) => ({
        memoryRecordId: r.memoryRecordId,
        content: { text: r.text },
        memoryStrategyId: 'semantic-AbCdEf1234',
        namespaces: [r.namespace],
        createdAt: r.createdAt,
        score,
        ...(r.metadata ? { metadata: r.metadata } : {}),
      })),
    };
  }

  /** Where the event a GetEvent or DeleteEvent path names is stored; -1 when nowhere. */
  private eventAt(p: Record<string, string>): number {
    const { actorId, sessionId } = checkScope(p);
    return this.events.findIndex(
      (e) =>
        e.memoryId === p.memoryId &&
        e.actorId === actorId &&
        e.sessionId === sessionId &&
        e.eventId === p.eventId,
    );
  }

  /** Newest second first; within a second, by the random part of the id (no useful order). */
  private ordered(events: FakeEvent[]): FakeEvent[] {
    return [...events].sort(
      (a, b) => b.eventTimestamp - a.eventTimestamp || (a.eventId < b.eventId ? 1 : -1),
    );
  }
}

function routeOf(
  method: string,
  parts: string[],
): { op: string; params: Record<string, string> } | undefined {
  const [m, memoryId, a, actorId, s, sessionId, e, eventId] = parts;
  if (m !== 'memories' || !memoryId) return undefined;
  if (method === 'POST' && parts.length === 3 && a === 'events')
    return { op: 'CreateEvent', params: { memoryId } };
  if (method === 'POST' && parts.length === 3 && a === 'retrieve')
    return { op: 'RetrieveMemoryRecords', params: { memoryId } };
  if (a !== 'actor' || actorId === undefined || s !== 'sessions') return undefined;
  if (method === 'POST' && parts.length === 5) return { op: 'ListSessions', params: { memoryId, actorId } };
  if (sessionId === undefined) return undefined;
  if (method === 'POST' && parts.length === 6)
    return { op: 'ListEvents', params: { memoryId, actorId, sessionId } };
  if (parts.length === 8 && e === 'events' && eventId !== undefined) {
    if (method === 'GET') return { op: 'GetEvent', params: { memoryId, actorId, sessionId, eventId } };
    if (method === 'DELETE') return { op: 'DeleteEvent', params: { memoryId, actorId, sessionId, eventId } };
  }
  return undefined;
}

function validActor(id: string): boolean {
  return id.length >= 1 && id.length <= 255 && ACTOR_ID.test(id);
}
function validSession(id: string): boolean {
  return id.length >= 1 && id.length <= 100 && SESSION_ID.test(id);
}

function checkScope(p: Record<string, string>): { actorId: string; sessionId: string } {
  if (!validActor(p.actorId ?? '')) throw validation('actorId does not match the pattern');
  if (!validSession(p.sessionId ?? '')) throw validation('sessionId does not match the pattern');
  return { actorId: p.actorId!, sessionId: p.sessionId! };
}

function pageSize(value: unknown): number {
  if (value === undefined) return 20;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100)
    throw validation('maxResults must be 1..100');
  return value;
}

/** Keyset paging: the token names the last item handed out, so inserts never shift a page. */
function paginate<T>(
  all: T[],
  token: unknown,
  max: number,
  key: (item: T) => string,
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    if (typeof token !== 'string') throw validation('nextToken is invalid');
    let last: string;
    try {
      last = Buffer.from(token, 'base64url').toString('utf8');
    } catch {
      throw validation('nextToken is invalid');
    }
    const at = all.findIndex((item) => key(item) === last);
    if (at < 0) throw validation('nextToken is invalid or expired');
    start = at + 1;
  }
  const page = all.slice(start, start + max);
  const more = start + max < all.length;
  return more ? { page, nextToken: Buffer.from(key(page.at(-1)!), 'utf8').toString('base64url') } : { page };
}

function checkPayload(item: unknown, maxBlobBytes: number): void {
  if (typeof item !== 'object' || item === null) throw validation('payload items must be objects');
  const members = Object.keys(item);
  if (members.length !== 1) throw validation('a payload item is a union: exactly one member');
  const value = (item as Record<string, unknown>)[members[0]!];
  if (members[0] === 'conversational') {
    const c = value as { role?: unknown; content?: { text?: unknown } };
    if (typeof c?.role !== 'string' || !ROLES.has(c.role)) throw validation('conversational.role is invalid');
    const text = c.content?.text;
    if (typeof text !== 'string' || text.length < 1 || text.length > 9000)
      throw validation('conversational.content.text must be 1..9000 characters');
  } else if (members[0] === 'blob') {
    if (Buffer.byteLength(JSON.stringify(value), 'utf8') > maxBlobBytes)
      throw validation('blob payload is too large');
  } else throw validation(`unknown payload member ${members[0]}`);
}

function checkMetadata(value: unknown): Record<string, { stringValue: string }> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw validation('metadata must be a map');
  const entries = Object.entries(value);
  if (entries.length > 15) throw validation('metadata holds at most 15 entries');
  for (const [key, v] of entries) {
    if (!METADATA_KEY.test(key)) throw validation(`metadata key ${key} is invalid`);
    const s = (v as { stringValue?: unknown })?.stringValue;
    if (typeof s !== 'string' || !METADATA_VALUE.test(s))
      throw validation(`metadata value of ${key} is invalid`);
  }
  return structuredClone(value as Record<string, { stringValue: string }>);
}

function wire(e: FakeEvent): Record<string, unknown> {
  return {
    memoryId: e.memoryId,
    actorId: e.actorId,
    sessionId: e.sessionId,
    eventId: e.eventId,
    eventTimestamp: e.eventTimestamp,
    payload: e.payload,
    ...(e.metadata ? { metadata: e.metadata } : {}),
  };
}

function validation(message: string): FakeFault {
  return new FakeFault('ValidationException', 400, message);
}

function fail(e: FakeFault): { status: number; body: unknown; type: string } {
  return { status: e.status, body: { message: e.message }, type: e.type };
}
