/**
 * The model edge in real VS Code (code-server + Playwright). Over http, on the local backend server
 * with cognito-local, the Bedrock and AWS fakes, approver groups, a small context and a daily
 * budget: the usage line with cached tokens and the model, the card of a call this user may not
 * approve (live and after a reload), the "Earlier conversation summarized" marker, the spent
 * budget's banner; dark and light. In local mode: the setup step of a stopped Ollama and of a
 * missing model key. Steps share one workbench per suite and run in order.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { textTurn, toolTurn } from '../fakes/bedrock';
import type { TestUser } from '../support/cognito';
import { freePort } from '../support/process';
import { BackendStack, eventually } from '../support/stack';
import { httpBackendSettings, signIn } from './support/sign-in';
import { screenshotOnFailure, Workbench } from './support/workbench';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

/**
 * Changes user settings as a user would, in the settings JSON editor (code-server does not watch
 * the file for changes made behind its back).
 */
async function changeSettings(workbench: Workbench, changes: Record<string, unknown>): Promise<void> {
  const file = join(workbench.dir, 'user-data', 'User', 'settings.json');
  const next = JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...changes }, null, 2);
  await workbench.command('Preferences: Open User Settings (JSON)');
  // The file opens in the editor (a modal one in newer VS Code): its text takes the keyboard on a click.
  const editor = workbench.page.locator('.monaco-editor .view-lines', { hasText: 'workbench.startupEditor' });
  await editor.first().waitFor({ timeout: 20_000 });
  await editor.first().click();
  // Pasted, not typed: typing would auto-close brackets and indent each line further.
  await workbench.page.evaluate((text) => navigator.clipboard.writeText(text), next);
  await workbench.page.keyboard.press('Control+A');
  await workbench.page.keyboard.press('Control+V');
  await workbench.page.keyboard.press('Control+S');
  // Saved (VS Code may rewrite other values, such as a theme's name).
  await eventually(() => {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    for (const [key, value] of Object.entries(changes)) assert.deepEqual(saved[key], value, key);
  }, 10_000);
  // Escape closes the modal editor; the focus goes back to the workbench.
  await workbench.page.keyboard.press('Escape');
  await editor.first().waitFor({ state: 'hidden', timeout: 10_000 });
}

/** A screenshot without a hover tooltip from wherever the mouse last was. */
async function shot(workbench: Workbench, name: string) {
  await workbench.page.mouse.move(900, 700);
  await workbench.page.waitForTimeout(300);
  await workbench.screenshot(name);
}

async function ask(workbench: Workbench, chat: Frame, text: string) {
  await chat.locator('vscode-textarea').click();
  await workbench.page.keyboard.type(text);
  await workbench.page.keyboard.press('Enter');
}

async function idle(chat: Frame) {
  await chat
    .locator('.composer.busy')
    .waitFor({ state: 'detached', timeout: 30_000 })
    .catch(() => {});
  await chat.locator('.composer:not(.busy)').waitFor({ timeout: 30_000 });
}

describe('the model edge in real VS Code', function () {
  this.timeout(180_000);
  const codeServer = process.env.CODE_SERVER_BIN;

  describe('over http, with approver groups, a small context and a daily budget', () => {
    const stack = new BackendStack({
      auth: 'cognito',
      env: {
        APPROVER_GROUPS: 'approvers',
        // The system prompt and tools take about 5,300 tokens: one long answer overflows the rest.
        CONTEXT_TOKENS: '10000',
        USER_DAILY_TOKENS: '60000',
        MODEL_ID: SONNET,
      },
    });
    const { bedrock, aws } = stack;
    let workbench: Workbench;
    let chat: Frame;
    let bob: TestUser;

    before(async () => {
      assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
      await stack.start();
      await stack.cognito.createGroup('approvers');
      bob = await stack.cognito.createUser('bob@example.com');
      workbench = await new Workbench({
        codeServer,
        settings: {
          'workbench.colorTheme': 'Default Dark Modern',
          ...httpBackendSettings(stack),
        },
      }).start();
    });
    after(async () => {
      await workbench?.stop();
      await stack.stop();
    });
    screenshotOnFailure(() => workbench, 'edge-failed');

    const lastAnswer = () => chat.locator('.message.assistant').last();

    it('signs in as a user outside the approver group', async () => {
      chat = await workbench.openChatView();
      await signIn(workbench, bob);
    });

    it('shows the tokens read from the cache, the price and the model under the answer', async () => {
      // Converse counts cached input apart: 234 uncached + 1,000 read from the cache.
      bedrock.enqueue(textTurn(['Both stacks are ', 'healthy.'], { usage: [234, 567, 1000] }));
      await ask(workbench, chat, 'How are my stacks?');
      const line = lastAnswer().locator('.usage-line');
      await line.waitFor({ timeout: 60_000 });
      // Claude Sonnet 4.5: (234 × $3 + 1,000 × $0.30 + 567 × $15) / 1M = $0.0095
      assert.equal(
        await line.innerText(),
        '1,234 in (1,000 cached) · 567 out · ~$0.0095 · Claude Sonnet 4.5',
      );
      assert.match(
        (await line.getAttribute('title')) ?? '',
        /Answered by Claude Sonnet 4\.5 \(us\.anthropic\./,
      );
      assert.equal(await chat.locator('.header .session-usage').innerText(), '1.8k tokens · ~$0.0095');
      await idle(chat);
      await shot(workbench, 'edge-usage-cached-dark');
    });

    it('offers Deny and Copy Call, not Approve, on a change this user may not approve', async () => {
      aws.stacks.set('old-web', { name: 'old-web', status: 'CREATE_COMPLETE' });
      bedrock.enqueue(
        toolTurn([{ id: 'tu-del', name: 'cloudformation_delete_stack', input: { stackName: 'old-web' } }]),
      );
      await ask(workbench, chat, 'Delete the old-web stack');
      const card = chat.locator('.approval-card:not(.decided)');
      await card.waitFor({ timeout: 60_000 });
      await idle(chat);
      assert.equal(await card.locator('.approval-badge').innerText(), 'needs an approver');
      assert.equal(
        await card.locator('.approver-needed-title').innerText(),
        'Needs an approver (group approvers)',
      );
      assert.match(await card.locator('.approver-needed-hint').innerText(), /Ask a member of approvers/);
      assert.equal(await card.locator('vscode-button', { hasText: 'Approve' }).count(), 0);
      assert.equal(await card.locator('vscode-textfield').count(), 0, 'no confirmation to type');
      await card.locator('vscode-button', { hasText: 'Copy Call' }).click();
      await eventually(async () => {
        const copied = await workbench.page.evaluate(() => navigator.clipboard.readText());
        assert.deepEqual(JSON.parse(copied).tool, 'cloudformation_delete_stack');
        assert.deepEqual(JSON.parse(copied).input, { stackName: 'old-web' });
      }, 10_000);
      await card.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await shot(workbench, 'edge-non-approver-card-dark');
    });

    it('still offers only Deny and Copy Call after a reload (whoami says who may approve)', async () => {
      await workbench.page.reload();
      await workbench.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      chat = await workbench.openChatView();
      const card = chat.locator('.approval-card:not(.decided)');
      await card.waitFor({ timeout: 60_000 });
      await card
        .locator('.approver-needed-title', { hasText: 'Needs an approver (group approvers)' })
        .waitFor({
          timeout: 30_000,
        });
      assert.equal(await card.locator('vscode-button', { hasText: 'Approve' }).count(), 0);
      await card.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await shot(workbench, 'edge-non-approver-card-resumed');
    });

    it('denies the call; nothing is deleted', async () => {
      // The answer after the denial is long: the next turn no longer fits the context.
      const long = Array.from(
        { length: 280 },
        (_, i) => `Line ${i}: old-web stays; its bucket and queue keep running as before. `,
      );
      bedrock.enqueue(textTurn(['Understood: old-web stays.\n\n', ...long], { usage: [300, 7000] }));
      await chat.locator('.approval-card:not(.decided) vscode-button', { hasText: 'Deny' }).click();
      await eventually(async () => assert.match(await lastAnswer().innerText(), /old-web stays\./), 60_000);
      await idle(chat);
      assert.deepEqual(aws.calledWith('DeleteStack'), []);
    });

    it('marks where the earlier conversation was summarized, and opens to the summary', async () => {
      bedrock.enqueue(
        // The summary call comes first, then the answer (whose output spends the day's budget).
        textTurn(['Bob checked his stacks (healthy) and asked to delete old-web; that was denied.']),
        textTurn(['Look at the queue next.'], { usage: [400, 60000] }),
      );
      await ask(workbench, chat, 'What should I look at next?');
      await eventually(async () => assert.match(await lastAnswer().innerText(), /queue next/), 60_000);
      await idle(chat);
      const marker = chat.locator('details.summary-marker');
      await marker.waitFor({ timeout: 30_000 });
      assert.equal(await marker.locator('summary').innerText(), 'Earlier conversation summarized');
      assert.equal(await marker.getAttribute('open'), null, 'collapsed');
      assert.equal(await chat.locator('details.summary-marker').count(), 1);
      // It stands before the first question the model still reads whole: the one just asked.
      assert.match(
        await marker.evaluate((el) => el.nextElementSibling?.textContent ?? ''),
        /What should I look at next\?/,
      );
      await marker.locator('summary').click();
      await marker
        .locator('.summary-text', { hasText: 'asked to delete old-web' })
        .waitFor({ timeout: 30_000 });
      await marker.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(workbench, 'edge-summary-marker-dark');
    });

    it('shows a spent daily budget as a banner with its renewal time, and no Retry', async () => {
      await ask(workbench, chat, 'And the alarms?');
      const banner = chat.locator('.error-banner.quota');
      await banner.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(
        await banner.locator('.error-headline').innerText(),
        /^Your daily token budget is spent\. It renews (today|tomorrow) at \d{1,2}:\d\d( [AP]M)? \(your time\); you can ask again then\.$/,
      );
      assert.match(await banner.locator('.error-detail').innerText(), /Your budget renews at 00:00 UTC/);
      assert.equal(await banner.locator('vscode-button', { hasText: 'Retry' }).count(), 0);
      assert.notEqual(
        await chat.locator('details.summary-marker').getAttribute('open'),
        null,
        'what the user opened stays open',
      );
      await shot(workbench, 'edge-quota-banner-dark');
    });

    it('looks right in a light theme too', async () => {
      await changeSettings(workbench, { 'workbench.colorTheme': 'Light Modern' });
      await eventually(
        async () =>
          assert.match(
            (await workbench.page.locator('.monaco-workbench').getAttribute('class')) ?? '',
            / vs /,
          ),
        30_000,
      );
      await workbench.page.waitForTimeout(1000);
      await shot(workbench, 'edge-quota-banner-light');
      await chat.locator('details.summary-marker').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(workbench, 'edge-summary-marker-light');
      await chat.locator('.approval-card').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(workbench, 'edge-denied-card-light');
      await chat
        .locator('.message.assistant .usage-line')
        .first()
        .evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await shot(workbench, 'edge-usage-cached-light');
    });
  });

  describe('local mode: the setup step of each provider', () => {
    let workbench: Workbench;
    let chat: Frame;
    let port = 0;
    let ollama: Server | undefined;

    before(async () => {
      assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
      port = await freePort();
      workbench = await new Workbench({
        codeServer,
        settings: {
          'workbench.colorTheme': 'Default Dark Modern',
          'cloudEngineer.model.provider': 'openai',
          'cloudEngineer.model.baseUrl': `http://127.0.0.1:${port}/v1`,
          'cloudEngineer.model.id': 'llama3.1:8b',
        },
        env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
      }).start();
    });
    after(async () => {
      await workbench?.stop();
      await new Promise((resolve) => (ollama ? ollama.close(resolve) : resolve(undefined)));
    });
    screenshotOnFailure(() => workbench, 'edge-local-failed');

    it('says Ollama is not running, with Check Again, before any question', async () => {
      chat = await workbench.openChatView();
      const step = chat.locator('.setup-step');
      await step.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await step.innerText(), /is not running: start it with ollama serve/);
      assert.equal(await step.locator('code').innerText(), 'ollama serve');
      assert.deepEqual(await step.locator('vscode-button').allInnerTexts(), [
        'Check Again',
        'Configure Backend',
      ]);
      await shot(workbench, 'edge-setup-ollama-down');
    });

    it('clears the step on Check Again once the server answers', async () => {
      ollama = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'llama3.1:8b', object: 'model' }] }));
      });
      await new Promise<void>((resolve) => ollama!.listen(port, '127.0.0.1', resolve));
      await chat.locator('.setup-step vscode-button', { hasText: 'Check Again' }).click();
      await chat.locator('.setup-step').waitFor({ state: 'hidden', timeout: 30_000 });
    });

    it('asks for the API key of a provider that needs one; Set Model API Key… stores it and the step goes', async () => {
      await changeSettings(workbench, {
        'cloudEngineer.model.provider': 'anthropic',
        'cloudEngineer.model.baseUrl': '',
        'cloudEngineer.model.id': '',
      });
      const step = chat.locator('.setup-step');
      await step.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await step.innerText(), /No Anthropic API key/);
      assert.deepEqual(await step.locator('vscode-button').allInnerTexts(), [
        'Set Model API Key…',
        'Configure Backend',
      ]);
      await shot(workbench, 'edge-setup-model-key');
      await step.locator('vscode-button', { hasText: 'Set Model API Key…' }).click();
      const input = workbench.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await input.getAttribute('type'), 'password', 'the key is typed unseen');
      await input.fill('sk-ant-api03-e2e-not-a-real-key');
      await workbench.page.keyboard.press('Enter');
      // Stored in the editor's secret storage: the check finds the key, and the step goes.
      await step.waitFor({ state: 'hidden', timeout: 30_000 });
    });
  });
});
