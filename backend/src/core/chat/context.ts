/**
 * Conversations that never outgrow the model. The history sent with a turn must fit the input
 * budget (CONTEXT_TOKENS): first old tool results are elided (a one-line note of what was called
 * stays), then the oldest turns are replaced by a summary the model writes in a separate call,
 * stored with the session so it is made once and amended as the conversation grows. The newest
 * turns always stay whole. A model that still refuses a request as too long teaches the estimate
 * a lower ceiling, and the retry leaves out the oldest messages down to the question being answered.
 */
import type { SessionSummary, StreamEvent, Usage } from '../../protocol';
import { toModelHistory } from '../agent/history';
import { noTokens } from '../agent/turn-record';
import type { ServiceDeps } from '../deps';
import type { StoredTurn } from '../memory/types';
import type { ContentBlock, Message, Model, ToolSpec } from '../model/types';
import { summarize } from './context-summary';

/** Turns read for the context at most; older ones reach the model through the summary only. */
export const MAX_CONTEXT_TURNS = 200;
/** How the summary opens the conversation (and how the harder fit knows to keep it). */
const SUMMARY_HEAD =
  '[Summary of the earlier conversation, written for you; the newest turns follow in full]';
/** After a summary, the kept turns take at most this share of the budget, leaving room to grow. */
const KEEP_SHARE = 0.5;
/** Tool results of this many newest messages are never elided in the first pass. */
const KEEP_RESULTS_OF_LAST = 4;
/** After a refusal, later requests aim at this share of the size the model refused... */
const REFUSED_SHARE = 0.8;
/** ...and the retry of the refused request at this share of that. */
const RETRY_SHARE = 0.5;
/** A refusal never lowers the ceiling below this (a request always carries system and tools). */
const MIN_CEILING_CHARS = 8_000;

/**
 * Input tokens from characters. A fixed 4 characters a token before the provider has answered;
 * then the ratio its own usage figures showed for this model (JSON and code run denser than prose).
 * A request the model refused as too long, though the estimate said it fit, sets a ceiling: the
 * model's real window (or its tokenizer) was smaller than believed, and later requests stay below.
 */
export class TokenEstimator {
  private charsPerToken = 4;
  private calibrated = false;
  /** The request size, in characters, that later requests stay under since a refusal. */
  private ceilingChars = Infinity;

  estimate(chars: number): number {
    return Math.ceil(chars / this.charsPerToken);
  }

  /** The characters `tokens` estimated tokens stand for. */
  chars(tokens: number): number {
    return Math.max(0, Math.floor(tokens * this.charsPerToken));
  }

  /** The budget to fit, in tokens: the configured one, lowered by what the model refused. */
  limit(budgetTokens: number): number {
    return Number.isFinite(this.ceilingChars)
      ? Math.min(budgetTokens, Math.floor(this.ceilingChars / this.charsPerToken))
      : budgetTokens;
  }

  /** Told what a request weighed and what the provider counted. */
  observe(chars: number, inputTokens: number): void {
    if (inputTokens <= 0 || chars <= 0) return;
    const ratio = Math.min(6, Math.max(1.5, chars / inputTokens));
    // Never believe a lighter count than the table's, so a wrong figure cannot overfill the window.
    const next = this.calibrated ? (this.charsPerToken * 3 + ratio) / 4 : ratio;
    this.charsPerToken = Math.min(4, next);
    this.calibrated = true;
  }

  /**
   * The model refused a request of `chars` characters as too long. Kept in characters, not tokens,
   * so a later calibration of the ratio does not count the same correction twice.
   */
  refused(chars: number): void {
    if (!(chars > 0)) return;
    this.ceilingChars = Math.min(
      this.ceilingChars,
      Math.max(MIN_CEILING_CHARS, Math.floor(chars * REFUSED_SHARE)),
    );
  }
}

const estimators = new WeakMap<Model, TokenEstimator>();
export function estimatorFor(model: Model): TokenEstimator {
  let e = estimators.get(model);
  if (!e) estimators.set(model, (e = new TokenEstimator()));
  return e;
}

export function messagesChars(messages: Message[]): number {
  let n = 0;
  for (const m of messages) for (const c of m.content) n += blockChars(c);
  return n;
}

function blockChars(c: ContentBlock): number {
  switch (c.type) {
    case 'text':
    case 'reasoning':
      return c.text.length + 8;
    case 'toolResult':
      return c.text.length + 48;
    case 'toolUse':
      return JSON.stringify(c.input ?? {}).length + c.name.length + 48;
  }
}

/** The part of every request that does not change within a configuration: system and tools. */
export function fixedChars(system: string, tools: ToolSpec[]): number {
  // A registry hands out the same list every turn: its JSON is measured once.
  let chars = toolChars.get(tools);
  if (chars === undefined) toolChars.set(tools, (chars = JSON.stringify(tools).length));
  return system.length + chars;
}
const toolChars = new WeakMap<ToolSpec[], number>();

/**
 * Replaces tool results by a one-line note, oldest first, until `fits` or only the newest
 * `keepLast` messages keep theirs. Pure: returns new messages.
 */
export function elideToolResults(
  messages: Message[],
  fits: (m: Message[]) => boolean,
  keepLast: number,
): Message[] {
  if (fits(messages)) return messages;
  const names = new Map<string, string>();
  for (const m of messages)
    for (const c of m.content) if (c.type === 'toolUse') names.set(c.toolUseId, c.name);
  const out = messages.map((m) => ({ ...m, content: [...m.content] }));
  for (let i = 0; i < out.length - keepLast; i++) {
    const m = out[i]!;
    let changed = false;
    m.content = m.content.map((c) => {
      if (c.type !== 'toolResult' || c.text.length <= 200) return c;
      changed = true;
      const name = names.get(c.toolUseId) ?? 'the tool';
      return {
        ...c,
        text: `[elided to save context: ${name} returned ${c.text.length} characters here; call it again if you need them]`,
      };
    });
    if (changed && fits(out)) return out;
  }
  return out;
}

/**
 * Within a turn, tool results grow the conversation: the loop calls this before each model call.
 * `harder` (the model refused the previous request as too long, and `estimator.refused` was told)
 * aims at {@link RETRY_SHARE} of the budget the refusal left.
 */
export function fitWithinTurn(
  budgetTokens: number,
  fixed: number,
  estimator: TokenEstimator,
): (messages: Message[], harder: boolean) => Message[] {
  return (messages, harder) => {
    const budget = estimator.limit(budgetTokens) * (harder ? RETRY_SHARE : 1);
    const fits = (m: Message[]) => estimator.estimate(fixed + messagesChars(m)) <= budget;
    return compact(messages, fits, harder);
  };
}

/**
 * The conversation within `fits`: old tool results elided first; then the oldest messages left out,
 * never the newest user turn (the question being answered); then the current turn's own results,
 * all but the newest message's.
 */
export function compact(messages: Message[], fits: (m: Message[]) => boolean, harder: boolean): Message[] {
  let out = elideToolResults(messages, fits, harder ? 1 : KEEP_RESULTS_OF_LAST);
  if (fits(out)) return out;
  out = dropOldest(out, fits);
  if (fits(out)) return out;
  return elideToolResults(out, fits, 1);
}

/**
 * Leaves out the oldest messages, a user message at a time, until `fits` or the newest user turn
 * opens the conversation; a note says what went. The summary of the earlier conversation, when the
 * conversation opens with it, stays as long as it fits. Pure: returns new messages.
 */
export function dropOldest(messages: Message[], fits: (m: Message[]) => boolean): Message[] {
  const newest = newestUserTurn(messages);
  if (newest <= 0) return messages;
  const opening = messages[0]!.content[0];
  const summary = opening?.type === 'text' && opening.text.startsWith(SUMMARY_HEAD) ? opening : undefined;
  let last = messages;
  for (const keepSummary of summary ? [true, false] : [false]) {
    for (let i = 1; i <= newest; i++) {
      if (messages[i]!.role !== 'user') continue;
      last = startingAt(messages, i, keepSummary ? summary : undefined);
      if (fits(last)) return last;
    }
  }
  return last;
}

/** The last user message that says something (not only tool results): where the current turn starts. */
function newestUserTurn(messages: Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' && m.content.some((c) => c.type === 'text')) return i;
  }
  return -1;
}

/** `messages` from user message `i` on, its results for dropped calls removed, with a note first. */
function startingAt(messages: Message[], i: number, summary: ContentBlock | undefined): Message[] {
  const first = messages[i]!;
  const note: ContentBlock = {
    type: 'text',
    text: `[${i} earlier messages of this conversation are left out here to fit the model's context.]`,
  };
  const content = [
    ...(summary ? [summary] : []),
    note,
    ...first.content.filter((c) => c.type !== 'toolResult'),
  ];
  return [{ role: 'user', content }, ...messages.slice(i + 1)];
}

export interface BuiltContext {
  history: Message[];
  /** A summary made or amended for this turn. */
  summary?: SessionSummary;
  events: StreamEvent[];
  /** Tokens the summary call spent (the user's, counted with the turn). */
  usage?: Usage;
}

/**
 * The history for this turn, within the budget. `turnCount` is the session's count including the
 * new user turn; `tail` the decided tool results of a resumed turn.
 */
export async function buildContext(
  deps: ServiceDeps,
  actorId: string,
  sessionId: string,
  turnCount: number,
  tail: Message[],
  fixed: number,
  signal: AbortSignal,
): Promise<BuiltContext> {
  const estimator = estimatorFor(deps.model);
  const budget = estimator.limit(deps.contextTokens);
  let summary = await deps.memory.getSummary(actorId, sessionId);
  const keepFrom = Math.min(summary?.keepFrom ?? 0, turnCount);
  const count = Math.min(turnCount - keepFrom, MAX_CONTEXT_TURNS);
  const turns = await deps.memory.recentTurns(actorId, sessionId, count);
  const first = turnCount - turns.length;
  const fits = (m: Message[]) => estimator.estimate(fixed + messagesChars(m)) <= budget;

  let history = assemble(summary, turns, tail);
  history = elideToolResults(history, fits, KEEP_RESULTS_OF_LAST);
  if (fits(history)) return { history, events: [] };

  // Too big: summarize the oldest turns. (Nothing to cut: the loop's fit leaves out more.)
  const keepChars = estimator.chars(budget * KEEP_SHARE - estimator.estimate(fixed));
  const cut = chooseCut(turns, tail, keepChars);
  if (cut === 0) return { history, events: [] };
  const usage = noTokens();
  const older = turns.slice(0, cut);
  let text: string;
  try {
    text = await summarize(deps.model, summary?.text, older, budget, estimator, usage, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    // No summary this time (the model is busy, say): the turn goes on with the newest turns only,
    // and the next turn tries again. A dead conversation is the one outcome not allowed.
    deps.log.warn('could not summarize the earlier conversation; sending the newest turns only', { error });
    const dropped = toModelHistory([], [omittedNote(first + cut), ...toModelHistory(turns.slice(cut), tail)]);
    return { history: elideToolResults(dropped, fits, 1), events: [], usage };
  }
  summary = { text, keepFrom: first + cut, createdAt: deps.now().toISOString() };
  await deps.memory.saveSummary(actorId, sessionId, summary);
  const kept = turns.slice(cut);
  history = elideToolResults(assemble(summary, kept, tail), fits, KEEP_RESULTS_OF_LAST);
  // Still over: the kept turns' results go too, all but the newest message's.
  history = elideToolResults(history, fits, 1);
  return {
    history,
    summary,
    events: [{ type: 'summary', keepFrom: summary.keepFrom }],
    usage,
  };
}

/**
 * Where the kept turns start: the oldest user turn from which the rest fits `keepChars`, never
 * later than the newest user turn (the question being answered stays whole).
 */
function chooseCut(turns: StoredTurn[], tail: Message[], keepChars: number): number {
  let lastUser = turns.length - 1;
  while (lastUser > 0 && turns[lastUser]!.role !== 'user') lastUser--;
  let size = messagesChars(tail);
  let cut = turns.length;
  for (let i = turns.length - 1; i >= 0; i--) {
    size += messagesChars(toModelHistory([turns[i]!]));
    if (size > keepChars && i < lastUser) break;
    if (turns[i]!.role === 'user') cut = i;
  }
  return Math.min(cut, Math.max(0, lastUser));
}

function omittedNote(count: number): Message {
  return {
    role: 'user',
    content: [
      {
        type: 'text',
        text: `[The ${count} earliest turns of this conversation are left out to fit the model's context.]`,
      },
    ],
  };
}

function assemble(summary: SessionSummary | undefined, turns: StoredTurn[], tail: Message[]): Message[] {
  const history = toModelHistory(turns, tail);
  if (!summary) return history;
  const note: Message = {
    role: 'user',
    content: [
      {
        type: 'text',
        text: `${SUMMARY_HEAD}\n${summary.text}`,
      },
    ],
  };
  // The summary opens the conversation as the user's; roles are merged by the history repair.
  return toModelHistory([], [note, ...history]);
}
