/**
 * Set Model API Key… (a key per provider, kept in the editor's secret storage, never in settings)
 * and Select Model… (the provider's models, listed where it can, else a built-in list; a typed id
 * always works; another provider from the same pick). The editor is injected (`ModelUi`), so the
 * flows are unit-tested; register.ts binds them to VS Code.
 */
import {
  baseUrlProblem,
  displayText,
  effectiveModelId,
  isModelProvider,
  keyProblem,
  MODEL_PROVIDERS,
  needsKey,
  PROVIDER_INFO,
  secretName,
  usableModelId,
  type ModelProvider,
} from './catalog';
import { listModels, type ModelList } from './list-models';

export interface ModelSettings {
  modelProvider: ModelProvider;
  modelId: string;
  modelBaseUrl: string;
}

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  store(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
}

export interface ModelPick extends PickItem {
  /** A separator line. */
  separator?: true;
  picked?: boolean;
  alwaysShow?: boolean;
  modelId?: string;
  switchProvider?: true;
}

/** The model quick pick, live: its items follow what is typed and the listing when it arrives. */
export interface ModelPickSession {
  title: string;
  placeholder: string;
  /** The items for what is typed now, with what has been listed so far. */
  items(value: string): ModelPick[];
  /** Settles when the listing is in, with the placeholder to show then. */
  listing: Promise<string>;
}

export interface ModelUi {
  settings(): ModelSettings;
  secrets: SecretStore;
  /** Writes a user setting; undefined removes it. */
  update(setting: keyof ModelSettings, value: string | undefined): Promise<void>;
  /** The running agent read the old key: the next question starts a new one. */
  restartConnection(): void;
  pick<T extends PickItem>(
    items: T[],
    options: { title: string; placeHolder?: string },
  ): Promise<T | undefined>;
  input(options: {
    title: string;
    prompt: string;
    password?: boolean;
    value?: string;
    placeHolder?: string;
    validate(value: string): string | undefined;
  }): Promise<string | undefined>;
  pickModel(session: ModelPickSession): Promise<ModelPick | undefined>;
  info(message: string): void;
  log(message: string): void;
}

/** Set Model API Key…: `requested` is the provider a setup step asks for; else the configured one. */
export async function setApiKey(ui: ModelUi, requested?: unknown): Promise<void> {
  let provider = isModelProvider(requested) ? requested : ui.settings().modelProvider;
  if (provider === 'bedrock') {
    // Bedrock signs with AWS credentials: offer the providers that take a key.
    const pick = await ui.pick(
      MODEL_PROVIDERS.filter((p) => p !== 'bedrock').map((p) => ({
        label: p,
        description: PROVIDER_INFO[p].name,
        provider: p,
      })),
      {
        title: 'Set Model API Key',
        placeHolder: 'Amazon Bedrock uses your AWS credentials. Set a key for which provider?',
      },
    );
    if (!pick) return;
    provider = pick.provider;
  }
  const info = PROVIDER_INFO[provider];
  const stored = Boolean(await ui.secrets.get(secretName(provider)));
  const typed = await ui.input({
    title: `Set Model API Key: ${info.name}`,
    prompt: `${info.keyHint} Kept in the editor's secret storage, never in settings.${
      stored ? ' A key is stored: leave empty and press Enter to remove it.' : ''
    }`,
    password: true,
    placeHolder: stored ? '(stored: empty removes it)' : 'paste the key',
    validate: (value) => keyProblem(value.trim()),
  });
  if (typed === undefined) return;
  const key = typed.trim();
  if (keyProblem(key)) return; // the input box said why, without repeating the key
  if (key) await ui.secrets.store(secretName(provider), key);
  else await ui.secrets.delete(secretName(provider));
  ui.log(`model API key for ${provider} ${key ? 'stored' : 'removed'}`);
  ui.restartConnection();
  ui.info(
    key
      ? `Cloud Engineer: the ${info.name} API key is stored.`
      : `Cloud Engineer: the ${info.name} API key is removed.`,
  );
}

export type ListModels = typeof listModels;

/** Select Model…: writes `cloudEngineer.model.id`, or switches the provider and asks again. */
export async function selectModel(ui: ModelUi, list: ListModels = listModels): Promise<void> {
  const settings = ui.settings();
  const provider = settings.modelProvider;
  const info = PROVIDER_INFO[provider];
  const abort = new AbortController();
  let listed: ModelPick[] = [];
  const listing = (async () => {
    const apiKey = needsKey(provider, settings.modelBaseUrl)
      ? await ui.secrets.get(secretName(provider))
      : undefined;
    const models = await list({ provider, baseUrl: settings.modelBaseUrl, apiKey, signal: abort.signal });
    // The model in use is marked, the provider's default included.
    listed = toPicks(models, effectiveModelId(provider, settings.modelId, settings.modelBaseUrl) ?? '');
    if (models.problem) ui.log(`select model: ${models.problem}`);
    return placeholderFor(models);
  })().catch(() => 'pick a model or type its id');
  let chosen: ModelPick | undefined;
  try {
    chosen = await ui.pickModel({
      title: `Select Model: ${info.name}${settings.modelBaseUrl ? ` at ${displayText(settings.modelBaseUrl, 80)}` : ''}`,
      placeholder: 'Listing the models… (or type a model id)',
      items: (value) => modelPickItems(value, listed, provider),
      listing,
    });
  } finally {
    abort.abort();
  }
  if (!chosen) return;
  if (chosen.switchProvider) {
    if (await switchProvider(ui, provider, settings.modelBaseUrl)) await selectModel(ui, list);
    return;
  }
  if (chosen.modelId) await ui.update('modelId', chosen.modelId);
}

/** What the pick shows: a typed id first (unless listed), the listed models, then Switch provider…. */
export function modelPickItems(value: string, listed: ModelPick[], provider: ModelProvider): ModelPick[] {
  const typedId = usableModelId(value.trim());
  const exact = listed.some((p) => p.modelId === typedId);
  return [
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
    { label: '', separator: true },
    { label: '$(arrow-swap) Switch provider…', description: `now ${provider}`, switchProvider: true },
  ];
}

export function toPicks(list: ModelList, current: string): ModelPick[] {
  return list.models.map((m) => ({
    label: displayText(m.id, 100),
    ...(m.name ? { description: m.name } : {}),
    ...(m.id === current ? { picked: true, detail: '$(check) current' } : {}),
    modelId: m.id,
  }));
}

export function placeholderFor(list: ModelList): string {
  const notes = [
    list.source === 'builtIn' ? (list.problem ? `${list.problem} Built-in list:` : 'Built-in list:') : '',
    list.truncated ? `(the first ${list.models.length})` : '',
    list.skipped ? `(${list.skipped} unusable ids left out)` : '',
  ].filter(Boolean);
  return `${notes.join(' ')} pick a model or type its id`.trim();
}

/** Writes another provider (and, for OpenAI-compatible, its base URL); the model id starts over. */
export async function switchProvider(
  ui: ModelUi,
  current: ModelProvider,
  currentBaseUrl: string,
): Promise<boolean> {
  const pick = await ui.pick(
    MODEL_PROVIDERS.map((p) => ({
      label: p,
      description: `${PROVIDER_INFO[p].name}${p === current ? ' (current)' : ''}`,
      provider: p,
    })),
    { title: 'Select Model: provider' },
  );
  if (!pick) return false;
  const provider = pick.provider;
  let baseUrl = '';
  if (provider === 'openai') {
    const typed = await ui.input({
      title: 'OpenAI-compatible server',
      prompt: 'Base URL of the server (empty: api.openai.com). Ollama: http://localhost:11434/v1',
      value: current === 'openai' ? currentBaseUrl : '',
      placeHolder: 'http://localhost:11434/v1',
      validate: (value) => baseUrlProblem(value.trim()),
    });
    if (typed === undefined || baseUrlProblem(typed.trim())) return false;
    baseUrl = typed.trim();
  }
  await ui.update('modelProvider', provider);
  await ui.update('modelBaseUrl', baseUrl || undefined);
  await ui.update('modelId', undefined);
  return true;
}
