/**
 * Runs the tool calls of one model response. Read-only tools run at once (concurrently); a
 * mutating tool stops the turn with `approval_required`. Unknown tools, bad input and failures
 * become error results the model reads, and the loop goes on.
 */
import type { ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { StreamEvent } from '../../protocol';
import type { ToolRegistry } from '../tools/registry';
import type { ToolContext } from '../tools/types';
import type { TurnRecord } from './loop';

export interface PendingToolUse {
  toolUseId: string;
  name: string;
  input: unknown;
}

interface RunOptions {
  tools: ToolRegistry;
  context: ToolContext;
  maxOutputChars: number;
  record: TurnRecord;
}

export interface ToolCallsOutcome {
  toolResults: ContentBlock[];
  waitingForApproval: boolean;
}

export async function* runToolCalls(
  uses: PendingToolUse[],
  options: RunOptions,
): AsyncGenerator<StreamEvent, ToolCallsOutcome> {
  const mutating = uses.filter((u) => options.tools.get(u.name)?.readOnly === false);
  for (const use of uses) {
    const tool = options.tools.get(use.name);
    yield {
      type: 'tool_call',
      id: use.toolUseId,
      name: use.name,
      input: use.input,
      readOnly: tool?.readOnly ?? true,
    };
  }
  if (mutating.length > 0) {
    // The whole response waits: results for its read-only calls are produced when the turn resumes,
    // so the model sees every result of one response together, as Converse requires.
    for (const use of uses) {
      options.record.toolCalls.push({
        id: use.toolUseId,
        name: use.name,
        input: use.input,
        status: 'pending',
      });
    }
    for (const use of mutating) {
      yield {
        type: 'approval_required',
        id: use.toolUseId,
        name: use.name,
        input: use.input,
        reason: `${use.name} changes your AWS resources and runs only after you approve this exact call.`,
      };
    }
    return { toolResults: [], waitingForApproval: true };
  }

  const settled = await Promise.all(uses.map((use) => runOne(use, options)));
  const toolResults: ContentBlock[] = [];
  for (const [i, use] of uses.entries()) {
    const { status, text, summary } = settled[i]!;
    options.record.toolCalls.push({ id: use.toolUseId, name: use.name, input: use.input, status });
    toolResults.push({ toolResult: { toolUseId: use.toolUseId, status, content: [{ text }] } });
    yield { type: 'tool_result', id: use.toolUseId, name: use.name, status, summary };
  }
  return { toolResults, waitingForApproval: false };
}

async function runOne(
  use: PendingToolUse,
  options: RunOptions,
): Promise<{ status: 'success' | 'error'; text: string; summary: string }> {
  const tool = options.tools.get(use.name);
  if (!tool) return failure(`There is no tool named "${use.name}".`);
  if (isInvalidJsonMarker(use.input)) return failure('The tool input was not valid JSON.');
  const parsed = tool.inputSchema.safeParse(use.input);
  if (!parsed.success) return failure(`Invalid input for ${use.name}: ${parsed.error.message}`);
  try {
    const output = await tool.run(parsed.data, options.context);
    const text = truncate(JSON.stringify(output ?? null), options.maxOutputChars);
    return { status: 'success', text, summary: summarize(text) };
  } catch (error) {
    return failure(describeToolError(error));
  }
}

function failure(message: string) {
  return { status: 'error' as const, text: message, summary: summarize(message) };
}

/** AWS errors carry a name and a message safe to show; anything else is reduced to its message. */
function describeToolError(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`.slice(0, 1000);
}

function isInvalidJsonMarker(input: unknown): boolean {
  return typeof input === 'object' && input !== null && '__invalidJson' in input;
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[truncated: ${text.length - maxChars} of ${text.length} characters cut; ask for a narrower result]`;
}

function summarize(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 200 ? `${oneLine.slice(0, 197)}...` : oneLine;
}
