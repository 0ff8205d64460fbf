/**
 * A real MCP server, in-process: the SDK's `McpServer` over `StreamableHTTPServerTransport` in
 * stateless mode (a new server and transport per request) on `node:http`, loopback only. Tests
 * choose its tools; it records every call and can go away mid-request, like a crashed server.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as z from 'zod';

export interface FakeTool {
  name: string;
  description?: string;
  /** true or false sets `annotations.readOnlyHint`; undefined sends no annotations. */
  readOnly?: boolean;
  /** The tool's arguments; default `{ query: string }`. */
  shape?: z.ZodRawShape;
  run(args: Record<string, unknown>, server: McpServerFake): Promise<string> | string;
}

export interface RecordedCall {
  tool: string;
  args: Record<string, unknown>;
}

export class McpServerFake {
  readonly calls: RecordedCall[] = [];
  /** tools/list requests answered. */
  listCount = 0;
  /** Headers of the last request. */
  lastHeaders: IncomingMessage['headers'] = {};
  private readonly sockets = new Set<Socket>();
  private readonly http = createServer((req, res) => void this.handle(req, res));
  private port = 0;

  constructor(public tools: FakeTool[]) {}

  async start(port = 0): Promise<this> {
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.http.listen(port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  reset(): void {
    this.calls.length = 0;
    this.listCount = 0;
  }

  /** Stops listening and cuts every open connection, a request in flight included. */
  goAway(): void {
    this.http.close();
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.http.listening ? this.http.close(() => resolve()) : resolve(),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.lastHeaders = req.headers;
    if (req.method !== 'POST' || req.url !== '/mcp') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (body?.method === 'tools/list') this.listCount++;
    const server = this.build();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  private build(): McpServer {
    const server = new McpServer({ name: 'fake', version: '1.0.0' });
    for (const tool of this.tools) {
      server.registerTool(
        tool.name,
        {
          description: tool.description ?? `The ${tool.name} tool.`,
          inputSchema: tool.shape ?? { query: z.string().describe('what to look up') },
          ...(tool.readOnly !== undefined ? { annotations: { readOnlyHint: tool.readOnly } } : {}),
        },
        async (args: Record<string, unknown>) => {
          this.calls.push({ tool: tool.name, args });
          return { content: [{ type: 'text' as const, text: await tool.run(args, this) }] };
        },
      );
    }
    return server;
  }
}
