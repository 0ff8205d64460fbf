/** The Chat view, its controller, and the commands that start a conversation. */
import * as vscode from 'vscode';
import { COMMANDS, VIEWS } from '../common/ids';
import { log } from '../common/log';
import type { ConnectionManager } from '../connection/manager';
import { editorContext } from '../editor-context';
import { ChatController } from './chat-controller';
import { ChatView } from './chat-view';

const CURRENT_SESSION = 'cloudEngineer.currentSession';

export function registerChat(
  context: vscode.ExtensionContext,
  connections: ConnectionManager,
  onSessionChanged: () => void,
) {
  const view = new ChatView(context.extensionUri);
  const controller = new ChatController({
    connection: () => connections.get(),
    post: (message) => view.post(message),
    onSessionChanged: (sessionId) => {
      void context.workspaceState.update(CURRENT_SESSION, sessionId);
      onSessionChanged();
    },
    log: (message) => log().info(message),
  });
  view.attach(controller);
  // After a window reload the extension host is new: the conversation comes back from the backend.
  const restore = context.workspaceState.get<string>(CURRENT_SESSION);
  view.onFirstReady(() => {
    if (restore && !controller.snapshot.sessionId && controller.snapshot.items.length === 0)
      void controller.resume(restore);
  });
  const updateLabel = async () => controller.setConnectionLabel((await connections.describe()).text);
  void updateLabel();

  context.subscriptions.push(
    view,
    connections.onDidChange(() => void updateLabel()),
    vscode.window.registerWebviewViewProvider(VIEWS.chat, view),
    vscode.commands.registerCommand(COMMANDS.newChat, async () => {
      controller.newChat();
      void context.workspaceState.update(CURRENT_SESSION, undefined);
      await view.reveal();
      view.post({ type: 'focusInput' });
    }),
    vscode.commands.registerCommand(COMMANDS.askAboutSelection, async () => {
      const selection = editorContext();
      if (!selection) return void vscode.window.showInformationMessage('Select some code or text first.');
      const question = await vscode.window.showInputBox({
        title: 'Ask Cloud Engineer About the Selection',
        prompt: `About ${selection.fileName} (${selection.languageId})`,
        value: 'Explain this and point out problems.',
        ignoreFocusOut: true,
      });
      if (!question?.trim()) return;
      await view.reveal();
      await controller.send(question, selection);
    }),
  );
  return { view, controller };
}
