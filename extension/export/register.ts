/** Export Conversation…: the chat's open session, or one from the Sessions tree, as Markdown. */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { Session } from '../../backend/src/protocol';
import type { ChatController } from '../chat/chat-controller';
import { COMMANDS } from '../common/ids';
import type { ConnectionManager } from '../connection/manager';
import { fetchWholeSession } from './fetch-session';
import { exportFileName } from '../../shared/file-name';
import { sessionToMarkdown } from './markdown';

const OPEN = 'Open in Editor';
const SAVE = 'Save As…';

export function registerExport(
  context: vscode.ExtensionContext,
  deps: { connections: ConnectionManager; controller: ChatController },
): void {
  context.subscriptions.push(
    // From the Sessions tree the argument is its node ({type: 'session', session}); from the chat's
    // title menu there is none, and the open conversation is the one to export.
    vscode.commands.registerCommand(COMMANDS.exportConversation, async (node?: { session?: Session }) => {
      const sessionId = node?.session?.sessionId ?? deps.controller.sessionId;
      if (!sessionId) {
        return void vscode.window.showInformationMessage(
          'Cloud Engineer: there is no stored conversation to export yet.',
        );
      }
      try {
        const connection = deps.connections.get();
        const whole = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Exporting conversation…' },
          () => fetchWholeSession((request) => connection.invoke(request), sessionId),
        );
        const markdown = sessionToMarkdown(whole);
        const choice = await vscode.window.showQuickPick([OPEN, SAVE], {
          title: `Export "${whole.session.title}"`,
        });
        if (choice === OPEN) {
          const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
          await vscode.window.showTextDocument(doc);
        } else if (choice === SAVE) {
          const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
          const target = await vscode.window.showSaveDialog({
            defaultUri: vscode.Uri.joinPath(base, exportFileName(whole.session.title)),
            filters: { Markdown: ['md'] },
            saveLabel: 'Export',
          });
          if (!target) return;
          await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
          void vscode.window.showInformationMessage(`Cloud Engineer: exported to ${target.fsPath}.`);
        }
      } catch (error) {
        void vscode.window.showErrorMessage(`Cloud Engineer: ${(error as Error).message}`);
      }
    }),
  );
}
