/**
 * Which model's price applies to an answer that does not name its model: local mode knows its own
 * (the provider's default when none is set); a deployed backend's is a setting.
 */
// The default alone, not the backend's configuration (which would bring its schemas into activation).
import { DEFAULT_MODEL_ID } from '../../backend/src/core/model-id';
import { PROVIDER_INFO, type ModelProvider } from '../model/catalog';

export function pricedModelId(settings: {
  mode: string;
  modelId: string;
  usageModelId?: string;
  modelProvider?: ModelProvider;
  modelBaseUrl?: string;
}): string {
  if (settings.mode !== 'local') return (settings.usageModelId ?? '').trim() || DEFAULT_MODEL_ID;
  // Never another provider's default: a server of one's own (Ollama) with no model named has no price.
  const info = PROVIDER_INFO[settings.modelProvider ?? 'bedrock'] ?? PROVIDER_INFO.bedrock;
  return settings.modelId.trim() || info.defaultModelId(settings.modelBaseUrl ?? '') || '';
}
