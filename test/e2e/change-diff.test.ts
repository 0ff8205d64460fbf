/**
 * A real look at a stack change before approving it, in real VS Code (code-server + Playwright) on
 * the local backend server with the Bedrock and AWS fakes at the wire: the approval card says which
 * account and region the change runs in, shows the proposed template as YAML, and Open Diff shows
 * the deployed template against the proposed one in the diff editor.
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { FAKE_IDENTITY } from '../fakes/aws';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { BackendStack, eventually } from '../support/stack';
import { screenshotOnFailure, Workbench } from './support/workbench';

describe('a change set as a diff in real VS Code', function () {
  this.timeout(180_000);
  const stack = new BackendStack({ auth: 'none' });
  const { bedrock, aws } = stack;
  let workbench: Workbench;
  let chat: Frame;

  const deployed = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { Logs: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'web-logs' } } },
  };
  const proposed = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Logs: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: 'web-logs', VersioningConfiguration: { Status: 'Enabled' } },
      },
      Alerts: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'web-alerts' } },
    },
  };

  before(async () => {
    assert.ok(process.env.CODE_SERVER_BIN, 'CODE_SERVER_BIN is not set');
    await stack.start();
    workbench = await new Workbench({
      codeServer: process.env.CODE_SERVER_BIN,
      settings: { 'cloudEngineer.backend.mode': 'http', 'cloudEngineer.backend.url': stack.url },
    }).start();
  });
  after(async () => {
    await workbench?.stop();
    await stack.stop();
  });
  screenshotOnFailure(() => workbench, 'change-diff-failed');

  async function linesOf(side: 'original' | 'modified'): Promise<string> {
    const lines = workbench.page.locator(
      `.editor-group-container.active .monaco-diff-editor .editor.${side} .view-lines`,
    );
    await lines.first().waitFor({ timeout: 20_000 });
    return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
  }

  it('states the account and region on the card and shows the proposed template as YAML', async () => {
    chat = await workbench.openChatView();
    aws.templates.set('web', JSON.stringify(deployed));
    bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-plan-diff',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: JSON.stringify(proposed, null, 2), region: 'eu-west-1' },
        },
      ]),
      textTurn(['Not planned.']),
    );
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type('Turn on versioning for the web logs bucket');
    await workbench.page.keyboard.press('Enter');
    const card = chat.locator('.approval-card:not(.decided)');
    await card.waitFor({ timeout: 30_000 });
    assert.equal(
      await card.locator('.approval-target').innerText(),
      `Runs in account ${FAKE_IDENTITY.account}, region eu-west-1`,
    );
    const template = await card.locator('.template-review pre').innerText();
    assert.match(template, /^AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Logs:\n/);
    assert.match(template, /VersioningConfiguration:\n {8}Status: Enabled/);
    const call = await card.locator('.tool-input pre').first().innerText();
    assert.doesNotMatch(call, /\\"|\\n/, 'no escaped JSON string on the card');
    assert.deepEqual(aws.calledWith('CreateChangeSet'), [], 'nothing planned yet');
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await workbench.screenshot('change-diff-approval-card');
  });

  it('opens the deployed template against the proposed one in the diff editor', async () => {
    const card = chat.locator('.approval-card:not(.decided)');
    await card.locator('vscode-button.open-diff').click();
    const tab = workbench.page.locator('.tabs-container .tab.active');
    await eventually(async () => assert.match(await tab.innerText(), /web: deployed ↔ proposed/), 20_000);
    const left = await linesOf('original');
    const right = await linesOf('modified');
    assert.match(left, /BucketName: web-logs/);
    assert.doesNotMatch(left, /Versioning|Alerts/);
    assert.match(right, /VersioningConfiguration:/);
    assert.match(right, /Alerts:\s+Type: AWS::SNS::Topic/);
    assert.doesNotMatch(left + right, /[{}"]/, 'both sides are YAML, not JSON');
    // Read-only: typing in the proposed side changes nothing.
    await workbench.page.locator('.monaco-diff-editor .editor.modified .view-lines').first().click();
    await workbench.page.keyboard.type('edited');
    assert.doesNotMatch(await linesOf('modified'), /edited/);
    await workbench.screenshot('change-diff-editor');

    await chat.locator('.approval-card:not(.decided) vscode-button', { hasText: 'Deny' }).click();
    await chat.locator('.approval-card.decided-deny').waitFor({ timeout: 30_000 });
    assert.deepEqual(aws.calledWith('CreateChangeSet'), []);
  });
});
