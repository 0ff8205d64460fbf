/**
 * Sign In, Sign Out, Show Logs, and the status bar item that says who is signed in to which backend;
 * clicking it opens the account menu (the person's groups, whether they may approve, the commands).
 */
import * as vscode from 'vscode';
import type { CognitoAuthProvider } from './auth/cognito-auth-provider';
import { COMMANDS, CONTEXT_KEYS } from './common/ids';
import { log } from './common/log';
import { leftStatusItem } from './common/status-item';
import type { ConnectionManager } from './connection/manager';
import {
  accountMenu,
  type AccountAction,
  type AccountMenuItem,
  type AccountState,
} from './status/account-menu';

/** The menu opens at once; the groups follow when the backend answers, or this says it did not. */
const WHOAMI_TIMEOUT_MS = 8000;

const ACTION_COMMANDS: Record<AccountAction, string> = {
  signIn: COMMANDS.signIn,
  signOut: COMMANDS.signOut,
  configure: COMMANDS.configureBackend,
  connect: COMMANDS.connectToDeployment,
  showLogs: COMMANDS.showLogs,
};

export function registerAccount(
  context: vscode.ExtensionContext,
  auth: CognitoAuthProvider,
  connections: ConnectionManager,
): void {
  const status = leftStatusItem('cloudEngineer.status', 50, 'Cloud Engineer', COMMANDS.account);
  const update = async () => {
    const { text, signedIn, needsSignIn } = await connections.describe();
    status.text = needsSignIn ? '$(cloud) Cloud Engineer: Sign In' : `$(cloud) ${text}`;
    status.command = needsSignIn ? COMMANDS.signIn : COMMANDS.account;
    status.tooltip = needsSignIn
      ? 'Cloud Engineer: sign in to the backend'
      : `Cloud Engineer: ${text}. Click for your groups, approvals and the account’s commands.`;
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
    vscode.commands.registerCommand(COMMANDS.account, () => showAccountMenu(auth, connections)),
  );
}

type MenuPick = vscode.QuickPickItem & { action?: AccountAction };

async function showAccountMenu(auth: CognitoAuthProvider, connections: ConnectionManager): Promise<void> {
  let connection: ReturnType<ConnectionManager['get']> | undefined;
  let where: string;
  try {
    connection = connections.get();
    where = connection.label;
  } catch (error) {
    where = (error as Error).message;
  }
  const state: AccountState = {
    where,
    connected: Boolean(connection),
    user: await auth.currentLabel(),
    signInConfigured: auth.configured,
    offline: auth.offline,
    whoami: connection ? 'loading' : undefined,
  };
  const quickPick = vscode.window.createQuickPick<MenuPick>();
  quickPick.title = 'Cloud Engineer: Account';
  quickPick.placeholder = 'Your groups and approvals on this backend';
  const render = () => (quickPick.items = accountMenu(state).map(toPick));
  render();
  quickPick.busy = Boolean(connection);
  quickPick.show();

  const abort = new AbortController();
  if (connection) {
    connection
      .invoke({ action: 'whoami' }, AbortSignal.any([abort.signal, AbortSignal.timeout(WHOAMI_TIMEOUT_MS)]))
      .then(
        (whoami) => (state.whoami = whoami),
        (error: unknown) => {
          if (abort.signal.aborted) return;
          log().info(`account menu: whoami failed: ${(error as Error).message}`);
          state.whoami = { problem: (error as Error).message || 'the backend did not answer' };
        },
      )
      .finally(() => {
        if (abort.signal.aborted) return;
        quickPick.busy = false;
        render();
      });
  }

  const chosen = await new Promise<MenuPick | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
  });
  abort.abort();
  quickPick.dispose();
  if (chosen?.action) await vscode.commands.executeCommand(ACTION_COMMANDS[chosen.action]);
}

function toPick(item: AccountMenuItem): MenuPick {
  if (item.separator) return { label: item.label, kind: vscode.QuickPickItemKind.Separator };
  return {
    label: item.label,
    ...(item.description ? { description: item.description } : {}),
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.action ? { action: item.action } : {}),
  };
}
