/**
 * The tools one turn is offered: the built-in registry plus the tools of every MCP server that
 * answers. A server that does not answer is left out of that turn, with a note for the model and
 * a log line; the turn goes on.
 */
import type { Logger } from '../log';
import type { Tool } from '../tools/types';
import type { ToolRegistry } from '../tools/registry';
import { McpConnection, type McpConnectionTimings } from './connection';
import { exposedToolName } from './names';
import type { McpServer } from './servers';
import { MAX_SCHEMA_CHARS, mcpTool } from './tool';
import type { TurnTools, TurnToolSource } from './turn-tools';

export class McpToolSource implements TurnToolSource {
  private readonly connections: McpConnection[];
  /** The adapted tools of each server's last listing, reused while the listing is. */
  private readonly adapted = new WeakMap<object, Tool<any>[]>();

  constructor(
    private readonly base: ToolRegistry,
    servers: readonly McpServer[],
    private readonly log: Logger,
    timings: Partial<McpConnectionTimings> = {},
  ) {
    this.connections = servers.map((spec) => new McpConnection(spec, log, timings));
  }

  async forTurn(signal: AbortSignal): Promise<TurnTools> {
    const down: string[] = [];
    const lists = await Promise.all(
      this.connections.map(async (connection) => {
        try {
          return this.adapt(connection, await connection.tools(signal));
        } catch (error) {
          if (signal.aborted) return [];
          down.push(connection.name);
          this.log.warn('MCP server unavailable; its tools are left out of this turn', {
            server: connection.name,
            error: (error as { cause?: unknown }).cause ?? error,
          });
          return [];
        }
      }),
    );
    const tools = this.base.with(lists.flat());
    if (down.length === 0) return { tools };
    const names = down.map((n) => `"${n}"`).join(', ');
    return {
      tools,
      note: `Note: the MCP server${down.length > 1 ? 's' : ''} ${names} did not answer, so ${down.length > 1 ? 'their' : 'its'} tools are unavailable in this turn. If the user needs them, say so.`,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }

  private adapt(connection: McpConnection, remote: readonly object[]): Tool<any>[] {
    const cached = this.adapted.get(remote);
    if (cached) return cached;
    const seen = new Set<string>();
    const tools: Tool<any>[] = [];
    // By name, not as listed: a server that reorders its list must not change the request's
    // bytes, which would break the provider's prompt cache at the tool list.
    for (const tool of [...(remote as Parameters<typeof mcpTool>[1][])].sort(byName)) {
      if (typeof tool?.name !== 'string' || tool.name === '') continue;
      const name = exposedToolName(connection.name, tool.name);
      if (seen.has(name) || JSON.stringify(tool.inputSchema ?? {}).length > MAX_SCHEMA_CHARS) {
        this.log.warn('MCP tool left out (a duplicate name or an oversized schema)', {
          server: connection.name,
          tool: name,
        });
        continue;
      }
      seen.add(name);
      tools.push(mcpTool(connection, tool, name));
    }
    this.adapted.set(remote, tools);
    return tools;
  }
}

/** Code-unit order: the same on every machine and locale. */
function byName(a: { name?: unknown }, b: { name?: unknown }): number {
  const x = String(a?.name ?? '');
  const y = String(b?.name ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}
