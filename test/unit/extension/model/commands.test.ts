import assert from 'node:assert/strict';
import {
  modelPickItems,
  selectModel,
  setApiKey,
  type ListModels,
  type ModelPick,
  type ModelSettings,
  type ModelUi,
  type PickItem,
} from '../../../../extension/model/commands';
import { listModels } from '../../../../extension/model/list-models';
import { modelStatus } from '../../../../extension/model/status-text';
import { OpenAIFake } from '../../../fakes/openai';
import { testSettings } from '../../../fixtures/settings';

const KEY = 'sk-ant-api03-commands-test-0123456789';

interface Script {
  settings?: Partial<ModelSettings>;
  secrets?: Record<string, string>;
  /** Answers to quick picks, in order: the label to choose, or undefined to cancel. */
  picks?: (string | undefined)[];
  /** Answers to input boxes, in order (undefined: Escape). */
  inputs?: (string | undefined)[];
  /** What to do in the model pick: type this, then choose the item whose label matches (or cancel). */
  modelPicks?: { type?: string; choose?: RegExp }[];
}

/** The editor as the commands see it: scripted answers, and a record of everything they did. */
function fakeUi(script: Script) {
  const settings: ModelSettings = {
    modelProvider: 'bedrock',
    modelId: '',
    modelBaseUrl: '',
    ...script.settings,
  };
  const secrets = new Map(Object.entries(script.secrets ?? {}));
  const record = {
    settings,
    secrets,
    updates: [] as [string, string | undefined][],
    restarts: 0,
    infos: [] as string[],
    logs: [] as string[],
    picked: [] as { title: string; labels: string[] }[],
    inputs: [] as { title: string; prompt: string; password?: boolean; problems: (string | undefined)[] }[],
    sessions: [] as { title: string; placeholder: string; items: ModelPick[] }[],
  };
  const picks = [...(script.picks ?? [])];
  const inputs = [...(script.inputs ?? [])];
  const modelPicks = [...(script.modelPicks ?? [])];
  const ui: ModelUi = {
    settings: () => ({ ...settings }),
    secrets: {
      get: async (name) => secrets.get(name),
      store: async (name, value) => void secrets.set(name, value),
      delete: async (name) => void secrets.delete(name),
    },
    async update(setting, value) {
      record.updates.push([setting, value]);
      (settings as unknown as Record<string, string>)[setting] = value ?? '';
    },
    restartConnection: () => void record.restarts++,
    async pick<T extends PickItem>(items: T[], options: { title: string }) {
      record.picked.push({ title: options.title, labels: items.map((i) => i.label) });
      const answer = picks.shift();
      return items.find((i) => i.label === answer);
    },
    async input(options) {
      const answer = inputs.shift();
      record.inputs.push({
        title: options.title,
        prompt: options.prompt,
        ...(options.password ? { password: true } : {}),
        problems: answer === undefined ? [] : [options.validate(answer)],
      });
      return answer;
    },
    async pickModel(session) {
      const step = modelPicks.shift() ?? {};
      const placeholder = await session.listing;
      const items = session.items(step.type ?? '');
      record.sessions.push({ title: session.title, placeholder, items });
      return step.choose ? items.find((i) => step.choose!.test(i.label)) : undefined;
    },
    info: (message) => void record.infos.push(message),
    log: (message) => void record.logs.push(message),
  };
  return { ui, record };
}

/** A listing that returns fixed models, and records what it was asked. */
function fixedList(ids: string[]) {
  const asked: Parameters<ListModels>[0][] = [];
  const list: ListModels = async (options) => {
    asked.push(options);
    return { models: ids.map((id) => ({ id })), source: 'provider', skipped: 0, truncated: false };
  };
  return { list, asked };
}

describe('Set Model API Key…', () => {
  it('stores the key in secret storage (never settings), restarts the connection and says so', async () => {
    const { ui, record } = fakeUi({ settings: { modelProvider: 'anthropic' }, inputs: [`  ${KEY}  `] });
    await setApiKey(ui);
    assert.equal(record.secrets.get('cloudEngineer.model.apiKey.anthropic'), KEY);
    assert.deepEqual(record.updates, [], 'no setting is written');
    assert.equal(record.restarts, 1);
    assert.deepEqual(record.infos, ['Cloud Engineer: the Anthropic API key is stored.']);
    assert.equal(record.inputs[0]!.password, true, 'typed into a password box');
    assert.ok(
      !JSON.stringify(record).replace(KEY, '').includes(KEY),
      'the key appears only in secret storage',
    );
    assert.ok(![...record.logs, ...record.infos].some((l) => l.includes(KEY)));
  });

  it('refuses a malformed key without repeating it, and stores nothing', async () => {
    for (const bad of [
      'sk-ant\r\nX-Injected: 1',
      'sk ant with spaces',
      'sk-\u0000nul',
      'sk-\u202ebidi',
      'x'.repeat(2000),
    ]) {
      const { ui, record } = fakeUi({ settings: { modelProvider: 'openai' }, inputs: [bad] });
      await setApiKey(ui);
      const problem = record.inputs[0]!.problems[0];
      assert.ok(problem, `the input box refuses ${JSON.stringify(bad.slice(0, 20))}`);
      assert.ok(!problem.includes(bad.slice(0, 8)), 'the problem does not echo the key');
      assert.equal(record.secrets.size, 0);
      assert.equal(record.restarts, 0);
      assert.deepEqual(record.infos, []);
      assert.ok(![...record.logs, ...record.infos].some((l) => l.includes(bad.slice(0, 8))));
    }
  });

  it('removes a stored key when the box is left empty', async () => {
    const { ui, record } = fakeUi({
      settings: { modelProvider: 'gemini' },
      secrets: { 'cloudEngineer.model.apiKey.gemini': 'AIza-old' },
      inputs: [''],
    });
    await setApiKey(ui);
    assert.match(record.inputs[0]!.prompt, /A key is stored: leave empty/);
    assert.equal(record.secrets.has('cloudEngineer.model.apiKey.gemini'), false);
    assert.equal(record.restarts, 1);
    assert.deepEqual(record.infos, ['Cloud Engineer: the Google Gemini API key is removed.']);
  });

  it('changes nothing when cancelled', async () => {
    const { ui, record } = fakeUi({
      settings: { modelProvider: 'anthropic' },
      secrets: { 'cloudEngineer.model.apiKey.anthropic': KEY },
      inputs: [undefined],
    });
    await setApiKey(ui);
    assert.equal(record.secrets.get('cloudEngineer.model.apiKey.anthropic'), KEY);
    assert.equal(record.restarts, 0);
  });

  it('asks which provider when Bedrock (no key) is configured, and takes the one a setup step names', async () => {
    const asked = fakeUi({ picks: ['openai'], inputs: ['sk-proj-1'] });
    await setApiKey(asked.ui);
    assert.deepEqual(asked.record.picked[0]!.labels, ['anthropic', 'openai', 'gemini']);
    assert.equal(asked.record.secrets.get('cloudEngineer.model.apiKey.openai'), 'sk-proj-1');

    const named = fakeUi({ inputs: ['AIza-1'] });
    await setApiKey(named.ui, 'gemini');
    assert.deepEqual(named.record.picked, []);
    assert.equal(named.record.secrets.get('cloudEngineer.model.apiKey.gemini'), 'AIza-1');

    // An argument that is not a provider is not a secret name.
    const odd = fakeUi({ settings: { modelProvider: 'anthropic' }, inputs: ['k-1'] });
    await setApiKey(odd.ui, '../../evil');
    assert.deepEqual([...odd.record.secrets.keys()], ['cloudEngineer.model.apiKey.anthropic']);
  });
});

describe('Select Model…', () => {
  it('lists the provider’s models with the stored key and writes the chosen id', async () => {
    const { list, asked } = fixedList(['claude-haiku-4-5', 'claude-sonnet-4-5']);
    const { ui, record } = fakeUi({
      settings: { modelProvider: 'anthropic', modelId: 'claude-sonnet-4-5' },
      secrets: { 'cloudEngineer.model.apiKey.anthropic': KEY },
      modelPicks: [{ choose: /^claude-haiku-4-5$/ }],
    });
    await selectModel(ui, list);
    assert.equal(asked[0]!.apiKey, KEY);
    assert.equal(asked[0]!.provider, 'anthropic');
    assert.ok(asked[0]!.signal?.aborted, 'the listing is cancelled once the pick closes');
    const session = record.sessions[0]!;
    assert.equal(session.title, 'Select Model: Anthropic');
    assert.equal(session.placeholder, 'pick a model or type its id');
    assert.deepEqual(
      session.items.map((i) => [i.label, i.detail]),
      [
        ['claude-haiku-4-5', undefined],
        ['claude-sonnet-4-5', '$(check) current'],
        ['', undefined],
        ['$(arrow-swap) Switch provider…', undefined],
      ],
    );
    assert.deepEqual(record.updates, [['modelId', 'claude-haiku-4-5']]);
  });

  it('shows the built-in list, and why, when the provider cannot be asked', async () => {
    const { ui, record } = fakeUi({ settings: { modelProvider: 'gemini' }, modelPicks: [{}] });
    await selectModel(ui); // the real listing: no key, so no request
    const session = record.sessions[0]!;
    assert.match(session.placeholder, /No Google Gemini API key yet.*Built-in list: pick a model/);
    assert.deepEqual(
      session.items.filter((i) => i.detail === '$(check) current').map((i) => i.modelId),
      ['gemini-2.5-flash'],
      'the provider’s default is the model in use',
    );
    assert.deepEqual(record.updates, [], 'cancelled: nothing written');
  });

  it('accepts a typed model id, and only a usable one', async () => {
    const { list } = fixedList(['llama3.1:8b']);
    const { ui, record } = fakeUi({
      settings: { modelProvider: 'openai', modelBaseUrl: 'http://localhost:11434/v1' },
      modelPicks: [{ type: ' qwen2.5-coder:14b ', choose: /^Use “qwen2\.5-coder:14b”$/ }],
    });
    await selectModel(ui, list);
    assert.deepEqual(record.updates, [['modelId', 'qwen2.5-coder:14b']]);

    assert.equal(
      modelPickItems('llama3.1:8b', [{ label: 'llama3.1:8b', modelId: 'llama3.1:8b' }], 'openai')[0]!.label,
      'llama3.1:8b',
      'a listed id is not offered twice',
    );
    for (const bad of ['evil\nid', 'a b', '\u202egpt', 'x'.repeat(300)])
      assert.ok(!modelPickItems(bad, [], 'openai').some((i) => i.modelId), JSON.stringify(bad.slice(0, 10)));
  });

  it('switches provider: writes it, clears the model id, and lists the new provider’s models', async () => {
    const { list, asked } = fixedList(['gpt-4.1']);
    const { ui, record } = fakeUi({
      settings: { modelProvider: 'bedrock', modelId: 'us.amazon.nova-pro-v1:0' },
      modelPicks: [{ choose: /Switch provider/ }, { choose: /^gpt-4\.1$/ }],
      picks: ['openai'],
      inputs: [''],
    });
    await selectModel(ui, list);
    assert.deepEqual(record.picked[0]!.labels, ['bedrock', 'anthropic', 'openai', 'gemini']);
    assert.deepEqual(record.updates, [
      ['modelProvider', 'openai'],
      ['modelBaseUrl', undefined],
      ['modelId', undefined],
      ['modelId', 'gpt-4.1'],
    ]);
    assert.deepEqual(
      asked.map((a) => a.provider),
      ['bedrock', 'openai'],
    );
    assert.equal(record.sessions[1]!.title, 'Select Model: OpenAI-compatible server');
  });

  it('takes an Ollama base URL when switching to OpenAI-compatible, and refuses one that would leak the key', async () => {
    const ollama = fakeUi({
      modelPicks: [{ choose: /Switch provider/ }, {}],
      picks: ['openai'],
      inputs: ['http://localhost:11434/v1'],
    });
    await selectModel(ollama.ui, fixedList([]).list);
    assert.deepEqual(ollama.record.updates.slice(0, 2), [
      ['modelProvider', 'openai'],
      ['modelBaseUrl', 'http://localhost:11434/v1'],
    ]);
    assert.match(ollama.record.sessions[1]!.title, /at http:\/\/localhost:11434\/v1$/);

    for (const url of ['http://llm.example.com/v1', 'https://user:pw@llm.example.com/v1', 'not a url']) {
      const refused = fakeUi({
        modelPicks: [{ choose: /Switch provider/ }],
        picks: ['openai'],
        inputs: [url],
      });
      await selectModel(refused.ui, fixedList([]).list);
      assert.ok(refused.record.inputs[0]!.problems[0], url);
      assert.deepEqual(refused.record.updates, [], url);
    }
  });

  it('lists the models an Ollama server has pulled (its OpenAI-compatible /v1/models)', async () => {
    const server = new OpenAIFake();
    await server.start();
    try {
      server.models = ['qwen2.5-coder:14b', 'llama3.1:8b'];
      const { ui, record } = fakeUi({
        settings: { modelProvider: 'openai', modelBaseUrl: `${server.url}/v1` },
        modelPicks: [{ choose: /^qwen2\.5-coder:14b$/ }],
      });
      await selectModel(ui, listModels);
      assert.deepEqual(
        record.sessions[0]!.items.flatMap((i) => (i.modelId ? [i.modelId] : [])),
        ['llama3.1:8b', 'qwen2.5-coder:14b'],
      );
      assert.deepEqual(record.updates, [['modelId', 'qwen2.5-coder:14b']]);
    } finally {
      await server.stop();
    }
  });
});

describe('the model’s status bar item', () => {
  it('shows "provider · model" in local mode and runs Select Model… on click', () => {
    assert.deepEqual(modelStatus(testSettings({ modelProvider: 'anthropic', modelId: 'claude-haiku-4-5' })), {
      text: '$(hubot) anthropic · Claude Haiku 4.5',
      tooltip: 'Cloud Engineer model: Anthropic, claude-haiku-4-5. Click to select another model.',
      command: 'cloudEngineer.selectModel',
    });
    assert.equal(modelStatus(testSettings())!.text, '$(hubot) bedrock · Claude Sonnet 4.5');
    assert.match(modelStatus(testSettings())!.tooltip, /us\.anthropic\.claude-sonnet-4-5/);
    assert.equal(
      modelStatus(testSettings({ modelProvider: 'openai', modelId: 'llama3.1:8b' }))!.text,
      '$(hubot) openai · llama3.1:8b',
    );
    assert.match(modelStatus(testSettings())!.tooltip, /\(default\)/);
    assert.equal(
      modelStatus(testSettings({ modelProvider: 'openai', modelBaseUrl: 'http://localhost:11434/v1' }))!.text,
      '$(hubot) openai · pick a model',
    );
  });

  it('is hidden for a deployed backend, and keeps a typed id inert', () => {
    assert.equal(modelStatus(testSettings({ mode: 'http' })), undefined);
    assert.equal(modelStatus(testSettings({ mode: 'agentcore' })), undefined);
    const odd = modelStatus(testSettings({ modelProvider: 'openai', modelId: '$(alert)\u202emodel' }))!;
    assert.equal(odd.text, '$(hubot) openai · $ (alert) model');
    assert.doesNotMatch(odd.tooltip, /\$\(alert\)|\u202e/);
  });
});
