/**
 * The models Select Model… offers: listed by the provider where it can (Anthropic GET /v1/models,
 * an OpenAI-compatible server's GET {baseUrl}/models, Gemini models.list) through the core's own
 * adapters, loaded on first use; the built-in list when listing is impossible or fails. A listing
 * gives up after a few seconds, and what it reports never carries the key. No `vscode` here.
 */
import { loadAws } from '../aws/load';
import {
  baseUrlProblem,
  displayText,
  keyProblem,
  needsKey,
  PROVIDER_INFO,
  usableModelId,
  type ModelProvider,
} from './catalog';

export const LIST_TIMEOUT_MS = 5000;
/** More than any provider lists; a server that answers with more is cut here. */
export const MAX_LISTED = 500;

export interface ListModelsOptions {
  provider: ModelProvider;
  baseUrl: string;
  /** The key from SecretStorage, when the provider needs one. */
  apiKey?: string | undefined;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ListedModel {
  id: string;
  name?: string;
}

export interface ModelList {
  models: ListedModel[];
  /** 'provider': what the provider listed; 'builtIn': the extension's own list. */
  source: 'provider' | 'builtIn';
  /** Why the provider's own list is not shown, fit to show (never the key). */
  problem?: string;
  /** Listed ids left out because they held control or invisible characters. */
  skipped: number;
  /** The provider listed more than MAX_LISTED. */
  truncated: boolean;
}

export async function listModels(options: ListModelsOptions): Promise<ModelList> {
  const { provider, baseUrl } = options;
  const info = PROVIDER_INFO[provider];
  const builtIn = (problem?: string): ModelList => ({
    models: info.builtIn(baseUrl),
    source: 'builtIn',
    ...(problem ? { problem } : {}),
    skipped: 0,
    truncated: false,
  });
  // Bedrock's control-plane client is not in the bundle: its models come from the built-in list.
  if (provider === 'bedrock') return builtIn();
  const urlProblem = baseUrlProblem(baseUrl);
  if (urlProblem) return builtIn(urlProblem);
  const key = options.apiKey || undefined;
  if (needsKey(provider, baseUrl) && !key)
    return builtIn(`No ${info.name} API key yet: run “Set Model API Key…” to list your models.`);
  if (key && keyProblem(key))
    return builtIn(`The stored ${info.name} API key is malformed: set it again with “Set Model API Key…”.`);

  const timeoutMs = options.timeoutMs ?? LIST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const aws = await loadAws();
  try {
    const model = aws.createModel(provider, {
      modelId: 'list-models',
      ...(baseUrl ? { baseUrl } : {}),
      apiKey: { get: async () => key, refresh: async () => key },
      region: 'us-east-1',
    });
    // The race holds even if an SDK ignores the signal.
    const listed = await Promise.race([
      model.listModels!(signal),
      new Promise<never>((_, reject) =>
        timeout.addEventListener('abort', () => reject(timeout.reason as Error), { once: true }),
      ),
    ]);
    return accept(listed, builtIn);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const where = baseUrl ? ` at ${displayText(baseUrl, 120)}` : '';
    if (timeout.aborted)
      return builtIn(`${info.name}${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    const detail = aws.scrubbed((error as Error)?.message, [key]) || 'the listing failed';
    return builtIn(`Could not list the models of ${info.name}${where}: ${displayText(detail, 300)}`);
  }
}

function accept(listed: unknown[], builtIn: (problem?: string) => ModelList): ModelList {
  const seen = new Set<string>();
  const models: ListedModel[] = [];
  let skipped = 0;
  let truncated = false;
  for (const entry of listed) {
    const id = usableModelId((entry as { id?: unknown })?.id);
    if (!id) {
      skipped++;
      continue;
    }
    if (seen.has(id)) continue;
    if (models.length >= MAX_LISTED) {
      truncated = true;
      break;
    }
    seen.add(id);
    const name = displayText((entry as { name?: unknown }).name);
    models.push({ id, ...(name && name !== id ? { name } : {}) });
  }
  if (!models.length) return { ...builtIn('The provider listed no usable models.'), skipped };
  models.sort((a, b) => a.id.localeCompare(b.id));
  return { models, source: 'provider', skipped, truncated };
}
