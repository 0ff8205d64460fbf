/** An MCP tool result as the model reads it: its text, capped, and an error when the server says so. */
import { ToolError } from '../tools/types';

/** What one MCP call may hand the model; the rest is cut with a note. */
export const MAX_RESULT_CHARS = 12_000;

interface ContentItem {
  type: string;
  text?: string;
  uri?: string;
  name?: string;
  mimeType?: string;
  resource?: { uri?: string; text?: string; mimeType?: string };
}

export interface CallResult {
  content?: ContentItem[];
  structuredContent?: unknown;
  isError?: boolean;
}

/** The text the model gets for a call; throws `ToolError` (with that text) when the call failed. */
export function resultText(result: CallResult, maxChars = MAX_RESULT_CHARS): string {
  const parts = (result.content ?? []).map(describe).filter((t) => t !== '');
  let text = parts.join('\n\n');
  if (text === '' && result.structuredContent !== undefined) text = structuredText(result.structuredContent);
  if (text.length > maxChars)
    text = `${text.slice(0, maxChars)}\n[cut: ${text.length - maxChars} of ${text.length} characters; ask for less]`;
  if (result.isError) throw new ToolError(text || 'the MCP tool reported an error');
  return text;
}

/**
 * What the tool hands the loop (which writes it out as JSON): a server's JSON answer as a value,
 * so it is not quoted twice; anything else as text.
 */
export function resultValue(result: CallResult, maxChars = MAX_RESULT_CHARS): unknown {
  const text = resultText(result, maxChars);
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    const value = JSON.parse(text) as unknown;
    // Nesting deeper than JSON.stringify recurses would fail where the loop writes the value out.
    JSON.stringify(value);
    return value;
  } catch {
    return text;
  }
}

/** A server can nest JSON deeper than JSON.stringify recurses: that answer is refused, not thrown through. */
function structuredText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    throw new ToolError('the MCP server answered with structured content too deeply nested to read');
  }
}

function describe(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return item.text ?? '';
    case 'resource':
      return item.resource?.text ?? `[resource ${item.resource?.uri ?? ''}]`;
    case 'resource_link':
      return `[${item.name ?? 'link'}](${item.uri ?? ''})`;
    default:
      // Images and audio are not passed to the model.
      return `[${item.type} content${item.mimeType ? ` (${item.mimeType})` : ''} omitted]`;
  }
}
