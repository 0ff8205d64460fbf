/**
 * The places a daily user lost trust, walked through in real VS Code (code-server, Dark Modern):
 * switching from local mode to an http backend with the chat open, a mistyped password, the
 * "now uses" toast, the sign-in in the log, the Sessions tree's counts, keys and "Load more…"
 * with 120 sessions. Screenshots at full and narrow width land in test-results/e2e.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { textTurn } from '../fakes/bedrock';
import type { TestUser } from '../support/cognito';
import { BackendStack, eventually } from '../support/stack';
import { screenshotOnFailure, Workbench } from './support/workbench';

const FULL = { width: 1400, height: 900 };
const NARROW = { width: 760, height: 900 };

describe('rough edges in real VS Code', function () {
  this.timeout(180_000);
  const stack = new BackendStack({ auth: 'cognito' });
  let workbench: Workbench;
  let user: TestUser;
  let chat: Frame;

  before(async () => {
    const codeServer = process.env.CODE_SERVER_BIN;
    assert.ok(codeServer, 'CODE_SERVER_BIN is not set (see scripts/provision.mjs)');
    await stack.start();
    user = await stack.cognito.createUser('alice@example.com');
    const noAws = mkdtempSync(join(tmpdir(), 'no-aws-'));
    workbench = await new Workbench({
      codeServer,
      settings: {
        'workbench.colorTheme': 'Default Dark Modern',
        'cloudEngineer.backend.mode': 'local',
        'cloudEngineer.local.bedrockEndpoint': stack.bedrock.url,
        'cloudEngineer.aws.region': 'eu-west-1',
        'cloudEngineer.cognito.endpoint': stack.cognito.url,
      },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
        AWS_SECRET_ACCESS_KEY: 'local-test-secret',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_CONFIG_FILE: join(noAws, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(noAws, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        // The status bar's account lookup (STS) stays on loopback.
        AWS_ENDPOINT_URL_STS: stack.aws.url,
      },
    }).start();
  });
  after(async () => {
    await workbench?.stop();
    await stack.stop();
  });
  screenshotOnFailure(() => workbench, 'rough-failed');

  const page = () => workbench.page;
  const sessionRow = (title: string) => page().locator('.monaco-list-row', { hasText: title });
  const toast = (text: string) => page().locator('.notification-toast', { hasText: text }).last();
  async function ask(text: string) {
    await chat.locator('vscode-textarea').click();
    await page().keyboard.type(text);
    await page().keyboard.press('Enter');
  }
  async function idle() {
    await chat.locator('.composer:not(.busy)').waitFor({ timeout: 30_000 });
  }
  const messages = () => chat.locator('.messages').innerText();
  async function shots(name: string) {
    await workbench.screenshot(`rough-${name}`);
    await page().setViewportSize(NARROW);
    await page().waitForTimeout(500);
    await workbench.screenshot(`rough-${name}-narrow`);
    await page().setViewportSize(FULL);
    await page().waitForTimeout(300);
  }
  async function configureHttp() {
    await workbench.command('Cloud Engineer: Configure Backend…');
    await workbench.answer('HTTP backend', { pick: true });
    await workbench.answer(stack.url);
    await workbench.answer(stack.cognito.userPoolId);
    await workbench.answer(stack.cognito.clientId);
  }

  it('answers in local mode', async () => {
    chat = await workbench.openChatView();
    stack.bedrock.enqueue(textTurn(['Answered ', 'locally.']));
    await ask('Hello from local mode');
    await eventually(async () => assert.match(await messages(), /Answered locally\./), 60_000);
    await idle();
  });

  it('switches to http: the toast offers Sign In, and a wrong password asks for the password again', async () => {
    await configureHttp();
    const offer = toast('now uses the http backend');
    await offer.waitFor({ timeout: 20_000 });
    await workbench.screenshot('rough-toast-sign-in');
    await offer.locator('.monaco-button', { hasText: 'Sign In' }).click();
    await workbench.answer(user.email);
    await workbench.answer('not-the-password');
    const box = page().locator('.quick-input-widget');
    await eventually(
      async () => assert.match(await box.innerText(), /Incorrect username or password\./),
      30_000,
    );
    assert.match(await box.innerText(), /Password for alice@example\.com/, 'the username is kept');
    await workbench.screenshot('rough-wrong-password');
    await workbench.answer(user.password);
    await eventually(
      async () =>
        assert.match(await page().locator('.statusbar').innerText(), /alice@example\.com · 127\.0\.0\.1/),
      30_000,
    );
  });

  it('says the open local conversation is not on this backend, and Retry asks in a new chat', async () => {
    chat = await workbench.chat();
    await ask('Still there?');
    const banner = chat.locator('.error-banner');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await banner.innerText(), /not on this backend.*new chat/s);
    assert.doesNotMatch(await messages(), /Answered locally/, 'a new chat');
    await shots('not-found-new-chat');
    stack.bedrock.enqueue(textTurn(['Yes, ', 'from the http backend.']));
    await banner.locator('vscode-button', { hasText: 'Retry' }).click();
    await eventually(async () => assert.match(await messages(), /from the http backend/), 30_000);
    await idle();
    assert.equal((await messages()).match(/Still there\?/g)?.length, 1, 'the question shows once');
    assert.equal(await banner.isVisible(), false);
    await sessionRow('Still there?').first().waitFor({ timeout: 20_000 });
    await shots('retried-in-new-chat');
  });

  it('logs the sign-in without the e-mail address', async () => {
    await workbench.command('Cloud Engineer: Show Logs');
    const output = page().locator('.part.panel .monaco-editor .view-lines').first();
    // The editor draws spaces as no-break spaces.
    const text = async () => (await output.innerText()).replace(/\u00a0/g, ' ');
    await eventually(async () => assert.match(await text(), /signed in to Cognito/), 20_000);
    assert.doesNotMatch(await text(), /alice@example\.com/);
    await workbench.screenshot('rough-log-sign-in');
    await workbench.command('View: Hide Panel');
  });

  it('does not offer Sign In to a user already signed in', async () => {
    await configureHttp();
    const done = toast('now uses the http backend');
    await done.waitFor({ timeout: 20_000 });
    assert.equal(await done.locator('.monaco-button', { hasText: 'Sign In' }).count(), 0);
    await workbench.screenshot('rough-toast-signed-in');
  });

  it('counts exchanges, renames with F2 and deletes with Delete after asking', async () => {
    const row = sessionRow('Still there?').first();
    await eventually(async () => assert.match(await row.innerText(), /1 exchange\b/), 20_000);
    assert.doesNotMatch(await row.innerText(), /turns?/);
    await row.click();
    await page().keyboard.press('F2');
    const input = page().locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.inputValue(), 'Still there?');
    await input.fill('Backend check');
    await page().keyboard.press('Enter');
    await sessionRow('Backend check').first().waitFor({ timeout: 20_000 });
    await sessionRow('Backend check').first().click();
    await page().keyboard.press('Delete');
    const dialog = page().locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Delete "Backend check" \(1 exchange\)\?/);
    await workbench.screenshot('rough-delete-asks');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await sessionRow('Backend check').first().waitFor();
  });

  it('focuses the chat input with Ctrl+Alt+J, and Escape stops an answer', async () => {
    await sessionRow('Backend check').first().click();
    await page().keyboard.press('Control+Alt+J');
    await eventually(
      async () =>
        assert.equal(
          await chat.evaluate(() => document.hasFocus() && !!document.activeElement?.closest('.composer')),
          true,
        ),
      10_000,
    );
    stack.bedrock.enqueue(
      textTurn(
        Array.from({ length: 30 }, (_, i) => `part-${i} `),
        { gapMs: 400 },
      ),
    );
    await page().keyboard.type('Tell me a long story');
    await page().keyboard.press('Enter');
    await eventually(async () => assert.match(await messages(), /part-1 /), 30_000);
    await page().keyboard.press('Escape');
    await idle();
    assert.doesNotMatch(await messages(), /part-29/, 'the answer stopped');
    await workbench.screenshot('rough-stopped');
  });

  it('binds Ctrl+Alt+J to nothing else (VS Code defaults and this extension)', async () => {
    await workbench.command('Preferences: Open Default Keyboard Shortcuts (JSON)');
    const editor = page().locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ timeout: 20_000 });
    await editor.locator('.view-lines').click();
    await page().keyboard.press('Control+F');
    await page().keyboard.type('"ctrl+alt+j"');
    const count = page().locator('.find-widget .matchesCount').first();
    await eventually(async () => assert.equal(await count.innerText(), '1 of 1'), 20_000);
    await workbench.screenshot('rough-keybinding-unique');
    await page().keyboard.press('Escape');
    await workbench.command('View: Close All Editors');
  });

  it('reaches "Load more…" in a tree of 120 sessions', async () => {
    const { AccessToken } = await stack.cognito.signIn(user);
    for (let i = 0; i < 120; i++) {
      const { status } = await stack.chat({ message: `Seeded question ${i}` }, AccessToken);
      assert.equal(status, 200);
    }
    await workbench.command('Cloud Engineer: Refresh Sessions');
    const today = page().locator('.monaco-list-row', { hasText: 'Today' }).first();
    await eventually(async () => assert.match(await today.innerText(), /Today\D*50$/), 20_000);
    // Keyboard only: into the tree, to its end, open the last row.
    await sessionRow('Seeded question 119').first().click();
    await page().keyboard.press('End');
    const more = sessionRow('Load more…').first();
    await more.waitFor({ timeout: 10_000 });
    await shots('load-more');
    await page().keyboard.press('Enter');
    await eventually(async () => assert.match(await today.innerText(), /Today\D*100$/), 20_000);
    await page().keyboard.press('End');
    await more.waitFor({ timeout: 10_000 });
    await page().keyboard.press('Enter');
    await eventually(async () => assert.match(await today.innerText(), /Today\D*121$/), 20_000);
    await page().keyboard.press('End');
    assert.equal(await sessionRow('Load more…').count(), 0, 'everything is loaded');
    await workbench.screenshot('rough-all-loaded');
  });
});

describe('local mode without AWS credentials, in real VS Code', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  before(async () => {
    const codeServer = process.env.CODE_SERVER_BIN;
    assert.ok(codeServer, 'CODE_SERVER_BIN is not set (see scripts/provision.mjs)');
    const noAws = mkdtempSync(join(tmpdir(), 'no-aws-'));
    workbench = await new Workbench({
      codeServer,
      settings: { 'workbench.colorTheme': 'Default Dark Modern' },
      env: {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_CONFIG_FILE: join(noAws, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(noAws, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    }).start();
  });
  after(() => workbench?.stop());

  it('shows the setup step as soon as the chat opens, before any question', async () => {
    const chat = await workbench.openChatView();
    const step = chat.locator('.setup-step');
    await step.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await step.innerText(), /No AWS credentials found for the default credential chain/);
    assert.equal(await chat.locator('.message').count(), 0, 'nothing was asked');
    await workbench.screenshot('rough-local-setup-step');
    await workbench.page.setViewportSize(NARROW);
    await workbench.page.waitForTimeout(500);
    await workbench.screenshot('rough-local-setup-step-narrow');
  });
});
