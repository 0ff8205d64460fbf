/**
 * Where a turn's tools come from. Without a source it is the built-in registry; with MCP servers
 * configured, the registry plus the tools of the servers that answer, and a note for the model
 * about the ones that did not.
 */
import type { ToolRegistry } from '../tools/registry';

export interface TurnTools {
  tools: ToolRegistry;
  /** Appended to the system prompt for this turn. */
  note?: string;
}

export interface TurnToolSource {
  forTurn(signal: AbortSignal): Promise<TurnTools>;
}

export async function toolsForTurn(
  deps: { tools: ToolRegistry; toolSource?: TurnToolSource },
  signal: AbortSignal = new AbortController().signal,
): Promise<TurnTools> {
  return deps.toolSource ? deps.toolSource.forTurn(signal) : { tools: deps.tools };
}

/** The system prompt with the turn's note, if any. */
export function withNote(system: string, turn: TurnTools): string {
  return turn.note ? `${system}\n\n${turn.note}` : system;
}
