/**
 * Prompt caching, measured: a scripted 10-turn troubleshooting conversation with tool calls runs
 * through the agent service and the real Bedrock request builder (`toConverse`, which places the
 * cache points); a provider-side prompt cache is simulated over the exact request bytes the way
 * Bedrock and Anthropic document it (a prefix written at a cache point is read back by a later
 * request with the same bytes up to any of its last 20 block boundaries before a cache point).
 * Reported: the share of input tokens read from cache after the first call, and input tokens billed
 * per turn with and without caching (cache reads at 0.1x, writes at 1.25x of the input price).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LOCAL_ACTOR } from '../../backend/src/core/auth/authenticator';
import { toConverse } from '../../backend/src/core/model/adapters/bedrock';
import type { Model, ModelEvent, ModelRequest } from '../../backend/src/core/model/types';
import { SYSTEM_PROMPT } from '../../backend/src/core/prompts/system';
import { ALL_TOOLS, ToolRegistry } from '../../backend/src/core/tools/registry';
import { defineTool } from '../../backend/src/core/tools/types';
import { chat, inProcessService } from '../support/in-process';
import { record } from './lib';

const MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const LOOKBACK_BLOCKS = 20;
const tokens = (chars: number) => Math.ceil(chars / 4);

/** The provider's prompt cache over one conversation's requests. */
class PromptCache {
  private readonly written = new Set<string>();
  calls: { input: number; read: number; write: number }[] = [];

  usage(request: ModelRequest): { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number } {
    const body = toConverse(MODEL_ID, request);
    // Providers process tools, then system, then messages: the cached prefix runs in that order.
    const blocks: unknown[] = [
      ...(body.toolConfig?.tools ?? []),
      ...(body.system ?? []),
      ...(body.messages ?? []).flatMap((m) => [{ role: m.role }, ...(m.content ?? [])]),
    ];
    const hashes: string[] = [];
    const sizes: number[] = [];
    const points: number[] = [];
    const hash = createHash('sha256');
    let size = 0;
    for (const [i, block] of blocks.entries()) {
      if ((block as { cachePoint?: unknown }).cachePoint) {
        points.push(i);
        continue;
      }
      const text = JSON.stringify(block);
      hash.update(text);
      size += text.length;
      hashes[i] = hash.copy().digest('hex');
      sizes[i] = size;
    }
    const at = (i: number) => {
      for (let j = i; j >= 0; j--) if (hashes[j]) return j;
      return -1;
    };
    let readChars = 0;
    for (const p of points) {
      for (let back = 0, j = at(p - 1); j >= 0 && back < LOOKBACK_BLOCKS; back++, j = at(j - 1)) {
        if (this.written.has(hashes[j]!)) {
          readChars = Math.max(readChars, sizes[j]!);
          break;
        }
      }
    }
    const lastPoint = points.length ? sizes[at(points.at(-1)! - 1)]! : 0;
    for (const p of points) {
      const j = at(p - 1);
      if (j >= 0) this.written.add(hashes[j]!);
    }
    const input = tokens(size);
    const read = tokens(readChars);
    const write = Math.max(0, tokens(lastPoint) - read);
    this.calls.push({ input, read, write });
    return { inputTokens: input, cacheReadTokens: read, cacheWriteTokens: write };
  }
}

/** A troubleshooting turn: query the logs, describe the service, then answer. */
function cachingModel(cache: PromptCache): Model {
  let call = 0;
  return {
    provider: 'bedrock',
    modelId: MODEL_ID,
    async *stream(request) {
      const usage = cache.usage(request);
      const step = call++ % 3;
      const events: ModelEvent[] =
        step === 0
          ? [
              {
                type: 'toolUse',
                toolUseId: `q${call}`,
                name: 'bench_logs_query',
                input: '{"query":"errors"}',
              },
            ]
          : step === 1
            ? [{ type: 'toolUse', toolUseId: `d${call}`, name: 'bench_describe', input: '{"name":"api"}' }]
            : [
                {
                  type: 'text',
                  text: `Finding ${call}: ${'the API returns 502 when the target group drains. '.repeat(30)}`,
                },
              ];
      yield* events;
      yield { type: 'stop', reason: step === 2 ? 'end_turn' : 'tool_use' };
      yield { type: 'usage', usage: { ...usage, outputTokens: 200 } };
    },
  };
}

const logsQuery = defineTool({
  name: 'bench_logs_query',
  description: 'Runs a Logs Insights query (bench stand-in).',
  inputSchema: z.object({ query: z.string() }),
  readOnly: true,
  run: async () => ({
    rows: Array.from({ length: 40 }, (_, i) => `2026-12-06T10:${i}:00Z ERROR upstream 502 id=${i}`),
  }),
});
const describe = defineTool({
  name: 'bench_describe',
  description: 'Describes a service (bench stand-in).',
  inputSchema: z.object({ name: z.string() }),
  readOnly: true,
  run: async () => ({ service: 'api', desired: 4, running: 3, targetGroup: { healthy: 2, draining: 1 } }),
});

export async function caching(): Promise<void> {
  console.log('\nPrompt caching (10-turn troubleshooting conversation, simulated provider cache)');
  const cache = new PromptCache();
  const agent = inProcessService({
    model: cachingModel(cache),
    systemPrompt: SYSTEM_PROMPT,
    tools: new ToolRegistry([...ALL_TOOLS, logsQuery, describe]),
    contextTokens: 180_000,
  });
  let sessionId: string | undefined;
  for (let turn = 0; turn < 10; turn++) {
    const out = await chat(agent, LOCAL_ACTOR, {
      message: `Turn ${turn}: the API still returns 502s for some requests; what changed?`,
      ...(sessionId ? { sessionId } : {}),
    });
    sessionId = out.sessionId;
  }
  const after = cache.calls.slice(1);
  const share = after.reduce((n, c) => n + c.read, 0) / after.reduce((n, c) => n + c.input, 0);
  const perTurn = (f: (c: (typeof cache.calls)[number]) => number) =>
    cache.calls.reduce((n, c) => n + f(c), 0) / 10;
  const uncached = perTurn((c) => c.input);
  const cached = perTurn((c) => c.input - c.read - c.write + 0.1 * c.read + 1.25 * c.write);
  record({
    section: 'caching',
    figure: 'input tokens read from cache after the first call',
    value: share * 100,
    unit: '%',
    target: '>= 70 %',
    met: share >= 0.7,
  });
  record({
    section: 'caching',
    figure: 'input tokens billed per turn, with caching',
    value: cached,
    unit: 'tokens',
    baseline: { label: 'without caching', value: uncached },
    target: 'below the baseline',
    met: cached < uncached,
  });
}
