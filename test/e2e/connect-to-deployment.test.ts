/**
 * Connect to Deployment… in real VS Code: the workspace holds the outputs file `npm run deploy`
 * writes; the command reads it, writes the connection settings to the user settings and offers
 * Sign In, and the extension then talks to that backend.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOYMENT_OUTPUT_KEYS as K } from '../../extension/deployment/outputs';
import { eventually, useBackendStack } from '../support/stack';
import { Workbench } from './support/workbench';

describe('Connect to Deployment… in real VS Code', function () {
  this.timeout(180_000);
  // A Lambda-shaped deployment whose URL is the local server (loopback http is allowed).
  const stack = useBackendStack({ auth: 'none' });
  let workbench: Workbench;
  before(async () => {
    assert.ok(process.env.CODE_SERVER_BIN, 'CODE_SERVER_BIN is not set');
    workbench = new Workbench({ codeServer: process.env.CODE_SERVER_BIN, settings: {} });
    mkdirSync(join(workbench.workspace, 'backend', 'infra'), { recursive: true });
    writeFileSync(
      join(workbench.workspace, 'backend', 'infra', 'cdk-outputs.json'),
      JSON.stringify({
        CloudEngineerLambda: {
          [K.mode]: 'http',
          [K.url]: `${stack.url}/`,
          [K.region]: 'eu-west-1',
          [K.userPoolId]: 'eu-west-1_E2eTest1',
          [K.clientId]: 'e2eclient123',
          [K.domain]: 'cloud-engineer-e2e.auth.eu-west-1.amazoncognito.com',
          MemoryTableName: 'unused-here',
        },
      }),
    );
    await workbench.start();
  });
  after(() => workbench?.stop());

  it('fills in the settings from the workspace’s outputs file and offers Sign In', async () => {
    await workbench.openChatView(); // the extension is installed and its contributions are in
    await workbench.command('Cloud Engineer: Connect to Deployment…');
    await workbench.answer('backend/infra/cdk-outputs.json', { pick: true });
    const toast = workbench.page.locator('.notification-toast', {
      hasText: 'connected to CloudEngineerLambda',
    });
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Sign In' }).waitFor();
    await workbench.screenshot('connect-to-deployment');
    const settingsFile = join(workbench.dir, 'user-data', 'User', 'settings.json');
    await eventually(() => {
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      assert.equal(settings['cloudEngineer.backend.mode'], 'http');
      assert.equal(settings['cloudEngineer.backend.url'], `${stack.url}/`);
      assert.equal(settings['cloudEngineer.cognito.userPoolId'], 'eu-west-1_E2eTest1');
      assert.equal(settings['cloudEngineer.cognito.clientId'], 'e2eclient123');
      assert.equal(
        settings['cloudEngineer.cognito.domain'],
        'cloud-engineer-e2e.auth.eu-west-1.amazoncognito.com',
      );
      assert.equal(settings['cloudEngineer.aws.region'], 'eu-west-1');
    }, 15_000);
  });
});
