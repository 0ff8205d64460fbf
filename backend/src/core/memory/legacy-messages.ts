/**
 * Reading a turn's replay messages whatever version stored them. Turns written before the
 * provider-neutral model seam hold Bedrock Converse messages (`{text}`, `{toolUse}`, `{toolResult}`,
 * `{reasoningContent}`, `{cachePoint}`...); newer ones hold the project's own (model/types.ts).
 * Stores convert on every read and never rewrite a stored record for it.
 *
 * Stored JSON is not trusted: anything unreadable makes the whole turn replay as its text (the
 * converter answers undefined), and only own properties of the expected types are copied, so
 * prototype keys and odd shapes cannot reach the model request.
 */
import type { ContentBlock, Message, Role } from '../model/types';
import type { StoredTurn } from './types';

/** Neutral messages from either stored form; undefined when they cannot be read (replay as text). */
export function toNeutralMessages(stored: unknown): Message[] | undefined {
  if (!Array.isArray(stored)) return undefined;
  const messages: Message[] = [];
  for (const raw of stored) {
    if (!isRecord(raw)) return undefined;
    const role = own(raw, 'role');
    const content = own(raw, 'content');
    if ((role !== 'user' && role !== 'assistant') || !Array.isArray(content)) return undefined;
    const blocks: ContentBlock[] = [];
    for (const block of content) {
      const converted = toBlock(block);
      if (converted && fitsRole(converted, role)) blocks.push(converted);
    }
    messages.push({ role, content: blocks });
  }
  return messages;
}

/** The turn as callers see it: its messages neutral, or gone when unreadable (replay as text). */
export function readStoredTurn(turn: StoredTurn): StoredTurn {
  if (!Object.hasOwn(turn, 'messages')) return turn;
  const { messages: stored, ...rest } = turn;
  const messages = toNeutralMessages(stored as unknown);
  return messages ? { ...rest, messages } : rest;
}

/** One content block, neutral (`type` set) or Converse (keyed by kind); undefined to drop it. */
function toBlock(block: unknown): ContentBlock | undefined {
  if (!isRecord(block)) return undefined;
  const type = own(block, 'type');
  if (typeof type === 'string') return neutralBlock(block, type);
  const text = own(block, 'text');
  if (typeof text === 'string') return { type: 'text', text };
  const toolUse = own(block, 'toolUse');
  if (isRecord(toolUse)) {
    const toolUseId = own(toolUse, 'toolUseId');
    const name = own(toolUse, 'name');
    if (typeof toolUseId !== 'string' || typeof name !== 'string') return undefined;
    return { type: 'toolUse', toolUseId, name, input: own(toolUse, 'input') ?? {} };
  }
  const toolResult = own(block, 'toolResult');
  if (isRecord(toolResult)) {
    const toolUseId = own(toolResult, 'toolUseId');
    if (typeof toolUseId !== 'string') return undefined;
    return {
      type: 'toolResult',
      toolUseId,
      status: own(toolResult, 'status') === 'error' ? 'error' : 'success',
      text: resultText(own(toolResult, 'content')),
    };
  }
  const reasoning = own(block, 'reasoningContent');
  const reasoningText = isRecord(reasoning) ? own(reasoning, 'reasoningText') : undefined;
  if (isRecord(reasoningText)) {
    const said = own(reasoningText, 'text');
    const signature = own(reasoningText, 'signature');
    if (typeof said !== 'string') return undefined;
    return { type: 'reasoning', text: said, ...(typeof signature === 'string' ? { signature } : {}) };
  }
  // cachePoint, guardContent, images, documents, redacted reasoning: nothing to replay.
  return undefined;
}

/** Calls and reasoning come from the assistant, results from the user: anything else is dropped. */
function fitsRole(block: ContentBlock, role: Role): boolean {
  if (block.type === 'toolUse' || block.type === 'reasoning') return role === 'assistant';
  if (block.type === 'toolResult') return role === 'user';
  return true;
}

function neutralBlock(block: Record<string, unknown>, type: string): ContentBlock | undefined {
  switch (type) {
    case 'text': {
      const text = own(block, 'text');
      return typeof text === 'string' ? { type, text } : undefined;
    }
    case 'toolUse': {
      const toolUseId = own(block, 'toolUseId');
      const name = own(block, 'name');
      if (typeof toolUseId !== 'string' || typeof name !== 'string') return undefined;
      return { type, toolUseId, name, input: own(block, 'input') ?? {} };
    }
    case 'toolResult': {
      const toolUseId = own(block, 'toolUseId');
      const status = own(block, 'status');
      const text = own(block, 'text');
      if (typeof toolUseId !== 'string' || typeof text !== 'string') return undefined;
      return { type, toolUseId, status: status === 'error' ? 'error' : 'success', text };
    }
    case 'reasoning': {
      const text = own(block, 'text');
      const signature = own(block, 'signature');
      if (typeof text !== 'string') return undefined;
      return { type, text, ...(typeof signature === 'string' ? { signature } : {}) };
    }
    default:
      return undefined;
  }
}

/** A Converse tool result's content as the text the model reads: text parts, JSON parts as JSON. */
function resultText(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    const text = own(part, 'text');
    if (typeof text === 'string') parts.push(text);
    else if (Object.hasOwn(part, 'json')) {
      const json = safeStringify(own(part, 'json'));
      if (json !== undefined) parts.push(json);
    }
  }
  return parts.join('\n');
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // too deep, or not JSON at all
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property only if the object itself has it: nothing inherited, `__proto__` included. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
