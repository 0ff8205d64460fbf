/**
 * One MCP server, over streamable HTTP. Connects on first use, keeps the tool list for a short
 * while, and drops the connection when the server stops answering so the next use connects anew.
 * After a failure the server is left alone for a while (10 s, doubling up to 5 min while it stays
 * down), so a dead or unreachable server does not slow every turn. The SDK loads on first use.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CloudEngineerError } from '../../protocol';
import type { Logger } from '../log';
import { ToolError } from '../tools/types';
import { cappedFetch, McpResponseTooLargeError } from './capped-fetch';
import type { CallResult } from './result';
import { DEFAULT_CALL_TIMEOUT_SECONDS, type McpServer } from './servers';

export interface RemoteTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean };
}

export interface McpConnectionTimings {
  /** How long a tool list is reused. */
  listTtlMs: number;
  /** Connecting and listing tools, together. */
  listTimeoutMs: number;
  /** How long a server that failed is skipped (doubled for each failure in a row). */
  retryAfterMs: number;
  /** The largest HTTP response read from a server. */
  maxResponseBytes: number;
}

export const DEFAULT_TIMINGS: McpConnectionTimings = {
  listTtlMs: 60_000,
  listTimeoutMs: 5_000,
  retryAfterMs: 10_000,
  maxResponseBytes: 2 * 1024 * 1024,
};

/** Tools one server may offer the model; the rest are left out. */
export const MAX_TOOLS_PER_SERVER = 64;
const MAX_LIST_PAGES = 5;
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** JSON-RPC's "request timed out" (the SDK's ErrorCode.RequestTimeout). */
const REQUEST_TIMEOUT = -32001;

export class McpUnavailableError extends CloudEngineerError {
  override readonly name = 'McpUnavailableError';
  readonly code = 'unavailable';
}

export class McpConnection {
  private client: Promise<Client> | undefined;
  private listed: { at: number; tools: RemoteTool[] } | undefined;
  private failedAt: number | undefined;
  /** Failures in a row: the wait before the next try doubles with each, up to five minutes. */
  private failures = 0;
  private readonly timings: McpConnectionTimings;

  constructor(
    readonly spec: McpServer,
    private readonly log: Logger,
    timings: Partial<McpConnectionTimings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  get name(): string {
    return this.spec.name;
  }

  /** The server's tools, from the cache while it is fresh. */
  async tools(signal: AbortSignal): Promise<RemoteTool[]> {
    const at = this.now();
    if (this.listed && at - this.listed.at < this.timings.listTtlMs) return this.listed.tools;
    const wait = Math.min(
      this.timings.retryAfterMs * 2 ** Math.max(0, this.failures - 1),
      MAX_RETRY_AFTER_MS,
    );
    if (this.failedAt !== undefined && at - this.failedAt < wait)
      throw new McpUnavailableError(`${this.name} failed moments ago`);
    const options = {
      timeout: this.timings.listTimeoutMs,
      signal: anyOf(signal, this.timings.listTimeoutMs),
    };
    try {
      const client = await this.connect(options);
      const tools: RemoteTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES && tools.length < MAX_TOOLS_PER_SERVER; page++) {
        const out = await client.listTools(cursor ? { cursor } : undefined, options);
        tools.push(...(out.tools as RemoteTool[]));
        cursor = out.nextCursor;
        if (!cursor) break;
      }
      this.listed = { at: this.now(), tools: tools.slice(0, MAX_TOOLS_PER_SERVER) };
      this.failedAt = undefined;
      this.failures = 0;
      return this.listed.tools;
    } catch (error) {
      if (signal.aborted) throw error;
      this.failedAt = this.now();
      this.failures++;
      this.listed = undefined;
      await this.reset();
      throw new McpUnavailableError(`${this.name} did not list its tools`, { cause: error });
    }
  }

  /** Calls one tool; failures come back as `ToolError`s whose text the model may read. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallResult> {
    const seconds = this.spec.timeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS;
    const options = { timeout: seconds * 1000, signal };
    try {
      const client = await this.connect({ timeout: this.timings.listTimeoutMs, signal });
      return (await client.callTool({ name: tool, arguments: args }, undefined, options)) as CallResult;
    } catch (error) {
      if (signal.aborted) throw error;
      const e = error as { name?: string; code?: unknown; message?: string };
      if (e?.name === 'McpError' && e.code === REQUEST_TIMEOUT)
        throw new ToolError(`The MCP server "${this.name}" did not answer within ${seconds} s.`, {
          code: 'unavailable',
        });
      if (e?.name === 'McpError' && typeof e.code === 'number' && e.code !== -32000)
        // The server answered with an error: the connection is fine, the message is for the model.
        throw new ToolError(e.message ?? 'the MCP server reported an error');
      // Not an answer (the server went away, or the connection broke): connect anew next time.
      this.failedAt = this.now();
      this.listed = undefined;
      await this.reset();
      this.log.warn('MCP server call failed', { server: this.name, error });
      if (error instanceof McpResponseTooLargeError || hasCause(error, McpResponseTooLargeError))
        throw new ToolError(
          `The MCP server "${this.name}" answered with more than ${this.timings.maxResponseBytes} bytes; the answer was dropped.`,
          { code: 'unavailable' },
        );
      throw new ToolError(
        `The MCP server "${this.name}" could not be reached; its tools are unavailable for now.`,
        { code: 'unavailable' },
      );
    }
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private connect(options: { timeout: number; signal: AbortSignal }): Promise<Client> {
    const pending = (this.client ??= this.open(options));
    // A failed connection is forgotten, so the next use tries again.
    pending.catch(() => {
      if (this.client === pending) this.client = undefined;
    });
    return pending;
  }

  private async open(options: { timeout: number; signal: AbortSignal }): Promise<Client> {
    const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    const client = new Client({ name: 'cloud-engineer', version: '1' }, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(new URL(this.spec.url), {
      ...(this.spec.headers ? { requestInit: { headers: this.spec.headers } } : {}),
      fetch: cappedFetch(this.timings.maxResponseBytes),
      // A stateless client: no server-sent stream to keep open between calls.
      reconnectionOptions: {
        maxReconnectionDelay: 1000,
        initialReconnectionDelay: 1000,
        reconnectionDelayGrowFactor: 1,
        maxRetries: 0,
      },
    });
    client.onerror = () => {};
    try {
      await client.connect(transport, options);
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    this.log.info('MCP server connected', { server: this.name });
    return client;
  }

  private async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.close()).catch(() => {});
  }
}

/** `signal`, or a timer: the SDK's own timeout does not cover the HTTP request of `connect`. */
function anyOf(signal: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(ms)]);
}

function hasCause(error: unknown, type: new (...args: never[]) => Error): boolean {
  for (
    let e = (error as { cause?: unknown })?.cause, i = 0;
    e && i < 5;
    e = (e as { cause?: unknown }).cause, i++
  )
    if (e instanceof type) return true;
  return false;
}
