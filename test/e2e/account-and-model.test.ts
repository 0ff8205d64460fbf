/**
 * The status bar in real VS Code: the connection's item opens the account menu (groups from the
 * backend's whoami, whether the person may approve), the Sessions tree shows the cost of a session
 * this window never saw (the backend's Session.usage), and in local mode the model's item opens
 * Select Model…. The local server runs with cognito-local groups and the Bedrock fake.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textTurn } from '../fakes/bedrock';
import { BackendStack, eventually } from '../support/stack';
import { httpBackendSettings, signIn } from './support/sign-in';
import { screenshotOnFailure, Workbench } from './support/workbench';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const USERS = 'cloud-engineer-users';
const APPROVERS = 'cloud-engineer-approvers';
/** A real Cognito group name may hold `$(…)`: the menu must show it as text, not an icon. */
const TRICKY = '$(verified)-admins';

const quickPickRows = (workbench: Workbench) =>
  workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

describe('status bar: account menu, session costs, model', function () {
  this.timeout(180_000);
  const codeServer = process.env.CODE_SERVER_BIN;

  describe('a deployed backend with groups', () => {
    const stack = new BackendStack({
      auth: 'cognito',
      env: { ALLOWED_GROUPS: `${USERS},${APPROVERS}`, APPROVER_GROUPS: APPROVERS, MODEL_ID: SONNET },
    });
    let workbench: Workbench;
    before(async () => {
      assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
      await stack.start();
      const user = await stack.cognito.createUser('bob@example.com');
      for (const group of [USERS, TRICKY]) {
        await stack.cognito.createGroup(group);
        await stack.cognito.addToGroup(user, group);
      }
      await stack.cognito.createGroup(APPROVERS);
      // A conversation from elsewhere (another window, a colleague's laptop): this window never saw it.
      stack.bedrock.enqueue(textTurn(['Found ', 'it.'], { usage: [250_000, 20_000] }));
      const token = (await stack.cognito.signIn(user)).AccessToken;
      const chat = await stack.chat({ message: 'Why is the queue backing up?' }, token);
      assert.equal(chat.status, 200);
      workbench = await new Workbench({
        codeServer,
        settings: httpBackendSettings(stack),
      }).start();
      await workbench.openChatView();
      await signIn(workbench, user);
    });
    after(async () => {
      await workbench?.stop();
      await stack.stop();
    });
    screenshotOnFailure(() => workbench);

    it('shows the cost of a session this window never saw, from the backend', async () => {
      const row = workbench.page.locator('.monaco-list-row', { hasText: 'Why is the queue backing up?' });
      await row.first().waitFor({ timeout: 30_000 });
      // 250,000 in at $3 and 20,000 out at $15 per million: $0.75 + $0.30.
      await eventually(async () => assert.match(await row.first().innerText(), /~\$1\.05/), 15_000);
      // The tooltip has the whole line: tokens, cost and the model that answered.
      await row.first().hover();
      const hover = workbench.page.locator('.monaco-hover, .workbench-hover', { hasText: '250,000 in' });
      await hover.first().waitFor({ timeout: 15_000 });
      assert.match(
        await hover.first().innerText(),
        /250,000 in · 20,000 out · ~\$1\.05 · us\.anthropic\.claude-sonnet-4-5/,
      );
      await workbench.screenshot('sessions-cost-from-backend');
      await workbench.page.mouse.move(700, 400);
    });

    it('opens the account menu from the status bar: groups, and whom to ask for approvals', async () => {
      await workbench.page.locator('.statusbar-item', { hasText: 'bob@example.com' }).first().click();
      await workbench.page.locator('.quick-input-widget', { hasText: 'Cloud Engineer: Account' }).waitFor();
      await eventually(async () => {
        const text = await quickPickRows(workbench).allInnerTexts();
        assert.ok(
          text.some((t) => t.includes(USERS)),
          text.join(' | '),
        );
        assert.ok(
          text.some((t) => /Cannot approve changes/.test(t) && t.includes(`ask a member of ${APPROVERS}`)),
        );
        // Shown as text: no icon was rendered for the group's `$(verified)`.
        assert.ok(
          text.some((t) => t.includes('$ (verified)-admins')),
          text.join(' | '),
        );
      }, 15_000);
      assert.equal(
        await workbench.page.locator('.quick-input-widget .codicon-verified').count(),
        0,
        'no codicon from a group name',
      );
      await workbench.screenshot('account-menu');
      await workbench.page.keyboard.press('Escape');
    });
  });

  describe('local mode', () => {
    let workbench: Workbench;
    before(async () => {
      workbench = await new Workbench({
        codeServer: codeServer!,
        settings: { 'cloudEngineer.aws.region': 'eu-west-1' },
        env: {
          AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
          AWS_SECRET_ACCESS_KEY: 'local-test-secret',
          AWS_PROFILE: undefined,
          AWS_CONFIG_FILE: join(mkdtempSync(join(tmpdir(), 'no-aws-')), 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(mkdtempSync(join(tmpdir(), 'no-aws-')), 'credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
        },
      }).start();
    });
    after(() => workbench?.stop());
    screenshotOnFailure(() => workbench);

    it('shows provider and model in the status bar, and a click opens Select Model…', async () => {
      await workbench.openChatView();
      const item = workbench.page.locator('.statusbar-item', { hasText: 'bedrock ·' }).first();
      await item.waitFor({ timeout: 30_000 });
      assert.match(await item.innerText(), /bedrock · Claude Sonnet 4\.5/);
      await item.click();
      await workbench.page
        .locator('.quick-input-widget', { hasText: 'Select Model: Amazon Bedrock' })
        .waitFor();
      await eventually(async () => {
        const text = await quickPickRows(workbench).allInnerTexts();
        assert.ok(
          text.some((t) => t.includes('us.amazon.nova-pro-v1:0')),
          text.join(' | '),
        );
        assert.ok(text.some((t) => t.includes('Switch provider')));
      }, 15_000);
      await workbench.screenshot('select-model');
      await workbench.page.keyboard.press('Escape');
    });
  });
});
