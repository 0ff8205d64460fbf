/**
 * Local mode in real VS Code: the agent core runs in the extension host with the user's AWS
 * credentials. Without any, the chat says so and offers the fix; with them, it answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { BedrockFake, textTurn } from '../fakes/bedrock';
import { eventually } from '../support/stack';
import { Workbench } from './support/workbench';

const NO_AWS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: join(mkdtempSync(join(tmpdir(), 'no-aws-')), 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(mkdtempSync(join(tmpdir(), 'no-aws-')), 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  // The status bar's account lookup (STS) stays on loopback: a closed port, so "account unknown".
  AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
};

async function ask(workbench: Workbench, chat: Frame, text: string) {
  await chat.locator('vscode-textarea').click();
  await workbench.page.keyboard.type(text);
  await workbench.page.keyboard.press('Enter');
}

describe('local mode in real VS Code', function () {
  this.timeout(180_000);
  const codeServer = process.env.CODE_SERVER_BIN;

  describe('without AWS credentials', () => {
    let workbench: Workbench;
    before(async () => {
      assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
      workbench = await new Workbench({ codeServer, settings: {}, env: NO_AWS }).start();
    });
    after(() => workbench?.stop());

    it('says the credentials are missing and offers to configure', async () => {
      const chat = await workbench.openChatView();
      await eventually(async () =>
        // Where the chat runs is the status bar's to show (the chat header has the title only).
        assert.match(await workbench.page.locator('.statusbar').innerText(), /\blocal\b/),
      );
      await ask(workbench, chat, 'Which account am I in?');
      const banner = chat.locator('.error-banner');
      await banner.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await banner.innerText(), /No usable AWS credentials/);
      await banner.locator('vscode-button', { hasText: 'Configure Backend' }).waitFor();
      await workbench.screenshot('local-no-credentials');
    });
  });

  describe('with AWS credentials', () => {
    const bedrock = new BedrockFake();
    let workbench: Workbench;
    before(async () => {
      await bedrock.start();
      workbench = await new Workbench({
        codeServer: codeServer!,
        settings: {
          'cloudEngineer.local.bedrockEndpoint': bedrock.url,
          'cloudEngineer.aws.region': 'eu-west-1',
        },
        env: { ...NO_AWS, AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret' },
      }).start();
    });
    after(async () => {
      await workbench?.stop();
      await bedrock.stop();
    });

    it('answers from the agent core running in the extension host, and keeps the session', async () => {
      const chat = await workbench.openChatView();
      bedrock.enqueue(textTurn(['Answered ', 'locally, ', 'in the editor.']));
      await ask(workbench, chat, 'Where do you run?');
      await eventually(
        async () =>
          assert.match(await chat.locator('.messages').innerText(), /Answered locally, in the editor\./),
        60_000,
      );
      // The last block is the conversation's cache point (the default model is a Claude one).
      const last: { text?: string; cachePoint?: unknown }[] = bedrock.requests
        .at(-1)!
        .body.messages.at(-1).content;
      assert.equal(last.filter((b) => b.text !== undefined).at(-1)?.text, 'Where do you run?');
      assert.deepEqual(last.at(-1)?.cachePoint, { type: 'default' });
      await workbench.page
        .locator('.monaco-list-row', { hasText: 'Where do you run?' })
        .first()
        .waitFor({ timeout: 20_000 });
      await workbench.screenshot('local-answer');
    });
  });
});
