/**
 * An Amazon Bedrock guardrail, when GUARDRAIL_ID is set. Converse applies it to model turns
 * (`guardrailConfig`); tool results are not covered there, so they go through `ApplyGuardrail`.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CloudEngineerError, type StreamEvent } from '../../protocol';
import { bedrockRuntime } from '../model/bedrock-http';
import { guardrailEvent } from './policy';

export interface BedrockGuardrailOptions {
  identifier: string;
  version: string;
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  /** Told when a check fails (to log it); the check then throws GuardrailCheckError. */
  onError?: (error: unknown, toolName: string) => void;
}

/**
 * ApplyGuardrail could not check a tool result (denied, throttled, down, a bad answer). Fail
 * closed: the caller withholds the unchecked result from the model, and the turn goes on.
 * The message names the tool, never the text.
 */
export class GuardrailCheckError extends CloudEngineerError {
  override readonly name = 'GuardrailCheckError';
  readonly code = 'unavailable';
}

export type ToolTextGuard = (
  toolName: string,
  text: string,
  signal: AbortSignal,
) => Promise<{ text: string; events: StreamEvent[] }>;

export type GuardrailSource = 'INPUT' | 'OUTPUT';

/** ApplyGuardrail for `options`, its SDK loaded on the first check. */
export function applyGuardrail(options: Omit<BedrockGuardrailOptions, 'onError'>) {
  // On the model calls' kept-alive connections, not a new one for every check.
  const get = bedrockRuntime(options);
  return async (text: string, source: GuardrailSource, signal: AbortSignal) => {
    const { sdk, client: bedrock } = await get();
    const out = await bedrock.send(
      new sdk.ApplyGuardrailCommand({
        guardrailIdentifier: options.identifier,
        guardrailVersion: options.version,
        source,
        content: [{ text: { text } }],
      }),
      { abortSignal: signal },
    );
    // An answer that is neither verdict is no check at all.
    if (out.action !== 'NONE' && out.action !== 'GUARDRAIL_INTERVENED')
      throw new TypeError(`unexpected ApplyGuardrail action ${JSON.stringify(out.action)}`);
    return out;
  };
}

export function createBedrockToolGuard(options: BedrockGuardrailOptions): ToolTextGuard {
  const apply = applyGuardrail(options);
  // A tool result is about to become model input.
  const check = (text: string, signal: AbortSignal) => apply(text, 'INPUT', signal);
  return async (toolName, text, signal) => {
    try {
      const out = await check(text, signal);
      return interpret(toolName, text, out);
    } catch (error) {
      options.onError?.(error, toolName);
      throw new GuardrailCheckError(`the Bedrock guardrail could not check the ${toolName} result`, {
        cause: error,
      });
    }
  };
}

/** The verdict: unchanged, masked (PII and regex findings only), or blocked. */
export function verdictOf(
  text: string,
  out: import('@aws-sdk/client-bedrock-runtime').ApplyGuardrailResponse,
): { action: 'none' | 'masked' | 'blocked'; text: string; categories: string[] } {
  if (out.action !== 'GUARDRAIL_INTERVENED') return { action: 'none', text, categories: [] };
  const categories = uniq((out.assessments ?? []).flatMap((a) => assessmentCategories(a)));
  const masked = out.outputs?.map((o) => o.text ?? '').join('\n') ?? '';
  const blocked = categories.some((c) => !c.startsWith('pii:') && !c.startsWith('regex:')) || masked === '';
  return blocked
    ? { action: 'blocked', text: '', categories }
    : { action: 'masked', text: masked, categories };
}

function interpret(
  toolName: string,
  text: string,
  out: import('@aws-sdk/client-bedrock-runtime').ApplyGuardrailResponse,
): { text: string; events: StreamEvent[] } {
  const verdict = verdictOf(text, out);
  switch (verdict.action) {
    case 'none':
      return { text, events: [] };
    case 'blocked':
      return {
        text: `[The ${toolName} result was blocked by the Bedrock guardrail.]`,
        events: [
          guardrailEvent(
            'tool',
            verdict.categories,
            `A Bedrock guardrail blocked the ${toolName} result.`,
            'blocked',
          ),
        ],
      };
    case 'masked':
      return {
        text: verdict.text,
        events: [
          guardrailEvent(
            'tool',
            verdict.categories,
            `A Bedrock guardrail masked part of the ${toolName} result.`,
          ),
        ],
      };
  }
}

/** Which stage tripped, from the Converse guardrail trace: the input assessment blocks the input. */
export function traceVerdict(trace: unknown): { stage: 'input' | 'output'; categories: string[] } {
  const t = (trace ?? {}) as {
    inputAssessment?: Record<string, unknown>;
    outputAssessments?: Record<string, unknown[]>;
  };
  const input = Object.values(t.inputAssessment ?? {}).flatMap((a) => assessmentCategories(a, true));
  if (input.length > 0) return { stage: 'input', categories: uniq(input) };
  const output = Object.values(t.outputAssessments ?? {}).flatMap((list) =>
    list.flatMap((a) => assessmentCategories(a, true)),
  );
  return { stage: 'output', categories: uniq(output) };
}

/** Policy findings that acted, as `kind:name` categories (`content:HATE`, `topic:Investing`, `pii:EMAIL`). */
export function assessmentCategories(assessment: unknown, actedOnly = true): string[] {
  const a = (assessment ?? {}) as Record<string, any>;
  const acted = (x: { action?: string; detected?: boolean }) =>
    !actedOnly || (x.action !== undefined && x.action !== 'NONE') || x.detected === true;
  return [
    ...(a.topicPolicy?.topics ?? []).filter(acted).map((x: any) => `topic:${x.name}`),
    ...(a.contentPolicy?.filters ?? []).filter(acted).map((x: any) => `content:${x.type}`),
    ...(a.wordPolicy?.customWords ?? []).filter(acted).map(() => 'word:custom'),
    ...(a.wordPolicy?.managedWordLists ?? []).filter(acted).map((x: any) => `word:${x.type}`),
    ...(a.sensitiveInformationPolicy?.piiEntities ?? []).filter(acted).map((x: any) => `pii:${x.type}`),
    ...(a.sensitiveInformationPolicy?.regexes ?? []).filter(acted).map((x: any) => `regex:${x.name}`),
    ...(a.contextualGroundingPolicy?.filters ?? []).filter(acted).map((x: any) => `grounding:${x.type}`),
  ];
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}
