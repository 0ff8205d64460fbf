/** Which model's price applies: local mode knows its own; a deployed backend's is a setting. */
// The default alone, not the backend's configuration (which would bring its schemas into activation).
import { DEFAULT_MODEL_ID } from '../../backend/src/core/model-id';

export function pricedModelId(settings: { mode: string; modelId: string; usageModelId?: string }): string {
  const id = settings.mode === 'local' ? settings.modelId : (settings.usageModelId ?? '');
  return id.trim() || DEFAULT_MODEL_ID;
}
