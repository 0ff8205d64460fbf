/**
 * Which MCP servers the agent may use: `MCP_SERVERS` (a JSON array) and, in local mode, the
 * `cloudEngineer.mcp.servers` setting, both checked by the same schema.
 */
// Named imports here: in the extension's CommonJS bundle, zod is initialized lazily (the MCP SDK
// that shares it loads on demand), and esbuild skips that initialization for a namespace import
// used at load time; test/integration/bundles.test.ts loads the bundle to catch exactly this. Not
// `{ z }` either: that value is the whole namespace, every locale included, which the server would
// then load at start-up.
import { array, literal, NEVER, number, record, strictObject, string, union, url as anUrl } from 'zod';
import type * as z from 'zod';

/** The AWS Knowledge MCP server: AWS documentation, regional availability; remote, no sign-in. */
export const AWS_KNOWLEDGE_PRESET = 'aws-knowledge';
export const AWS_KNOWLEDGE_URL = 'https://knowledge-mcp.global.api.aws';

/** A call's time limit when the server's entry sets none. */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 30;

const SERVER_NAME = /^[a-zA-Z0-9_-]{1,32}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** https anywhere; http only to this machine (a server run next to the backend, tests). */
const ServerUrl = anUrl({ protocol: /^https?$/ })
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || isLoopback(url.hostname);
  }, 'must be https (http only to localhost)')
  // Credentials belong in `headers`, which are never logged; a URL may be.
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not carry a user name or password; put credentials in headers');

export const McpServerSpec = strictObject({
  name: string().regex(SERVER_NAME, 'must match ^[a-zA-Z0-9_-]{1,32}$'),
  url: ServerUrl,
  headers: record(
    string().regex(HEADER_NAME, 'must be an HTTP header name'),
    string()
      .max(8192)
      .regex(/^[^\r\n\0]*$/, 'must be one line'),
  ).optional(),
  /** How long one tool call may take. */
  timeoutSeconds: number().int().min(1).max(300).optional(),
});
export type McpServerSpec = z.infer<typeof McpServerSpec>;

/** A server as the agent uses it. */
export interface McpServer extends McpServerSpec {
  /**
   * Tools that run unasked although the server does not mark them `readOnlyHint` (AWS's servers
   * have not always set it). Only presets carry this list, for tools known to change nothing.
   */
  readOnlyTools?: readonly string[];
}

/** The AWS Knowledge server's tools, all lookups; newer versions name them `aws___<tool>`. */
const KNOWLEDGE_TOOLS = [
  'search_documentation',
  'read_documentation',
  'recommend',
  'list_regions',
  'get_regional_availability',
];

export const AWS_KNOWLEDGE_SERVER: McpServer = {
  name: AWS_KNOWLEDGE_PRESET,
  url: AWS_KNOWLEDGE_URL,
  readOnlyTools: KNOWLEDGE_TOOLS.flatMap((t) => [t, `aws___${t}`]),
};

/** A list of servers: each an object, or the preset's name; names unique, at most 20. */
export const McpServerList = array(union([literal(AWS_KNOWLEDGE_PRESET), McpServerSpec]))
  .max(20)
  .transform((entries): McpServer[] =>
    entries.map((e) => (e === AWS_KNOWLEDGE_PRESET ? AWS_KNOWLEDGE_SERVER : e)),
  )
  .superRefine((servers, ctx) => {
    const seen = new Set<string>();
    for (const [i, server] of servers.entries()) {
      if (seen.has(server.name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${server.name}" is used twice` });
      seen.add(server.name.toLowerCase());
    }
  });

/** `MCP_SERVERS` as it arrives: JSON text. */
export const McpServersJson = string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {name, url, headers?}' });
      return NEVER;
    }
  })
  .pipe(McpServerList);
