/**
 * The backend's CloudWatch metrics (embedded metric format), named once: the emitter and the CDK
 * dashboard and alarms both read them from here. Dimensions never carry a user id or message text.
 */
export const METRICS_NAMESPACE = 'CloudEngineer';

export const METRIC = {
  /** One per chat turn that reached the model. Dimension: none beyond `Service`. */
  turns: 'Turns',
  /** Milliseconds from the request to the first text delta. */
  timeToFirstToken: 'TimeToFirstToken',
  /** Milliseconds from the request to `done` or `error`. */
  turnDuration: 'TurnDuration',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  /** Input tokens read from and written to the provider's prompt cache (part of InputTokens). */
  cacheReadTokens: 'CacheReadTokens',
  cacheWriteTokens: 'CacheWriteTokens',
  /** Dimensions: `Tool`, `Outcome` (success | error | denied | pending). */
  toolCalls: 'ToolCalls',
  /** Dimension: `Decision` (requested | approved | denied). */
  approvals: 'Approvals',
  /** Dimensions: `Source` (input | output | tool), `Category`. */
  guardrailInterventions: 'GuardrailInterventions',
  /** Dimension: `Code` (the contract's error codes). */
  errors: 'Errors',
} as const;

export const SERVICE_DIMENSION = { Service: 'cloud-engineer' } as const;
