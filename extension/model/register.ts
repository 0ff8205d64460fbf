/**
 * Set Model API Key… and Select Model… bound to the editor (the flows are in commands.ts), and the
 * model's status bar item. Nothing here loads an SDK until a listing asks for one.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../common/ids';
import { log } from '../common/log';
import { readSettings, SECTION, SETTINGS } from '../common/settings';
import type { ConnectionManager } from '../connection/manager';
import { selectModel, setApiKey, type ModelPick, type ModelPickSession, type ModelUi } from './commands';
import { registerModelStatus } from './status-item';

export function registerModel(context: vscode.ExtensionContext, connections: ConnectionManager): void {
  registerModelStatus(context);
  const ui = editorUi(context, connections);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.setModelApiKey, (provider?: unknown) => setApiKey(ui, provider)),
    vscode.commands.registerCommand(COMMANDS.selectModel, () => selectModel(ui)),
  );
}

function editorUi(context: vscode.ExtensionContext, connections: ConnectionManager): ModelUi {
  return {
    settings: () => readSettings(),
    secrets: {
      get: async (name) => context.secrets.get(name),
      store: async (name, value) => context.secrets.store(name, value),
      delete: async (name) => context.secrets.delete(name),
    },
    async update(setting, value) {
      await vscode.workspace
        .getConfiguration(SECTION)
        .update(SETTINGS[setting], value, vscode.ConfigurationTarget.Global);
    },
    restartConnection: () => connections.restart(),
    pick: async (items, options) => vscode.window.showQuickPick(items, options),
    input: async ({ validate, ...options }) =>
      vscode.window.showInputBox({ ...options, ignoreFocusOut: true, validateInput: validate }),
    pickModel,
    info: (message) => void vscode.window.showInformationMessage(message),
    log: (message) => log().info(message),
  };
}

type Item = vscode.QuickPickItem & { pick?: ModelPick };

async function pickModel(session: ModelPickSession): Promise<ModelPick | undefined> {
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = session.title;
  quickPick.placeholder = session.placeholder;
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  let open = true;
  const render = () => (quickPick.items = session.items(quickPick.value).map(toItem));
  render();
  quickPick.onDidChangeValue(render);
  quickPick.show();
  void session.listing.then((placeholder) => {
    if (!open) return;
    quickPick.placeholder = placeholder;
    quickPick.busy = false;
    render();
  });
  const chosen = await new Promise<ModelPick | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.pick));
    quickPick.onDidHide(() => resolve(undefined));
  });
  open = false;
  quickPick.dispose();
  return chosen;
}

function toItem(pick: ModelPick): Item {
  if (pick.separator) return { label: pick.label, kind: vscode.QuickPickItemKind.Separator };
  return {
    label: pick.label,
    ...(pick.description ? { description: pick.description } : {}),
    ...(pick.detail ? { detail: pick.detail } : {}),
    ...(pick.picked ? { picked: true } : {}),
    ...(pick.alwaysShow ? { alwaysShow: true } : {}),
    pick,
  };
}
