/**
 * End to end in real VS Code (code-server + Playwright + Chromium), against the local server in
 * `http` mode, with cognito-local issuing the tokens and the Bedrock fake playing the model.
 * Steps share one workbench and run in order, like a user's session; each leaves a screenshot in
 * test-results/e2e.
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { textTurn, toolTurn } from '../fakes/bedrock';
import type { TestUser } from '../support/cognito';
import { BackendStack, eventually } from '../support/stack';
import { httpBackendSettings, signIn } from './support/sign-in';
import { screenshotOnFailure, Workbench } from './support/workbench';

describe('the extension in real VS Code', function () {
  this.timeout(180_000);
  const stack = new BackendStack({ auth: 'cognito' });
  let workbench: Workbench;
  let user: TestUser;
  let chat: Frame;

  const codeServer = process.env.CODE_SERVER_BIN;
  before(async function () {
    assert.ok(
      codeServer,
      'CODE_SERVER_BIN is not set: run the e2e suite through `npm test` (it provisions code-server)',
    );
    await stack.start();
    user = await stack.cognito.createUser('alice@example.com');
    workbench = await new Workbench({
      codeServer,
      settings: httpBackendSettings(stack),
      files: { 'template.yaml': 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n' },
    }).start();
  });
  after(async () => {
    await workbench?.stop();
    await stack.stop();
  });
  screenshotOnFailure(() => workbench);

  const sessionRow = (title: string) => workbench.page.locator('.monaco-list-row', { hasText: title });
  async function ask(text: string) {
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type(text);
    await workbench.page.keyboard.press('Enter');
  }
  const lastAnswer = () => chat.locator('.message.assistant').last();
  async function idle() {
    await chat
      .locator('.composer.busy')
      .waitFor({ state: 'detached', timeout: 30_000 })
      .catch(() => {});
    await chat.locator('.composer:not(.busy)').waitFor({ timeout: 30_000 });
  }

  it('offers sign-in, then signs in with Cognito', async () => {
    chat = await workbench.openChatView();
    await workbench.page.getByText('Sign in to see your conversations.').waitFor({ timeout: 30_000 });
    await workbench.screenshot('signed-out');
    await signIn(workbench, user);
    await workbench.screenshot('signed-in');
  });

  it('streams an answer into the chat in several DOM updates', async () => {
    chat = await workbench.openChatView();
    await chat.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const answer = document.querySelectorAll('.message.assistant .markdown');
        const text = answer[answer.length - 1]?.textContent ?? '';
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.querySelector('.messages')!, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    stack.bedrock.enqueue(
      textTurn(
        [
          'Your account ',
          'has **three** ',
          'VPCs:\n\n',
          '| VPC | CIDR |\n|---|---|\n',
          '| vpc-1 | 10.0.0.0/16 |\n',
          '\n```yaml\nResources: {}\n```\n',
        ],
        { gapMs: 250 },
      ),
    );
    await ask('How many VPCs do I have?');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /Resources: \{\}/), 30_000);
    await idle();
    const seen = await chat.evaluate(() => (window as unknown as { seen: string[] }).seen);
    assert.ok(seen.length >= 3, `the answer arrived in ${seen.length} DOM updates: ${JSON.stringify(seen)}`);
    assert.ok(seen[0]!.length < seen.at(-1)!.length, 'it grew as it streamed');
    await chat.locator('.code-block vscode-toolbar-button[data-action="copy"]').first().waitFor();
    await workbench.screenshot('streamed-answer');
  });

  it('draws a mermaid diagram, and inserts a code block at the cursor', async () => {
    stack.bedrock.enqueue(
      textTurn([
        'Here is the layout:\n\n```mermaid\nflowchart TB\n  alb[ALB] --> web[EC2 web]\n  web --> db[(RDS)]\n```\n\n',
        'And a bucket:\n\n```yaml\nInserted:\n  Type: AWS::S3::Bucket\n```\n',
      ]),
    );
    await ask('Draw my web tier and give me a bucket');
    await chat.locator('img.mermaid-diagram').waitFor({ timeout: 30_000 });
    assert.equal(await chat.locator('.mermaid-failed').count(), 0);
    await idle();
    await workbench.screenshot('mermaid-diagram');

    await workbench.page.keyboard.press('Control+P');
    await workbench.answer('template.yaml', { pick: true });
    await workbench.page.locator('.monaco-editor .view-lines').first().click();
    await workbench.page.keyboard.press('Control+End');
    await chat.locator('.code-block vscode-toolbar-button[data-action="insert"]').last().click();
    await eventually(
      async () =>
        assert.match(
          await workbench.page.locator('.monaco-editor .view-lines').first().innerText(),
          /Inserted:/,
        ),
      20_000,
    );
    await workbench.screenshot('inserted-at-cursor');
  });

  it('runs a task from the Command Palette with its parameters', async () => {
    stack.bedrock.enqueue(textTurn(['| Instance | State |\n|---|---|\n| i-0abc | running |\n']));
    await workbench.command('Cloud Engineer: Run Cloud Task…');
    await workbench.answer('List EC2 instances and status', { pick: true });
    await workbench.answer('eu-west-1');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /i-0abc/), 30_000);
    await idle();
    assert.match(
      stack.bedrock.requests.at(-1)!.body.messages[0].content[0].text,
      /List all EC2 instances in eu-west-1\./,
    );
    assert.match(await chat.locator('.header .title').innerText(), /List EC2 instances and status/);
    await workbench.screenshot('task-run');
  });

  it('lists the new sessions in the tree, grouped by date', async () => {
    await sessionRow('List EC2 instances and status').first().waitFor({ timeout: 20_000 });
    await sessionRow('How many VPCs do I have?').first().waitFor();
    await workbench.page.locator('.monaco-list-row', { hasText: 'Today' }).first().waitFor();
    await workbench.screenshot('sessions-tree');
  });

  it('resumes a session after a window reload', async () => {
    await workbench.command('Developer: Reload Window');
    await workbench.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    chat = await workbench.openChatView();
    // The conversation that was open comes back on its own...
    await eventually(async () => assert.match(await chat.locator('.messages').innerText(), /i-0abc/), 30_000);
    // ...and another one resumes from the tree.
    await sessionRow('How many VPCs do I have?').first().click();
    await eventually(async () => assert.match(await chat.locator('.messages').innerText(), /vpc-1/), 30_000);
    assert.match(await chat.locator('.header .title').innerText(), /How many VPCs/);
    await workbench.screenshot('resumed-after-reload');
  });

  it('renames a session', async () => {
    await workbench.contextMenu(sessionRow('How many VPCs do I have?').first(), 'Rename Session…');
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('VPC inventory');
    await workbench.page.keyboard.press('Enter');
    await sessionRow('VPC inventory').first().waitFor({ timeout: 20_000 });
    await workbench.screenshot('renamed');
  });

  it('deletes a session after asking', async () => {
    await workbench.contextMenu(sessionRow('List EC2 instances and status').first(), 'Delete Session');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    await workbench.screenshot('delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await sessionRow('List EC2 instances and status').first().waitFor({ state: 'detached', timeout: 20_000 });
    const { sessions } = (
      await stack.invoke({ action: 'listSessions' }, (await stack.cognito.signIn(user)).AccessToken)
    ).json;
    assert.deepEqual(
      sessions.map((s: { title: string }) => s.title),
      ['VPC inventory'],
    );
  });

  it('approves a deletion with the typed confirmation, and denies another change', async () => {
    await workbench.command('Cloud Engineer: New Chat');
    chat = await workbench.chat();
    stack.aws.reset();
    stack.bedrock.enqueue(
      toolTurn(
        [{ id: 'tu-del', name: 'cloudformation_delete_stack', input: { stackName: 'old-stack' } }],
        'I will delete old-stack. ',
      ),
      textTurn(['Deletion of old-stack has started.']),
    );
    await ask('Delete the old-stack stack');
    const card = chat.locator('.approval-card');
    await card.waitFor({ timeout: 30_000 });
    const approve = card.locator('vscode-button', { hasText: 'Approve' });
    assert.equal(await approve.getAttribute('disabled'), '', 'Approve waits for the typed confirmation');
    await workbench.screenshot('approval-card');
    await card.locator('vscode-textfield').click();
    await workbench.page.keyboard.type('DELETE old-stack');
    await approve.click();
    await eventually(
      async () => assert.match(await lastAnswer().innerText(), /Deletion of old-stack has started/),
      30_000,
    );
    assert.deepEqual(
      stack.aws.calledWith('DeleteStack').map((p) => p.StackName),
      ['old-stack'],
    );
    await chat.locator('.approval-card .approval-decision', { hasText: 'Approved · done' }).waitFor();
    assert.equal(await chat.locator('.tool-card').count(), 0, "the approval card is the call's only card");
    await workbench.screenshot('approved');

    stack.bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-plan',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: 'Resources: {}' },
        },
      ]),
      textTurn(['Understood; nothing was changed.']),
    );
    await ask('Create the web stack');
    await chat.locator('.approval-card:not(.decided)').waitFor({ timeout: 30_000 });
    await chat.locator('.approval-card:not(.decided) vscode-button', { hasText: 'Deny' }).click();
    await eventually(async () => assert.match(await lastAnswer().innerText(), /nothing was changed/), 30_000);
    await chat.locator('.approval-card .approval-decision', { hasText: 'Denied' }).last().waitFor();
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
    await workbench.screenshot('denied');
  });

  it('shows a guardrail notice', async () => {
    stack.bedrock.enqueue(textTurn(['I will not need that address.']));
    await ask('Send the report to jane.doe@example.com');
    await chat.locator('.notice', { hasText: 'Redacted email' }).waitFor({ timeout: 30_000 });
    await idle();
    // The user sees what they typed; the model and the store got it redacted.
    assert.equal(
      stack.bedrock.requests.at(-1)!.body.messages.at(-1).content.at(-1).text,
      'Send the report to [REDACTED:EMAIL]',
    );
    await workbench.screenshot('guardrail-notice');
  });

  it('shows an error banner with what fixes it when the backend is down', async () => {
    await stack.stopServer();
    await ask('Are you there?');
    const banner = chat.locator('.error-banner');
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await banner.innerText(), /Cannot reach the backend/);
    for (const label of ['Configure Backend', 'Retry', 'Show Logs'])
      await banner.locator('vscode-button', { hasText: label }).waitFor();
    // The tree says so too, instead of claiming there are no conversations.
    await workbench.command('Cloud Engineer: Refresh Sessions');
    await sessionRow('Cannot reach the backend').first().waitFor({ timeout: 20_000 });
    await workbench.screenshot('backend-down');
  });
});
