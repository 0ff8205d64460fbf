/** Local mode's model in the status bar ("$(hubot) bedrock · Claude Sonnet 4.5"); click: Select Model…. */
import * as vscode from 'vscode';
import { readSettings } from '../common/settings';
import { modelStatus } from './status-text';

export function registerModelStatus(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('cloudEngineer.model', vscode.StatusBarAlignment.Left, 48);
  item.name = 'Cloud Engineer: Model';
  const update = () => {
    const status = modelStatus(readSettings());
    if (!status) return void item.hide();
    item.text = status.text;
    item.tooltip = status.tooltip;
    item.command = status.command;
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
