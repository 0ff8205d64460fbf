/**
 * Set Model API Key… (a key per provider, kept in SecretStorage) and Select Model… (the provider's
 * models, listed where it can, else a built-in list; a typed id always works), and the model's
 * status bar item. Nothing here loads an SDK until a listing asks for one.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../common/ids';
import { log } from '../common/log';
import { readSettings, SECTION, SETTINGS } from '../common/settings';
import type { ConnectionManager } from '../connection/manager';
import {
  displayText,
  keyProblem,
  MODEL_PROVIDERS,
  needsKey,
  PROVIDER_INFO,
  secretName,
  usableModelId,
  type ModelProvider,
} from './catalog';
import { listModels, type ModelList } from './list-models';
import { registerModelStatus } from './status-item';

export function registerModel(context: vscode.ExtensionContext, connections: ConnectionManager): void {
  registerModelStatus(context);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.setModelApiKey, (provider?: unknown) =>
      setApiKey(context, connections, typeof provider === 'string' ? provider : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.selectModel, () => selectModel(context)),
  );
}

async function setApiKey(
  context: vscode.ExtensionContext,
  connections: ConnectionManager,
  requested?: string,
): Promise<void> {
  const settings = readSettings();
  let provider = (MODEL_PROVIDERS as readonly string[]).includes(requested ?? '')
    ? (requested as ModelProvider)
    : settings.modelProvider;
  if (provider === 'bedrock') {
    // Bedrock signs with AWS credentials: offer the providers that take a key.
    const pick = await vscode.window.showQuickPick(
      MODEL_PROVIDERS.filter((p) => p !== 'bedrock').map((p) => ({
        label: p,
        description: PROVIDER_INFO[p].name,
      })),
      {
        title: 'Set Model API Key',
        placeHolder: 'Amazon Bedrock uses your AWS credentials. Set a key for which provider?',
      },
    );
    if (!pick) return;
    provider = pick.label as ModelProvider;
  }
  const info = PROVIDER_INFO[provider];
  const stored = Boolean(await context.secrets.get(secretName(provider)));
  const typed = await vscode.window.showInputBox({
    title: `Set Model API Key: ${info.name}`,
    prompt: `${info.keyHint} Kept in the editor's secret storage, never in settings.${
      stored ? ' A key is stored: leave empty and press Enter to remove it.' : ''
    }`,
    password: true,
    ignoreFocusOut: true,
    placeHolder: stored ? '(stored: empty removes it)' : 'paste the key',
    validateInput: (value) => keyProblem(value.trim()),
  });
  if (typed === undefined) return;
  const key = typed.trim();
  if (keyProblem(key)) return; // the input box showed why
  if (key) await context.secrets.store(secretName(provider), key);
  else await context.secrets.delete(secretName(provider));
  log().info(`model API key for ${provider} ${key ? 'stored' : 'removed'}`);
  // The running agent read the old key: start over so the next question uses this one.
  connections.restart();
  void vscode.window.showInformationMessage(
    key
      ? `Cloud Engineer: the ${info.name} API key is stored.`
      : `Cloud Engineer: the ${info.name} API key is removed.`,
  );
}

interface ModelPick extends vscode.QuickPickItem {
  modelId?: string;
  switchProvider?: boolean;
}

async function selectModel(context: vscode.ExtensionContext): Promise<void> {
  const settings = readSettings();
  const provider = settings.modelProvider;
  const info = PROVIDER_INFO[provider];
  const quickPick = vscode.window.createQuickPick<ModelPick>();
  quickPick.title = `Select Model: ${info.name}${settings.modelBaseUrl ? ` at ${displayText(settings.modelBaseUrl, 80)}` : ''}`;
  quickPick.placeholder = 'Listing the models… (or type a model id)';
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  const abort = new AbortController();
  let listed: ModelPick[] = [];
  const switcher: ModelPick = {
    label: '$(arrow-swap) Switch provider…',
    description: `now ${provider}`,
    switchProvider: true,
  };
  const render = () => {
    const value = quickPick.value.trim();
    const typedId = usableModelId(value);
    const exact = listed.some((p) => p.modelId === typedId);
    quickPick.items = [
      ...(typedId && !exact
        ? [
            {
              label: `Use “${displayText(typedId, 100)}”`,
              description: 'typed model id',
              modelId: typedId,
              alwaysShow: true,
            },
          ]
        : []),
      ...listed,
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      switcher,
    ];
  };
  render();
  quickPick.onDidChangeValue(render);
  quickPick.show();

  const key = needsKey(provider, settings.modelBaseUrl)
    ? await context.secrets.get(secretName(provider))
    : undefined;
  void listModels({ provider, baseUrl: settings.modelBaseUrl, apiKey: key, signal: abort.signal })
    .then((list) => {
      listed = toPicks(list, settings.modelId);
      quickPick.placeholder = placeholderFor(list);
      if (list.problem) log().info(`select model: ${list.problem}`);
      render();
    })
    .catch(() => undefined)
    .finally(() => (quickPick.busy = false));

  const chosen = await new Promise<ModelPick | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
  });
  abort.abort();
  quickPick.dispose();
  if (!chosen) return;
  const config = vscode.workspace.getConfiguration(SECTION);
  if (chosen.switchProvider) {
    if (await switchProvider(provider, settings.modelBaseUrl)) await selectModel(context);
    return;
  }
  if (chosen.modelId)
    await config.update(SETTINGS.modelId, chosen.modelId, vscode.ConfigurationTarget.Global);
}

function toPicks(list: ModelList, current: string): ModelPick[] {
  return list.models.map((m) => ({
    label: displayText(m.id, 100),
    ...(m.name ? { description: m.name } : {}),
    ...(m.id === current ? { picked: true, detail: '$(check) current' } : {}),
    modelId: m.id,
  }));
}

function placeholderFor(list: ModelList): string {
  const notes = [
    list.source === 'builtIn' ? (list.problem ? `${list.problem} Built-in list:` : 'Built-in list:') : '',
    list.truncated ? `(the first ${list.models.length})` : '',
    list.skipped ? `(${list.skipped} unusable ids left out)` : '',
  ].filter(Boolean);
  return `${notes.join(' ')} pick a model or type its id`.trim();
}

/** Writes another provider (and, for OpenAI-compatible, its base URL); the model id starts over. */
async function switchProvider(current: ModelProvider, currentBaseUrl: string): Promise<boolean> {
  const pick = await vscode.window.showQuickPick(
    MODEL_PROVIDERS.map((p) => ({
      label: p,
      description: `${PROVIDER_INFO[p].name}${p === current ? ' (current)' : ''}`,
    })),
    { title: 'Select Model: provider' },
  );
  if (!pick) return false;
  const provider = pick.label as ModelProvider;
  let baseUrl = '';
  if (provider === 'openai') {
    const typed = await vscode.window.showInputBox({
      title: 'OpenAI-compatible server',
      prompt: 'Base URL of the server (empty: api.openai.com). Ollama: http://localhost:11434/v1',
      value: current === 'openai' ? currentBaseUrl : '',
      placeHolder: 'http://localhost:11434/v1',
      ignoreFocusOut: true,
      validateInput: (value) =>
        !value.trim() ||
        /^https:\/\/|^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/.*)?$/.test(value.trim())
          ? undefined
          : 'Use https:// (plain http only for 127.0.0.1, localhost or [::1]).',
    });
    if (typed === undefined) return false;
    baseUrl = typed.trim();
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const global = vscode.ConfigurationTarget.Global;
  await config.update(SETTINGS.modelProvider, provider, global);
  await config.update(SETTINGS.modelBaseUrl, baseUrl || undefined, global);
  await config.update(SETTINGS.modelId, undefined, global);
  return true;
}
