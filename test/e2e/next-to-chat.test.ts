/**
 * Next to the chat, in real VS Code (local mode): the account and region in the status bar, the
 * cost of an answer under it, Export Conversation… into an editor, and switching the profile and
 * region. AWS and Bedrock are stand-ins on loopback.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsFake, FAKE_IDENTITY } from '../fakes/aws';
import { BedrockFake, textTurn } from '../fakes/bedrock';
import { eventually } from '../support/stack';
import { screenshotOnFailure, Workbench } from './support/workbench';

describe('next to the chat in real VS Code', function () {
  this.timeout(180_000);
  const bedrock = new BedrockFake();
  const aws = new AwsFake();
  let workbench: Workbench;

  before(async () => {
    assert.ok(process.env.CODE_SERVER_BIN, 'CODE_SERVER_BIN is not set');
    await bedrock.start();
    await aws.start();
    const home = mkdtempSync(join(tmpdir(), 'ce-aws-'));
    writeFileSync(
      join(home, 'config'),
      [
        '[default]',
        'region = eu-west-1',
        '[profile dev]',
        'sso_session = corp',
        'sso_account_id = 111111111111',
        'sso_role_name = Admin',
        'region = us-east-2',
        '[profile ops]',
        'region = eu-central-1',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'credentials'),
      '[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-test-secret\n',
    );
    workbench = await new Workbench({
      codeServer: process.env.CODE_SERVER_BIN,
      settings: { 'cloudEngineer.local.bedrockEndpoint': bedrock.url },
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
        AWS_SECRET_ACCESS_KEY: 'local-test-secret',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_REGION: undefined,
        AWS_DEFAULT_REGION: undefined,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_ENDPOINT_URL_EC2: aws.url,
      },
    }).start();
  });
  screenshotOnFailure(() => workbench);
  after(async () => {
    await workbench?.stop();
    await bedrock.stop();
    await aws.stop();
  });

  it('shows the account, profile and region in the status bar', async () => {
    await workbench.openChatView();
    await eventually(
      async () =>
        assert.match(
          await workbench.page.locator('.statusbar').innerText(),
          new RegExp(`${FAKE_IDENTITY.account} · default · eu-west-1`),
        ),
      60_000,
    );
    assert.ok(aws.calls.some((c) => c.action === 'GetCallerIdentity'));
    await workbench.screenshot('status-account-region');
  });

  it('shows tokens and an estimated price under the answer and in the header', async () => {
    const chat = await workbench.chat();
    bedrock.enqueue(textTurn(['Everything ', 'looks fine.'], { usage: [1234, 567] }));
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type('How are my stacks?');
    await workbench.page.keyboard.press('Enter');
    const line = chat.locator('.message.assistant .usage-line');
    await line.waitFor({ timeout: 60_000 });
    assert.equal(await line.innerText(), '1,234 in · 567 out · ~$0.012 · Claude Sonnet 4.5');
    assert.equal(await chat.locator('.header .session-usage').innerText(), '1.8k tokens · ~$0.012');
    await workbench.screenshot('usage-under-answer');
  });

  it('exports the conversation as Markdown into an untitled editor', async () => {
    await workbench.command('Export Conversation…');
    await workbench.answer('Open in Editor', { pick: true });
    const editor = workbench.page.locator('.editor-instance .view-lines').first();
    // Monaco draws spaces as no-break spaces.
    const text = async () => (await editor.innerText()).replace(/\u00a0/g, ' ');
    await eventually(async () => assert.match(await text(), /# How are my stacks\?/), 30_000);
    assert.match(await text(), /User · /);
    assert.match(await text(), /Everything looks fine\./);
    await workbench.screenshot('export-markdown');
  });

  it('finds a conversation in the Sessions tree by what was said, not only by its title', async () => {
    const chat = await workbench.chat();
    await workbench.command('Cloud Engineer: New Chat');
    // Type only into the new, empty chat: New Chat resets the composer when it lands.
    await eventually(async () => assert.equal(await chat.locator('.message').count(), 0), 30_000);
    bedrock.enqueue(textTurn(['Nothing ', 'to report.']));
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type('Any alarms today?');
    await workbench.page.keyboard.press('Enter');
    await chat.locator('.message.assistant', { hasText: 'Nothing to report.' }).waitFor({ timeout: 60_000 });
    const row = (title: string) => workbench.page.locator('.monaco-list-row', { hasText: title });
    await row('Any alarms today?').first().waitFor({ timeout: 60_000 });
    // "looks fine" was only ever in the first conversation's answer.
    await workbench.command('Filter Sessions…');
    await workbench.answer('looks fine');
    await eventually(async () => {
      assert.equal(await row('How are my stacks?').count(), 1);
      assert.equal(await row('Any alarms today?').count(), 0);
    }, 30_000);
    await workbench.screenshot('sessions-content-search');
    await workbench.command('Clear Sessions Filter');
  });

  it('switches the profile and region from a pick of the config files', async () => {
    await workbench.command('Select AWS Profile and Region…');
    const rows = workbench.page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'dev' }).first().waitFor();
    assert.match(await workbench.page.locator('.quick-input-list').innerText(), /dev[\s\S]*SSO/);
    await workbench.screenshot('select-profile');
    await workbench.answer('ops', { pick: true });
    // The account's enabled regions, read with the chosen profile: only those are offered.
    await rows.filter({ hasText: 'eu-central-1' }).first().waitFor({ timeout: 30_000 });
    const offered = await workbench.page.locator('.quick-input-list').innerText();
    assert.match(offered, /us-east-1/);
    assert.doesNotMatch(offered, /ap-south-2|sa-east-1/);
    assert.ok(aws.calls.some((c) => c.action === 'DescribeRegions'));
    await workbench.screenshot('select-region-enabled');
    await workbench.answer('eu-central-1', { pick: true });
    await eventually(
      async () =>
        assert.match(
          await workbench.page.locator('.statusbar').innerText(),
          new RegExp(`${FAKE_IDENTITY.account} · ops · eu-central-1`),
        ),
      60_000,
    );
  });
});
