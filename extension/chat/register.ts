/** The Chat view, its controller, and the commands that start a conversation. */
import * as vscode from 'vscode';
import { COMMANDS, CONTEXT_KEYS, VIEWS } from '../common/ids';
import { log } from '../common/log';
import type { ConnectionManager } from '../connection/manager';
import { editorContext } from '../editor-context';
import { ChatController } from './chat-controller';
import { ChatView } from './chat-view';

const CURRENT_SESSION = 'cloudEngineer.currentSession';

export function registerChat(context: vscode.ExtensionContext, connections: ConnectionManager) {
  const view = new ChatView(context.extensionUri);
  const controller = new ChatController({
    connection: () => connections.get(),
    post: (message) => view.post(message),
    log: (message) => log().info(message),
    onBusy: (busy) => void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.busy, busy),
    preflight: () => connections.preflight(),
  });
  view.attach(controller);
  // The controller says which conversation is open; a reload (a new extension host) reopens it.
  const remember = controller.onDidChangeSession(({ sessionId, switched }) => {
    if (switched) void context.workspaceState.update(CURRENT_SESSION, sessionId);
  });
  const restore = context.workspaceState.get<string>(CURRENT_SESSION);
  view.onFirstReady(() => {
    if (restore && !controller.sessionId && controller.snapshot.items.length === 0)
      void controller.resume(restore);
    void checkSetup();
  });

  // Local mode needs AWS credentials, a model key or a running server: say so when the view opens,
  // not after the first question.
  const checkSetup = () => controller.checkSetup();
  const onConnectionChanged = async () => {
    controller.connectionChanged((await connections.describe()).text);
    if (view.visible) await checkSetup();
  };
  void connections.describe().then(({ text }) => controller.setConnectionLabel(text));

  context.subscriptions.push(
    view,
    remember,
    connections.onDidChange(() => void onConnectionChanged()),
    vscode.window.registerWebviewViewProvider(VIEWS.chat, view),
    vscode.commands.registerCommand(COMMANDS.newChat, async () => {
      controller.newChat();
      await view.reveal();
      view.post({ type: 'focusInput' });
    }),
    vscode.commands.registerCommand(COMMANDS.focusChat, async () => {
      await view.reveal();
      view.post({ type: 'focusInput' });
    }),
    vscode.commands.registerCommand(COMMANDS.stop, () => controller.stop()),
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
