/**
 * The cached prefix is byte-stable: the backend as configured (createBackend with MCP_SERVERS, two
 * real MCP servers in-process) sends the same system and tool bytes, cache points included, on
 * every call of a turn, on every turn, and in two conversations of two backends of the same
 * configuration, even when an MCP server lists its tools in another order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ACTOR } from '../../backend/src/core/auth/authenticator';
import { createBackend } from '../../backend/src/core/bootstrap';
import { loadConfig } from '../../backend/src/core/config';
import { silentLogger } from '../../backend/src/core/log';
import { toConverse } from '../../backend/src/core/model/adapters/bedrock';
import type { Model } from '../../backend/src/core/model/types';
import { ALL_TOOLS } from '../../backend/src/core/tools/registry';
import { McpServerFake, type FakeTool } from '../fakes/mcp-server';
import { chat } from '../support/in-process';
import { scripted, text, toolUse } from '../support/scripted-model';

const MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const lookup = (name: string): FakeTool => ({
  name,
  readOnly: true,
  run: (a) => `${name}: ${String(a.query)}`,
});

describe('the cached prefix is byte-stable across calls, turns and conversations', function () {
  this.timeout(30_000);
  const docs = new McpServerFake([lookup('search_documentation'), lookup('get_page'), lookup('list_topics')]);
  const ops = new McpServerFake([{ name: 'restart_service', readOnly: false, run: () => 'restarted' }]);
  before(() => Promise.all([docs.start(), ops.start()]));
  after(() => Promise.all([docs.stop(), ops.stop()]));

  /** A backend as deployed, its model recording each Converse request it would send. */
  function backend(bodies: ReturnType<typeof toConverse>[]) {
    // The first turn calls an MCP tool, then answers; later turns answer at once.
    const model = scripted(
      [toolUse('t1', 'docs__search_documentation', '{"query":"NAT"}'), text('found it')],
      () => text('noted'),
    );
    const recorder: Model = {
      provider: 'bedrock',
      modelId: MODEL_ID,
      async *stream(request, signal) {
        bodies.push(toConverse(MODEL_ID, request));
        yield* model.stream(request, signal);
      },
    };
    const config = loadConfig({
      AUTH_MODE: 'none',
      AWS_REGION: 'us-east-1',
      MODEL_ID,
      MEMORY_DIR: mkdtempSync(join(tmpdir(), 'ce-prefix-')),
      MCP_SERVERS: JSON.stringify([
        { name: 'docs', url: docs.url },
        { name: 'ops', url: ops.url },
      ]),
    });
    return createBackend(config, silentLogger, { model: recorder }).service;
  }

  /** A turn that calls an MCP tool, then one that answers: three model calls. */
  async function conversation(bodies: ReturnType<typeof toConverse>[]) {
    const service = backend(bodies);
    const one = await chat(service, LOCAL_ACTOR, { message: 'how do NAT gateways work?' });
    assert.ok(one.events.some((e) => e.type === 'tool_result' && e.status === 'success'));
    const two = await chat(service, LOCAL_ACTOR, { message: 'and their cost?', sessionId: one.sessionId });
    assert.equal(two.events.at(-1)!.type, 'done');
  }

  it('sends the same system and tool bytes every time, MCP tools after the built-ins, each server’s by name', async () => {
    const bodies: ReturnType<typeof toConverse>[] = [];
    await conversation(bodies);
    // The second backend's servers list their tools in another order.
    docs.tools.reverse();
    await conversation(bodies);
    docs.tools.reverse();
    assert.equal(bodies.length, 6, 'three calls in each conversation');

    const prefix = (b: ReturnType<typeof toConverse>) =>
      JSON.stringify({ system: b.system, tools: b.toolConfig });
    const first = prefix(bodies[0]!);
    for (const [i, body] of bodies.entries()) assert.equal(prefix(body), first, `call ${i}`);

    const names = bodies[0]!.toolConfig!.tools!.flatMap((t) => (t.toolSpec?.name ? [t.toolSpec.name] : []));
    const builtIn = names.filter((n) => !n.includes('__'));
    assert.deepEqual(names.slice(0, builtIn.length), builtIn, 'the built-in tools come first');
    for (const tool of ALL_TOOLS) assert.ok(builtIn.includes(tool.name), tool.name);
    assert.deepEqual(names.slice(builtIn.length), [
      'docs__get_page',
      'docs__list_topics',
      'docs__search_documentation',
      'ops__restart_service',
    ]);
    // The cache points: after the system prompt, after the tools, at the end of the conversation.
    assert.deepEqual(bodies[0]!.system!.at(-1), { cachePoint: { type: 'default' } });
    assert.deepEqual(bodies[0]!.toolConfig!.tools!.at(-1), { cachePoint: { type: 'default' } });
    for (const body of bodies)
      assert.deepEqual(body.messages!.at(-1)!.content!.at(-1), { cachePoint: { type: 'default' } });
    // Nothing in the prefix that changes by the hour or by the conversation.
    assert.doesNotMatch(first, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    assert.doesNotMatch(first, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
