/**
 * What the agent tells about each turn: when the first token came, each model call and tool call,
 * approvals, guardrail interventions, how the turn ended. One interface, two outputs (CloudWatch
 * embedded-metric-format lines, OpenTelemetry spans), and a no-op default that costs nothing.
 * Nothing here carries message text; the actor goes out only as a one-way tag.
 */
import type { FailureCode, Usage } from '../../protocol';

export type ToolOutcome = 'success' | 'error' | 'denied' | 'pending';
export type ApprovalDecision = 'requested' | 'approved' | 'denied';
export type GuardrailSource = 'input' | 'output' | 'tool';

export interface TurnStart {
  sessionId: string;
  /** The verified actor id; only its tag (log.ts `actorTag`) leaves the process. */
  actorId: string;
  modelId: string;
  /** When the request arrived (default: now). */
  startedAt?: number;
}

/** The turn's tokens, where it had any. */
export interface TurnEnd extends Partial<Usage> {
  /** `done` with its stop reason, `error` with the contract's code, or `cancelled` (client gone). */
  outcome: 'done' | 'error' | 'cancelled';
  stopReason?: string;
  /** The stream's code; anything else is reported as it is, made fit for a metric dimension. */
  errorCode?: FailureCode | string;
}

export interface ModelCallTelemetry {
  end(result: Partial<Usage> & { outcome: 'success' | 'error'; errorCode?: string }): void;
}

export interface ToolCallTelemetry {
  end(outcome: ToolOutcome): void;
}

export interface TurnTelemetry {
  /** The first text delta reached the client. Only the first call counts. */
  firstToken(): void;
  modelCall(): ModelCallTelemetry;
  toolCall(name: string, id?: string): ToolCallTelemetry;
  approval(decision: ApprovalDecision, toolName?: string): void;
  guardrail(source: GuardrailSource, categories: readonly string[]): void;
  /** Ends the turn: metrics are written and spans exported. Later calls are ignored. */
  end(result: TurnEnd): void;
}

export interface Telemetry {
  turnStarted(start: TurnStart): TurnTelemetry;
  /** Exports what is buffered (before a Lambda freeze, at shutdown, in tests). */
  flush(): Promise<void>;
}

const noopCall = { end() {} };
const noopTurn: TurnTelemetry = {
  firstToken() {},
  modelCall: () => noopCall,
  toolCall: () => noopCall,
  approval() {},
  guardrail() {},
  end() {},
};

/** Telemetry off: every hook is an empty function. */
export const noopTelemetry: Telemetry = {
  turnStarted: () => noopTurn,
  flush: async () => {},
};
