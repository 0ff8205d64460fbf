/**
 * An MCP server's tool as one of ours. It runs unasked only when the server marks it
 * `readOnlyHint: true` (or a preset names it as a lookup); anything else waits for an approval of
 * the exact call, as the built-in tools that change AWS do. Its result goes the same way as theirs:
 * cut to size, then the tool-output guard and the data mark (agent/tool-calls.ts).
 */
import * as z from 'zod';
import { guardToolOutput } from '../guardrails/policy';
import { defineTool, type Tool } from '../tools/types';
import type { McpConnection, RemoteTool } from './connection';
import { resultValue } from './result';

/** Longer descriptions are cut: every model call pays for them. */
const MAX_DESCRIPTION_CHARS = 4000;
/** A schema larger than this is not offered (it would crowd out the conversation). */
export const MAX_SCHEMA_CHARS = 16_000;

const Arguments = z.record(z.string(), z.unknown());

export function mcpTool(connection: McpConnection, remote: RemoteTool, exposedName: string): Tool<any> {
  // A description is the server's text the model reads as guidance: it gets the tool-output check too.
  const described =
    guardToolOutput(exposedName, remote.description?.trim() ?? '').text ||
    `The ${remote.name} tool of the ${connection.name} MCP server.`;
  return defineTool<Record<string, unknown>>({
    name: exposedName,
    description: `[MCP server ${connection.name}] ${described}`.slice(0, MAX_DESCRIPTION_CHARS),
    inputSchema: Arguments,
    jsonSchema: modelSchema(remote.inputSchema),
    readOnly: readOnlyOf(connection, remote),
    async run(input, context) {
      return resultValue(await connection.call(remote.name, input, context.signal));
    },
  });
}

/** Per server, the tools it ever listed as needing approval (for as long as this process runs). */
const everMutating = new WeakMap<McpConnection, Set<string>>();

/**
 * A preset's lookup list, or the server's own `readOnlyHint`; but a tool the server once listed as
 * changing things keeps needing approval when a later listing calls it read-only, so a server
 * cannot turn a tool the user has been approving into one that runs unasked.
 */
function readOnlyOf(connection: McpConnection, remote: RemoteTool): boolean {
  if (connection.spec.readOnlyTools?.includes(remote.name)) return true;
  let seen = everMutating.get(connection);
  if (!seen) everMutating.set(connection, (seen = new Set()));
  if (remote.annotations?.readOnlyHint === true && !seen.has(remote.name)) return true;
  // Bounded: a server inventing new names on every listing cannot grow this without end.
  if (seen.size < 4096) seen.add(remote.name);
  return false;
}

/** The server's input schema as Bedrock takes it: an object schema, without the `$schema` tag. */
export function modelSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const { $schema: _tag, ...rest } = schema ?? {};
  return { ...rest, type: 'object', properties: isObject(rest.properties) ? rest.properties : {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
