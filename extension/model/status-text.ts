/** What local mode's model status item says ("$(hubot) bedrock · Claude Sonnet 4.5") and does on click. No `vscode`. */
import { modelName } from '../../shared/prices';
import { COMMANDS } from '../common/ids';
import type { Settings } from '../common/settings';
import { displayText, effectiveModelId, PROVIDER_INFO } from './catalog';

export interface ModelStatus {
  text: string;
  tooltip: string;
  /** Clicking the item: Select Model…. */
  command: string;
}

/** The item's text, tooltip and command; undefined: hidden (a deployed backend chooses its own model). */
export function modelStatus(settings: Settings): ModelStatus | undefined {
  if (settings.mode !== 'local') return undefined;
  const provider = settings.modelProvider;
  const model = effectiveModelId(provider, settings.modelId, settings.modelBaseUrl);
  // The readable name keeps the bar short (a Bedrock id runs to 45 characters); the tooltip has the id.
  const shown = model ? displayText(modelName(model), 60) : 'pick a model';
  const where = settings.modelBaseUrl ? ` at ${displayText(settings.modelBaseUrl, 100)}` : '';
  return {
    text: `$(hubot) ${provider} · ${shown}`,
    tooltip: `Cloud Engineer model: ${PROVIDER_INFO[provider].name}${where}, ${
      model ? `${displayText(model, 200)}${settings.modelId ? '' : ' (default)'}` : 'no model chosen'
    }. Click to select another model.`,
    command: COMMANDS.selectModel,
  };
}
