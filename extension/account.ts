/** Sign In, Sign Out, Show Logs, and the status bar item that says who is signed in to which backend. */
import * as vscode from 'vscode';
import type { CognitoAuthProvider } from './auth/cognito-auth-provider';
import { COMMANDS, CONTEXT_KEYS } from './common/ids';
import { log } from './common/log';
import type { ConnectionManager } from './connection/manager';

export function registerAccount(
  context: vscode.ExtensionContext,
  auth: CognitoAuthProvider,
  connections: ConnectionManager,
): void {
  const status = vscode.window.createStatusBarItem(
    'cloudEngineer.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  status.name = 'Cloud Engineer';
  status.command = COMMANDS.configureBackend;
  const update = async () => {
    const { text, signedIn, needsSignIn } = await connections.describe();
    status.text = needsSignIn ? '$(cloud) Cloud Engineer: Sign In' : `$(cloud) ${text}`;
    status.command = needsSignIn ? COMMANDS.signIn : COMMANDS.configureBackend;
    status.tooltip = needsSignIn ? 'Cloud Engineer: sign in to the backend' : `Cloud Engineer: ${text}`;
    status.show();
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.signedIn, signedIn);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.needsSignIn, needsSignIn);
  };
  void update();

  context.subscriptions.push(
    status,
    connections.onDidChange(() => void update()),
    auth.onDidChangeStatus(() => void update()),
    vscode.commands.registerCommand(COMMANDS.signIn, async () => {
      if (!auth.configured) {
        const pick = await vscode.window.showInformationMessage(
          'Sign-in needs a Cognito user pool: set the backend first.',
          'Configure Backend',
        );
        if (pick) await vscode.commands.executeCommand(COMMANDS.configureBackend);
        return;
      }
      await auth.signIn();
    }),
    vscode.commands.registerCommand(COMMANDS.signOut, () => auth.signOut()),
    vscode.commands.registerCommand(COMMANDS.showLogs, () => log().show()),
  );
}
