import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  decide,
  describeDecisions,
  executeDecisions,
  pendingCalls,
  type DecidedCalls,
} from '../../../../backend/src/core/agent/approvals';
import { TOOL_CONCURRENCY } from '../../../../backend/src/core/agent/tool-calls';
import { InvalidRequestError } from '../../../../backend/src/core/errors';
import type { StoredTurn } from '../../../../backend/src/core/memory/types';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { TurnToolCall } from '../../../../backend/src/protocol';
import { ConcurrencyMeter, readAll, toolContext } from '../../../support/tool-runs';

let ran: string[] = [];
const meter = new ConcurrencyMeter();
const deploy = defineTool({
  name: 'deploy',
  description: 'changes AWS',
  inputSchema: z.object({ id: z.string() }),
  readOnly: false,
  run: ({ id }) => {
    ran.push(id);
    return meter.hold(() => ({ deployed: id }));
  },
});
const look = defineTool({
  name: 'look',
  description: 'reads',
  inputSchema: z.object({}),
  readOnly: true,
  run: async () => ({ seen: true }),
});

/** The assistant turn that stopped for approval, as stored. */
function waiting(calls: { id: string; name: string; readOnly?: boolean; input?: unknown }[]): StoredTurn {
  return {
    role: 'assistant',
    text: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'complete',
    toolCalls: calls.map((c): TurnToolCall => ({
      id: c.id,
      name: c.name,
      input: c.input ?? {},
      status: 'pending',
      ...(c.readOnly !== undefined ? { readOnly: c.readOnly } : {}),
    })),
    messages: [
      {
        role: 'assistant',
        content: calls.map((c) => ({ type: 'toolUse', toolUseId: c.id, name: c.name, input: c.input ?? {} })),
      },
    ],
  };
}

async function execute(decisions: ReturnType<typeof decide>, tools: ToolRegistry) {
  const { events, result } = await readAll(
    executeDecisions(decisions, {
      tools,
      context: toolContext(),
      maxOutputChars: 1000,
      approver: { sub: 'u-1', at: '2026-01-01T00:00:01.000Z' },
    }),
  );
  return { events, decided: result as DecidedCalls };
}

describe('approvals on resume', () => {
  beforeEach(() => {
    ran = [];
    meter.reset();
  });

  it('runs nothing whose tool is gone since, whatever was decided, and says so to the model', async () => {
    // Proposed while `deploy` existed; the backend now runs without it (TOOLS_MODE=read-only).
    const pending = pendingCalls(
      waiting([
        { id: 't1', name: 'deploy', readOnly: false, input: { id: 'a' } },
        { id: 't2', name: 'deploy', readOnly: false, input: { id: 'b' } },
        { id: 't3', name: 'deploy', input: { id: 'c' } },
      ]),
    );
    const now = new ToolRegistry([look]);
    const decisions = decide(
      pending,
      [
        { toolUseId: 't1', decision: 'approve' },
        { toolUseId: 't2', decision: 'deny' },
      ],
      now,
    );
    assert.deepEqual(
      decisions.map((d) => d.verdict),
      ['unavailable', 'unavailable', 'unavailable'],
    );
    const { events, decided } = await execute(decisions, now);
    assert.deepEqual(ran, []);
    assert.deepEqual(
      decided.message.content.map((c) => c.type === 'toolResult' && [c.toolUseId, c.status]),
      [
        ['t1', 'error'],
        ['t2', 'error'],
        ['t3', 'error'],
      ],
    );
    for (const c of decided.message.content)
      assert.match(c.type === 'toolResult' ? c.text : '', /There is no tool named "deploy"/);
    // Nobody is on record as having approved a call that did not run.
    assert.ok(decided.toolCalls.every((c) => c.status === 'error' && c.approvedBy === undefined));
    assert.ok(events.every((e) => e.type !== 'tool_result' || e.approvedBy === undefined));
    assert.equal(
      describeDecisions(decisions),
      [
        'Not run (no longer available): deploy (t1).',
        'Not run (no longer available): deploy (t2).',
        'Not run (no longer available): deploy (t3).',
      ].join('\n'),
    );
  });

  it('still refuses a decision on a call that was never waiting for one, tool gone or not', () => {
    const pending = pendingCalls(
      waiting([
        { id: 't1', name: 'deploy', readOnly: false, input: { id: 'a' } },
        { id: 'r1', name: 'gone_reader', readOnly: true },
        { id: 'r2', name: 'look', readOnly: true },
      ]),
    );
    const tools = new ToolRegistry([deploy, look]);
    for (const id of ['r1', 'r2', 'nope'])
      assert.throws(
        () =>
          decide(
            pending,
            [
              { toolUseId: 't1', decision: 'deny' },
              { toolUseId: id, decision: 'approve' },
            ],
            tools,
          ),
        (e: unknown) => e instanceof InvalidRequestError && /is not waiting for approval/.test(e.message),
      );
    assert.deepEqual(
      decide(pending, [{ toolUseId: 't1', decision: 'deny' }], tools).map((d) => d.verdict),
      ['deny', 'unavailable', 'read-only'],
    );
  });

  it('still needs a decision on every call whose tool is there to run it', () => {
    const pending = pendingCalls(
      waiting([
        { id: 't1', name: 'deploy', readOnly: false, input: { id: 'a' } },
        { id: 't2', name: 'deploy', readOnly: false, input: { id: 'b' } },
      ]),
    );
    assert.throws(
      () => decide(pending, [{ toolUseId: 't1', decision: 'approve' }], new ToolRegistry([deploy])),
      /decide every waiting call: t2/,
    );
  });

  it(`runs approved calls at most ${TOOL_CONCURRENCY} at a time, as it does any other calls`, async () => {
    const calls = Array.from({ length: 10 }, (_, i) => ({
      id: `t${i}`,
      name: 'deploy',
      readOnly: false,
      input: { id: `s${i}` },
    }));
    const tools = new ToolRegistry([deploy]);
    const decisions = decide(
      pendingCalls(waiting(calls)),
      calls.map((c) => ({ toolUseId: c.id, decision: 'approve' as const })),
      tools,
    );
    const { decided } = await execute(decisions, tools);
    assert.equal(ran.length, 10);
    assert.equal(meter.peak, TOOL_CONCURRENCY);
    assert.deepEqual(
      decided.toolCalls.map((c) => [c.id, c.status, c.approvedBy?.sub]),
      calls.map((c) => [c.id, 'success', 'u-1']),
      'in the order of the response, each with its approver',
    );
  });
});
