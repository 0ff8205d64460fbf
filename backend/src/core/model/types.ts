/**
 * The model edge, in the project's own terms. The agent loop, the history repair, the context
 * budget and the stores speak these types; each provider's adapter (adapters/<id>.ts) translates
 * them to its wire format and back, and is the only module that imports that provider's SDK.
 */
import type { Usage } from '../../protocol';
import type { ProviderId } from './registry';

export type { Usage };

export type Role = 'user' | 'assistant';

export interface TextBlock {
  type: 'text';
  text: string;
}
/** A call the model asked for; `input` is the parsed JSON object it wrote. */
export interface ToolUseBlock {
  type: 'toolUse';
  toolUseId: string;
  name: string;
  input: unknown;
}
/** What a call returned, as text the model reads. Every toolUse is answered by one in the next message. */
export interface ToolResultBlock {
  type: 'toolResult';
  toolUseId: string;
  status: 'success' | 'error';
  text: string;
}
/**
 * The model's reasoning, where a provider streams it. Kept within a turn (some providers require it
 * back with the tool results, `signature` included); never shown as the answer.
 */
export interface ReasoningBlock {
  type: 'reasoning';
  text: string;
  signature?: string;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock | ReasoningBlock;

export interface Message {
  role: Role;
  content: ContentBlock[];
}

/** A tool as the model is offered it: the name, what it is for, its input as JSON Schema. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** The fixed instructions: byte-identical across calls, turns and conversations of one configuration. */
  system: string;
  /** What varies per turn (an MCP server that did not answer); sent after the cached prefix. */
  systemNote?: string;
  /** Oldest first, starting with a user message, roles alternating. */
  messages: Message[];
  /** In a fixed order: built-in tools first, then MCP tools. */
  tools: ToolSpec[];
  maxTokens: number;
  /** Ask the provider to cache the prefix (system, tools, conversation so far) where the model can. */
  cache: boolean;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'guardrail_intervened' | 'content_filtered';

/**
 * What a model call streams. Text and reasoning arrive as deltas, as they come; a tool call arrives
 * whole once its arguments are complete (the adapter assembles the pieces); `stop` and `usage` come
 * last. A stream that ends without `stop` was cut off.
 */
export type ModelEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string; signature?: string }
  /** `input` is the JSON text the model wrote (possibly invalid: the loop reports that to it). */
  | { type: 'toolUse'; toolUseId: string; name: string; input: string }
  | { type: 'stop'; reason: StopReason }
  | { type: 'usage'; usage: Usage }
  /** Bedrock's guardrail trace of the call, when a guardrail is configured. */
  | { type: 'guardrailTrace'; trace: unknown };

export interface ModelInfo {
  id: string;
  /** What a person reads in a picker, when the provider says. */
  name?: string;
}

export type { ProviderId };

export interface Model {
  readonly provider: ProviderId;
  readonly modelId: string;
  /**
   * Starts one call. Throws (or the iteration throws) a `ModelError`; the adapter never retries,
   * the loop does, and only before anything has streamed.
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
  /** The models this key or account may use, where the provider can list them. */
  listModels?(signal: AbortSignal): Promise<ModelInfo[]>;
}
