/**
 * The agent service in process, with a real file store and a scripted model: for tests of the
 * service's own rules (budgets, groups, context) without a host around it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../backend/src/core/auth/authenticator';
import type { ServiceDeps } from '../../backend/src/core/deps';
import { silentLogger } from '../../backend/src/core/log';
import { FileMemoryStore } from '../../backend/src/core/memory/file-store';
import { AgentService, type InvocationResult } from '../../backend/src/core/service';
import { ToolRegistry } from '../../backend/src/core/tools/registry';
import type { StreamEvent } from '../../backend/src/protocol';
import { scripted } from './scripted-model';

/** A file store in a fresh temporary folder. */
export function scratchMemory(): FileMemoryStore {
  return new FileMemoryStore(mkdtempSync(join(tmpdir(), 'ce-service-')));
}

export function inProcessService(overrides: Partial<ServiceDeps> = {}): AgentService {
  return new AgentService({
    memory: scratchMemory(),
    model: scripted(),
    systemPrompt: 'sys',
    tools: new ToolRegistry([]),
    tasks: [],
    region: 'us-east-1',
    maxIterations: 10,
    maxStreamsPerActor: 4,
    contextTokens: 100_000,
    userDailyTokens: 0,
    log: silentLogger,
    now: () => new Date(),
    newId: () => `s-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
}

export async function drain(result: InvocationResult): Promise<StreamEvent[]> {
  assert.equal(result.kind, 'stream');
  const events: StreamEvent[] = [];
  if (result.kind === 'stream') for await (const e of result.events) events.push(e);
  return events;
}

/** A chat read to its end; returns its events and the session id. */
export async function chat(agent: AgentService, actor: Actor, body: Record<string, unknown>) {
  const events = await drain(await agent.invoke(actor, { action: 'chat', ...body }));
  return { events, sessionId: (events[0] as { sessionId: string }).sessionId };
}

export const user = (name: string, groups: string[] = []): Actor => ({
  actorId: `sub-${name}`,
  username: name,
  authMode: 'cognito',
  groups,
});
