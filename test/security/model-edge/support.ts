/**
 * What the hostile-model-server tests share: the four providers' wire fakes, started once per
 * file, the real adapters pointed at them with keys no pattern knows (so only the key itself can
 * scrub them), and the checks for leaked key pieces and sane usage figures.
 */
import assert from 'node:assert/strict';
import { createLogger } from '../../../backend/src/core/log';
import { createModel as anthropicModel } from '../../../backend/src/core/model/adapters/anthropic';
import { createModel as bedrockModel } from '../../../backend/src/core/model/adapters/bedrock';
import { createModel as geminiModel } from '../../../backend/src/core/model/adapters/gemini';
import { createModel as openAIModel } from '../../../backend/src/core/model/adapters/openai';
import { fixedKey, noKey } from '../../../backend/src/core/model/options';
import type { ModelEvent } from '../../../backend/src/core/model/types';
import * as A from '../../fakes/anthropic';
import * as B from '../../fakes/bedrock';
import * as G from '../../fakes/gemini';
import * as O from '../../fakes/openai';

/** Keys that start with no known prefix, so only the key itself (not a pattern) can scrub them. */
export const OPENAI_KEY = 'lite-9f3KQz7TbWmX2vRc8LpN4hJd6YsA1uEo';
export const ANTHROPIC_KEY = 'proxy-Z8wq3Lm5Nc7Rt2Vb9Xk4Jp6Hd1Fg0Sa';
export const GEMINI_KEY = 'gem-Q4rT8yU2iO6pA9sD3fG7hJ1kL5zX0cVb';
export const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const PRIVATE_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAx4Jm5tQ0mZ9vW3kPq8LrT2sYbN6cH1dFgJ7uVwXyZaBcDeFg',
  'HiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** Every 8-character piece of `key`: a prefix or suffix that long must not survive either. */
function pieces(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= key.length; i++) out.push(key.slice(i, i + 8));
  return out;
}
export const leaked = (key: string, where: string) => pieces(key).filter((p) => where.includes(p));

/** A usage figure is fit to add and to show: a non-negative safe integer. */
export function assertSaneUsage(events: ModelEvent[], what: string) {
  const usages = events.filter((e) => e.type === 'usage');
  assert.ok(usages.length > 0, `${what}: a usage event`);
  for (const u of usages)
    for (const [field, value] of Object.entries(u.usage))
      assert.ok(
        Number.isSafeInteger(value) && (value as number) >= 0,
        `${what}: ${field} is ${JSON.stringify(value)} (${typeof value})`,
      );
}

export const lines = () => {
  const out: string[] = [];
  return { out, log: createLogger('debug', (l) => out.push(l)) };
};

/** The four fakes for the enclosing suite (started before it, reset before each test) and models on them. */
export function useHostileFakes() {
  const openai = new O.OpenAIFake();
  const anthropic = new A.AnthropicFake();
  const gemini = new G.GeminiFake();
  const bedrock = new B.BedrockFake();
  const fakes = [openai, anthropic, gemini, bedrock];
  before(() => Promise.all(fakes.map((f) => f.start())));
  after(() => Promise.all(fakes.map((f) => f.stop())));
  beforeEach(() => fakes.forEach((f) => f.reset()));

  const oai = (key = OPENAI_KEY) =>
    openAIModel({ modelId: 'gpt-4.1', baseUrl: `${openai.url}/v1`, apiKey: fixedKey(key), region: '' });
  const claude = () =>
    anthropicModel({
      modelId: 'claude-sonnet-4-5',
      baseUrl: anthropic.url,
      apiKey: fixedKey(ANTHROPIC_KEY),
      region: '',
    });
  const gem = () =>
    geminiModel({
      modelId: 'gemini-2.5-flash',
      baseUrl: gemini.url,
      apiKey: fixedKey(GEMINI_KEY),
      region: '',
    });
  const nova = () =>
    bedrockModel({
      modelId: 'amazon.nova-lite-v1:0',
      region: 'us-east-1',
      apiKey: noKey,
      endpoint: bedrock.url,
      credentials: async () => ({ accessKeyId: 'AKIDHOSTILE', secretAccessKey: 'not-a-secret' }),
    });
  return { openai, anthropic, gemini, bedrock, oai, claude, gem, nova };
}
