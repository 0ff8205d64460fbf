/** Local mode's model in the status bar ("$(hubot) anthropic · claude-sonnet-4-5"); click: Select Model…. */
import * as vscode from 'vscode';
import { COMMANDS } from '../common/ids';
import { readSettings, type Settings } from '../common/settings';
import { displayText, effectiveModelId, PROVIDER_INFO } from './catalog';

/** The item's text and tooltip lines; undefined: hidden (a deployed backend chooses its own model). */
export function modelStatus(settings: Settings): { text: string; tooltip: string } | undefined {
  if (settings.mode !== 'local') return undefined;
  const provider = settings.modelProvider;
  const model = effectiveModelId(provider, settings.modelId, settings.modelBaseUrl);
  const shown = model ? displayText(model, 60) : 'pick a model';
  const where = settings.modelBaseUrl ? ` at ${displayText(settings.modelBaseUrl, 100)}` : '';
  return {
    text: `$(hubot) ${provider} · ${shown}`,
    tooltip: `Cloud Engineer model: ${PROVIDER_INFO[provider].name}${where}, ${
      model ? `${model}${settings.modelId ? '' : ' (default)'}` : 'no model chosen'
    }. Click to select another model.`,
  };
}

export function registerModelStatus(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('cloudEngineer.model', vscode.StatusBarAlignment.Left, 48);
  item.name = 'Cloud Engineer: Model';
  item.command = COMMANDS.selectModel;
  const update = () => {
    const status = modelStatus(readSettings());
    if (!status) return void item.hide();
    item.text = status.text;
    item.tooltip = status.tooltip;
    item.show();
  };
  update();
  context.subscriptions.push(
    item,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cloudEngineer')) update();
    }),
  );
  return item;
}
