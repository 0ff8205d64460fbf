/** Which model's price applies: local mode knows its own; a deployed backend's is a setting. */
import { DEFAULT_MODEL_ID } from '../../backend/src/core/config';

export function pricedModelId(settings: { mode: string; modelId: string; usageModelId?: string }): string {
  const id = settings.mode === 'local' ? settings.modelId : (settings.usageModelId ?? '');
  return id.trim() || DEFAULT_MODEL_ID;
}
