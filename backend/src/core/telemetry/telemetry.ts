/**
 * The Telemetry implementation: per-turn metrics as EMF lines and, when an OTLP endpoint is set,
 * a span for the turn with one child per model call and tool call. Dimensions and attributes are
 * names, codes and counts: never a user id (the actor goes out as `actorTag`) or message text.
 */
import { actorTag } from '../log';
import {
  DimensionCounter,
  dimensionValue,
  emfLine,
  stdoutSink,
  type MetricSink,
  type MetricValue,
} from './emf';
import { METRIC } from './metric-names';
import { createOtlpExport, type SpanExport, type SpanRecord } from './tracing';
import {
  noopTelemetry,
  type ApprovalDecision,
  type GuardrailSource,
  type ModelCallTelemetry,
  type Telemetry,
  type ToolCallTelemetry,
  type ToolOutcome,
  type TurnEnd,
  type TurnStart,
  type TurnTelemetry,
} from './types';

export interface TelemetryOptions {
  /** `emf`: CloudWatch embedded-metric-format lines; `off`: no metrics. */
  metrics: 'emf' | 'off';
  /** Where EMF lines go (default: stdout, which CloudWatch Logs reads on Lambda and AgentCore). */
  sink?: MetricSink;
  /** OTEL_EXPORTER_OTLP_ENDPOINT; unset means no tracing and no OpenTelemetry code loaded. */
  otlpEndpoint?: string;
  serviceName?: string;
  /** Tool names the registry knows; any other name a model invents is reported as `other`. */
  isKnownTool?: (name: string) => boolean;
  now?: () => number;
  /** An export that failed (logged by the caller; telemetry never fails a turn). */
  onError?: (error: unknown) => void;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const tracing = options.otlpEndpoint
    ? createOtlpExport({
        endpoint: options.otlpEndpoint,
        serviceName: options.serviceName ?? 'cloud-engineer',
        ...(options.onError ? { onError: options.onError } : {}),
      })
    : undefined;
  if (options.metrics === 'off' && !tracing) return noopTelemetry;
  const sink = options.metrics === 'emf' ? (options.sink ?? stdoutSink) : undefined;
  const shared: Shared = {
    sink,
    tracing,
    now: options.now ?? Date.now,
    toolName: (name) => (options.isKnownTool && !options.isKnownTool(name) ? 'other' : dimensionValue(name)),
  };
  return {
    turnStarted: (start) => new Turn(start, shared),
    flush: async () => tracing?.flush(),
  };
}

interface Shared {
  sink: MetricSink | undefined;
  tracing: SpanExport | undefined;
  now: () => number;
  toolName: (name: string) => string;
}

class Turn implements TurnTelemetry {
  private readonly root: SpanRecord;
  private firstTokenAt: number | undefined;
  private ended = false;
  private readonly tools = new DimensionCounter();
  private readonly approvals = new DimensionCounter();
  private readonly guardrails = new DimensionCounter();
  private interventions = 0;

  constructor(
    start: TurnStart,
    private readonly shared: Shared,
  ) {
    const startTime = start.startedAt ?? shared.now();
    this.root = {
      name: 'chat turn',
      startTime,
      endTime: startTime,
      attributes: {
        'session.id': start.sessionId,
        'cloud_engineer.actor': actorTag(start.actorId),
        'gen_ai.request.model': start.modelId,
      },
      children: [],
    };
  }

  firstToken(): void {
    this.firstTokenAt ??= this.shared.now();
  }

  modelCall(): ModelCallTelemetry {
    const span = this.child('model call', {
      'gen_ai.request.model': this.root.attributes['gen_ai.request.model']!,
    });
    return {
      end: (result) => {
        span.endTime = this.shared.now();
        span.attributes['outcome'] = result.outcome;
        if (result.inputTokens !== undefined)
          span.attributes['gen_ai.usage.input_tokens'] = result.inputTokens;
        if (result.outputTokens !== undefined)
          span.attributes['gen_ai.usage.output_tokens'] = result.outputTokens;
        if (result.cacheReadTokens)
          span.attributes['gen_ai.usage.cache_read_input_tokens'] = result.cacheReadTokens;
        if (result.cacheWriteTokens)
          span.attributes['gen_ai.usage.cache_creation_input_tokens'] = result.cacheWriteTokens;
        if (result.errorCode) span.attributes['error.type'] = dimensionValue(result.errorCode);
        span.error = result.outcome === 'error';
      },
    };
  }

  toolCall(name: string): ToolCallTelemetry {
    const tool = this.shared.toolName(name);
    const span = this.child('tool call', { 'gen_ai.tool.name': tool });
    let done = false;
    return {
      end: (outcome: ToolOutcome) => {
        if (done) return;
        done = true;
        span.endTime = this.shared.now();
        span.attributes['outcome'] = outcome;
        span.error = outcome === 'error';
        this.tools.add({ Tool: tool, Outcome: outcome });
      },
    };
  }

  approval(decision: ApprovalDecision): void {
    this.approvals.add({ Decision: decision });
  }

  guardrail(source: GuardrailSource, categories: readonly string[]): void {
    for (const category of categories) {
      // Bedrock topic names may hold spaces (`topic:Investment advice`).
      this.guardrails.add({ Source: source, Category: dimensionValue(category.replace(/ /g, '_')) });
      this.interventions++;
    }
  }

  end(result: TurnEnd): void {
    if (this.ended) return;
    this.ended = true;
    const endTime = this.shared.now();
    try {
      this.writeMetrics(result, endTime);
      this.exportSpans(result, endTime);
    } catch {
      // Telemetry never breaks a turn.
    }
  }

  private writeMetrics(result: TurnEnd, endTime: number): void {
    const sink = this.shared.sink;
    if (!sink) return;
    const turn: MetricValue[] = [
      { name: METRIC.turns, value: 1, unit: 'Count' },
      { name: METRIC.turnDuration, value: endTime - this.root.startTime, unit: 'Milliseconds' },
      { name: METRIC.inputTokens, value: result.inputTokens ?? 0, unit: 'Count' },
      { name: METRIC.outputTokens, value: result.outputTokens ?? 0, unit: 'Count' },
      { name: METRIC.cacheReadTokens, value: result.cacheReadTokens ?? 0, unit: 'Count' },
      { name: METRIC.cacheWriteTokens, value: result.cacheWriteTokens ?? 0, unit: 'Count' },
    ];
    if (this.firstTokenAt !== undefined)
      turn.push({
        name: METRIC.timeToFirstToken,
        value: this.firstTokenAt - this.root.startTime,
        unit: 'Milliseconds',
      });
    sink(emfLine({}, turn, endTime));
    this.tools.write(sink, METRIC.toolCalls, endTime);
    this.approvals.write(sink, METRIC.approvals, endTime);
    this.guardrails.write(sink, METRIC.guardrailInterventions, endTime);
    if (result.outcome === 'error')
      sink(
        emfLine(
          { Code: dimensionValue(result.errorCode) },
          [{ name: METRIC.errors, value: 1, unit: 'Count' }],
          endTime,
        ),
      );
  }

  private exportSpans(result: TurnEnd, endTime: number): void {
    if (!this.shared.tracing) return;
    const root = this.root;
    root.endTime = endTime;
    root.attributes['outcome'] = result.outcome;
    if (result.stopReason) root.attributes['cloud_engineer.stop_reason'] = dimensionValue(result.stopReason);
    if (result.errorCode) root.attributes['error.type'] = dimensionValue(result.errorCode);
    if (result.inputTokens !== undefined) root.attributes['gen_ai.usage.input_tokens'] = result.inputTokens;
    if (result.outputTokens !== undefined)
      root.attributes['gen_ai.usage.output_tokens'] = result.outputTokens;
    if (this.interventions) root.attributes['cloud_engineer.guardrail_interventions'] = this.interventions;
    if (this.firstTokenAt !== undefined)
      root.attributes['cloud_engineer.time_to_first_token_ms'] = this.firstTokenAt - root.startTime;
    root.error = result.outcome === 'error';
    // A call still open when the turn ends (cancelled mid-way) ends with it.
    for (const child of root.children) if (child.endTime < child.startTime) child.endTime = endTime;
    this.shared.tracing.export(root);
  }

  private child(name: string, attributes: SpanRecord['attributes']): SpanRecord {
    const startTime = this.shared.now();
    const span: SpanRecord = { name, startTime, endTime: startTime - 1, attributes, children: [] };
    this.root.children.push(span);
    return span;
  }
}
