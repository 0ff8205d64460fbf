/** Run Cloud Task: pick a task, fill its parameters, run it in the Chat view with a cancellable progress. */
import * as vscode from 'vscode';
import type { Task } from '../../backend/src/protocol';
import type { ChatController } from '../chat/chat-controller';
import type { ChatView } from '../chat/chat-view';
import { COMMANDS } from '../common/ids';
import type { ConnectionManager } from '../connection/manager';
import { ConnectionError } from '../connection/types';
import { editorContext } from '../editor-context';
import { taskPicks, validateParam } from './task-picks';

type Item = vscode.QuickPickItem & { task?: Task };

export function registerRunTask(
  context: vscode.ExtensionContext,
  deps: { connections: ConnectionManager; controller: ChatController; view: ChatView },
): void {
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.runTask, () => runTask(deps)));
}

async function runTask({
  connections,
  controller,
  view,
}: {
  connections: ConnectionManager;
  controller: ChatController;
  view: ChatView;
}): Promise<void> {
  const task = await pickTask(connections);
  if (!task) return;
  const params: Record<string, string> = {};
  for (const [i, param] of (task.params ?? []).entries()) {
    const value = await vscode.window.showInputBox({
      title: `${task.title} (${i + 1}/${task.params!.length})`,
      prompt: param.label + (param.required ? '' : ' (optional)'),
      placeHolder: param.placeholder,
      ignoreFocusOut: true,
      validateInput: (v) => validateParam(param, v),
    });
    if (value === undefined) return;
    if (value.trim()) params[param.name] = value.trim();
  }
  await view.reveal();
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Cloud Engineer: ${task.title}`,
      cancellable: true,
    },
    async (_progress, cancel) => {
      cancel.onCancellationRequested(() => controller.stop());
      const selection = editorContext();
      await controller.runTask(task, params, selection);
    },
  );
}

async function pickTask(connections: ConnectionManager): Promise<Task | undefined> {
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Cloud Engineer: Run Cloud Task';
  pick.placeholder = 'Search tasks by name or description';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.show();
  try {
    const { tasks } = await connections.get().invoke({ action: 'listTasks' });
    pick.items = taskPicks(tasks).map((p) =>
      p.kind === 'separator'
        ? { label: p.label, kind: vscode.QuickPickItemKind.Separator }
        : { label: p.label, description: p.description, detail: p.detail, task: p.task },
    );
    pick.busy = false;
    return await new Promise<Task | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]?.task));
      pick.onDidHide(() => resolve(undefined));
    });
  } catch (error) {
    pick.hide();
    const message = error instanceof ConnectionError ? error.message : 'Could not load the task list.';
    const fix =
      error instanceof ConnectionError && error.kind === 'unauthorized' ? 'Sign In' : 'Configure Backend';
    void vscode.window
      .showErrorMessage(message, fix)
      .then(
        (choice) =>
          choice &&
          vscode.commands.executeCommand(choice === 'Sign In' ? COMMANDS.signIn : COMMANDS.configureBackend),
      );
    return undefined;
  } finally {
    pick.dispose();
  }
}
