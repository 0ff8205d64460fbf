/** The Connect to Deployment… command: `connectToDeployment` with the editor's pickers and settings. */
import * as vscode from 'vscode';
import { displayText } from '../common/display-text';
import { COMMANDS } from '../common/ids';
import { SECTION, SETTINGS } from '../common/settings';
import { connectToDeployment, type ConnectUi } from './connect';
import { describeDeployment, MAX_OUTPUTS_FILE_BYTES, type Deployment } from './outputs';

/** Where `npm run deploy` writes the outputs, relative to a workspace folder. */
export const DEFAULT_OUTPUTS_FILE = 'backend/infra/cdk-outputs.json';

const TITLE = 'Cloud Engineer: Connect to Deployment';

export function registerConnectToDeployment(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.connectToDeployment, () => connectToDeployment(editorUi())),
  );
}

function editorUi(): ConnectUi<vscode.Uri> {
  return {
    async defaultFile() {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const uri = vscode.Uri.joinPath(folder.uri, DEFAULT_OUTPUTS_FILE);
        if (await exists(uri)) return uri;
      }
      return undefined;
    },
    async confirmDefault(file) {
      const pick = await vscode.window.showQuickPick(
        [
          {
            label: `$(file) ${vscode.workspace.asRelativePath(file)}`,
            detail: 'written by npm run deploy',
            choice: 'use' as const,
          },
          { label: '$(folder-opened) Choose another outputs file…', choice: 'browse' as const },
        ],
        { title: TITLE, placeHolder: 'Which CDK outputs file?' },
      );
      return pick?.choice;
    },
    async browse() {
      const picked = await vscode.window.showOpenDialog({
        title: `${TITLE}: the CDK outputs file`,
        canSelectMany: false,
        filters: { 'CDK outputs': ['json'] },
        openLabel: 'Connect',
      });
      return picked?.[0];
    },
    async read(file) {
      const { size } = await vscode.workspace.fs.stat(file);
      if (size > MAX_OUTPUTS_FILE_BYTES) throw new Error('the file is too large to be a CDK outputs file');
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    },
    async pickDeployment(deployments: Deployment[]) {
      const pick = await vscode.window.showQuickPick(
        deployments.map((d) => ({ label: d.stackName, description: describeDeployment(d), deployment: d })),
        { title: TITLE, placeHolder: 'This file holds several deployments: which one?' },
      );
      return pick?.deployment;
    },
    async update(setting, value) {
      await vscode.workspace
        .getConfiguration(SECTION)
        .update(SETTINGS[setting], value, vscode.ConfigurationTarget.Global);
    },
    async confirmDomain(host) {
      const choice = await vscode.window.showWarningMessage(
        `The outputs file sends sign-in to ${host}, which is not a Cognito domain. Only continue if this is your own custom domain for the user pool.`,
        { modal: true },
        'Use This Domain',
      );
      return choice === 'Use This Domain';
    },
    async confirmBackend(host) {
      const choice = await vscode.window.showWarningMessage(
        `The outputs file sends your sign-in token and every chat to ${displayText(host, 80)}, which is not a Lambda Function URL. Only continue if this is your own backend behind a custom domain.`,
        { modal: true },
        'Use This Backend',
      );
      return choice === 'Use This Backend';
    },
    async offerSignIn(deployment) {
      const through = deployment.identityProvider
        ? ` Sign-in goes through ${displayText(deployment.identityProvider, 40)}.`
        : '';
      const choice = await vscode.window.showInformationMessage(
        `Cloud Engineer is connected to ${deployment.stackName}: ${describeDeployment(deployment)}.${through}`,
        'Sign In',
      );
      return choice === 'Sign In';
    },
    async signIn() {
      await vscode.commands.executeCommand(COMMANDS.signIn);
    },
    error(message) {
      void vscode.window.showErrorMessage(`Connect to Deployment: ${message}`);
    },
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
