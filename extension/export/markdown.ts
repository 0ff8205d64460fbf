/**
 * A stored session as one Markdown document: what Export Conversation… writes. Pure (no `vscode`),
 * so the document's shape is unit-tested. The text is rendered as stored: the backend redacted it
 * before it was stored, and nothing here reads anything else.
 */
import type { Approver, Session, Turn, TurnToolCall } from '../../backend/src/protocol';
import { usageLine } from '../../shared/prices';

export interface ExportInput {
  session: Session;
  turns: Turn[];
}

/** The whole conversation as Markdown. */
export function sessionToMarkdown({ session, turns }: ExportInput): string {
  const out: string[] = [];
  out.push(`# ${inline(session.title) || 'Untitled conversation'}`, '');
  out.push(`- Session: ${code(session.sessionId)}`);
  out.push(`- Started: ${stamp(session.createdAt)}`);
  out.push(`- Updated: ${stamp(session.updatedAt)}`);
  if (session.taskId) out.push(`- Task: ${code(session.taskId)}`);
  out.push(`- Turns: ${turns.length}`, '');
  turns.forEach((turn, index) => out.push(...renderTurn(turn, index + 1)));
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function renderTurn(turn: Turn, n: number): string[] {
  const who = turn.role === 'user' ? 'User' : 'Assistant';
  const status = turn.status === 'complete' ? '' : ` (${turn.status})`;
  const lines = ['---', '', `## ${n}. ${who}${status} · ${stamp(turn.createdAt)}`, ''];
  // The turn's own Markdown stays Markdown; the heading above is ours, so its level can't be spoofed
  // into the metadata block (a turn's "# Title" renders inside its own section).
  if (turn.text.trim()) lines.push(closeOpenFence(turn.text.trimEnd()), '');
  if (turn.usage) {
    lines.push(`_${usageLine(turn.usage, undefined)}_`, '');
  }
  for (const call of turn.toolCalls ?? []) lines.push(...renderToolCall(call));
  return lines;
}

function renderToolCall(call: TurnToolCall): string[] {
  const lines = [`### Tool call: ${code(call.name)} — ${decisionOf(call)}`, ''];
  if (call.approvedBy) lines.push(approvedByLine(call.approvedBy), '');
  if (call.confirmText) lines.push(`Confirmation required: ${code(call.confirmText)}`, '');
  lines.push(fenced(json(call.input), 'json'), '');
  const details = call.details;
  if (details?.changes?.length) {
    lines.push('| Action | Logical id | Type | Replacement |', '| --- | --- | --- | --- |');
    for (const c of details.changes) {
      lines.push(
        `| ${cell(c.action)} | ${cell(c.logicalId)} | ${cell(c.type)} | ${cell(c.replacement ?? '')} |`,
      );
    }
    lines.push('');
  }
  if (details?.capabilities?.length)
    lines.push(`Capabilities: ${details.capabilities.map(code).join(', ')}`, '');
  if (details?.note) lines.push(`> ${inline(details.note)}`, '');
  return lines;
}

/** "Approved by alice@example.com (`sub`) at 2026-05-01 09:30:00 UTC": the person on record. */
function approvedByLine(by: Approver): string {
  // An audit line: nothing invisible (bidi overrides) may make one name read as another.
  const visible = (text: string) => text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
  const name =
    by.name && visible(by.name)
      ? `${inline(visible(by.name))} (${code(visible(by.sub))})`
      : code(visible(by.sub));
  return `Approved by ${name} at ${stamp(by.at)}`;
}

/** The stored status, in the words of an approval: denied calls were the user's decision. */
function decisionOf(call: TurnToolCall): string {
  switch (call.status) {
    case 'success':
      return call.readOnly ? 'succeeded (read-only)' : 'approved, succeeded';
    case 'error':
      return 'failed';
    case 'denied':
      return 'denied';
    case 'pending':
      return 'awaiting approval';
  }
}

/** A fenced block whose fence is longer than any backtick run inside, so the text can't close it. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * The text with a code block it leaves open closed at its end (an answer cut off mid-block), so it
 * can't swallow the rest of the document. CommonMark: a fence closes on the same character, at least
 * as long, indented at most three spaces.
 */
export function closeOpenFence(text: string): string {
  let open: { char: string; length: number } | undefined;
  for (const line of text.split('\n')) {
    const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!match) continue;
    const run = match[1]!;
    if (!open) {
      // A backtick fence's info string can't contain backticks (then it is inline code, not a fence).
      if (run[0] === '`' && match[2]!.includes('`')) continue;
      open = { char: run[0]!, length: run.length };
    } else if (run[0] === open.char && run.length >= open.length && !match[2]!.trim()) {
      open = undefined;
    }
  }
  return open ? `${text}\n${open.char.repeat(open.length)}` : text;
}

/** Inline code that survives backticks inside (CommonMark: a longer delimiter run, padded). */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** One line of text with Markdown syntax escaped (titles, notes): nothing in it becomes markup. */
export function inline(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

function cell(text: string): string {
  return inline(text);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value ?? null, null, 2) ?? 'null';
  } catch {
    return String(value);
  }
}

function stamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? inline(iso)
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}
