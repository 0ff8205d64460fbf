/** The Sessions tree: past conversations by date, resume on click, rename, delete, filter, load more. */
import * as vscode from 'vscode';
import type { Session } from '../../backend/src/protocol';
import type { ChatController } from '../chat/chat-controller';
import type { ChatView } from '../chat/chat-view';
import { Disposable } from '../common/disposable';
import { COMMANDS, CONTEXT_KEYS, VIEWS } from '../common/ids';
import { log } from '../common/log';
import type { ConnectionManager } from '../connection/manager';
import { ConnectionError } from '../connection/types';
import type { SessionCostLines, SessionCostSource } from '../usage/session-costs';
import { exchangesLabel, groupSessions, relativeTime, type Group } from './grouping';
import { SessionsModel } from './sessions-model';

type Node =
  | { type: 'group'; group: Group; sessions: Session[] }
  | { type: 'session'; session: Session }
  | { type: 'more' }
  | { type: 'problem'; message: string };

export class SessionsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly model: SessionsModel;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly costs: SessionCostSource,
  ) {
    super();
    this.model = new SessionsModel((request) =>
      this.connections.get().invoke({ action: 'listSessions', ...request }),
    );
  }

  /** Reloads from the first page. */
  refresh(): void {
    this.loading = undefined;
    this.model.loaded = false;
    this.changed.fire(undefined);
  }

  /** Shows what the model holds now (a page loaded, a local rename), without asking the backend. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'group': {
        const item = new vscode.TreeItem(node.group, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.group}`;
        item.description = String(node.sessions.length);
        return item;
      }
      case 'session': {
        const s = node.session;
        const item = new vscode.TreeItem(s.title, vscode.TreeItemCollapsibleState.None);
        item.id = `session:${s.sessionId}`;
        const cost = this.costs.describe(s);
        item.description = [exchangesLabel(s.turnCount), relativeTime(s.updatedAt, new Date()), cost?.short]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = new vscode.MarkdownString(sessionTooltip(s, cost));
        item.iconPath = new vscode.ThemeIcon(s.taskId ? 'checklist' : 'comment-discussion');
        item.contextValue = 'session';
        item.command = { command: COMMANDS.sessionsResume, title: 'Resume', arguments: [node] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = 'problem';
        item.iconPath = new vscode.ThemeIcon('warning');
        item.tooltip = `${node.message} Click to try again.`;
        item.command = { command: COMMANDS.sessionsRefresh, title: 'Refresh' };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = 'more';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: COMMANDS.sessionsLoadMore, title: 'Load More' };
        return item;
      }
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.type === 'group') return node.sessions.map((session) => ({ type: 'session', session }));
    if (node) return [];
    if (!this.model.loaded) {
      try {
        await (this.loading ??= this.model.reload());
      } catch (error) {
        this.loading = undefined;
        // Signed out or not configured: an empty tree shows the welcome content (sign in, configure).
        if (
          error instanceof ConnectionError &&
          (error.kind === 'unauthorized' || error.kind === 'not_configured')
        )
          return [];
        log().warn(`sessions: ${(error as Error).message}`);
        return [
          {
            type: 'problem',
            message: error instanceof ConnectionError ? error.message : 'Could not load the sessions.',
          },
        ];
      }
    }
    const groups: Node[] = groupSessions(this.model.sessions, new Date()).map((g) => ({
      type: 'group',
      ...g,
    }));
    return this.model.nextCursor ? [...groups, { type: 'more' }] : groups;
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Title, exchanges and time, the task, and what the session cost (and by which model). */
function sessionTooltip(s: Session, cost: SessionCostLines | undefined): string {
  const lines = [
    `**${escapeMd(s.title)}**`,
    `${exchangesLabel(s.turnCount)} · updated ${new Date(s.updatedAt).toLocaleString()}`,
    ...(s.taskId ? [`task: ${escapeMd(s.taskId)}`] : []),
    ...(cost
      ? [
          `${escapeMd(cost.line)}${cost.model ? ` · ${escapeMd(cost.model)}` : ''}${
            cost.source === 'window' ? ' (as this window saw it)' : ''
          }`,
        ]
      : []),
  ];
  return lines.join('\n\n');
}

export function registerSessions(
  context: vscode.ExtensionContext,
  deps: {
    connections: ConnectionManager;
    controller: ChatController;
    view: ChatView;
    costs: SessionCostSource;
  },
): SessionsTree {
  const tree = new SessionsTree(deps.connections, deps.costs);
  const treeView = vscode.window.createTreeView(VIEWS.sessions, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const sessionOf = (node?: Node) => (node?.type === 'session' ? node.session : undefined);
  const report = (error: unknown) =>
    void vscode.window.showErrorMessage(`Cloud Engineer: ${(error as Error).message}`);
  const setFilter = async (query: string | undefined) => {
    tree.model.setQuery(query);
    treeView.description = tree.model.query ? `filter: ${tree.model.query}` : undefined;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.filtered, Boolean(tree.model.query));
    tree.refresh();
  };

  context.subscriptions.push(
    tree,
    treeView,
    deps.connections.onDidChange(() => tree.refresh()),
    // A new conversation, or a turn of the open one: the list's order and counts moved.
    // (Opening one from the tree does not reload it: the pages loaded so far stay.)
    deps.controller.onDidChangeSession(({ stored }) => stored && tree.refresh()),
    vscode.commands.registerCommand(COMMANDS.sessionsRefresh, () => tree.refresh()),
    vscode.commands.registerCommand(COMMANDS.sessionsLoadMore, async () => {
      await tree.model.loadMore().catch(report);
      tree.redraw();
    }),
    vscode.commands.registerCommand(COMMANDS.sessionsResume, async (node?: Node) => {
      const session = sessionOf(node) ?? sessionOf(treeView.selection[0]);
      if (!session) return;
      // The keyboard stays in the tree (F2, Delete, arrows keep working on the selection).
      await deps.view.reveal(true);
      await deps.controller.resume(session.sessionId);
    }),
    vscode.commands.registerCommand(COMMANDS.sessionsRename, async (node?: Node) => {
      const session = sessionOf(node) ?? sessionOf(treeView.selection[0]);
      if (!session) return;
      const title = await vscode.window.showInputBox({
        title: 'Rename Session',
        value: session.title,
        validateInput: (v) =>
          v.trim().length === 0
            ? 'A title is required'
            : v.trim().length > 120
              ? 'At most 120 characters'
              : undefined,
      });
      if (!title || title.trim() === session.title) return;
      try {
        const { session: renamed } = await deps.connections
          .get()
          .invoke({ action: 'renameSession', sessionId: session.sessionId, title: title.trim() });
        tree.model.renamed(renamed);
        tree.redraw();
      } catch (error) {
        report(error);
      }
    }),
    vscode.commands.registerCommand(COMMANDS.sessionsDelete, async (node?: Node) => {
      const session = sessionOf(node) ?? sessionOf(treeView.selection[0]);
      if (!session) return;
      const choice = await vscode.window.showWarningMessage(
        `Delete "${session.title}" (${exchangesLabel(session.turnCount)})? It is removed for good.`,
        { modal: true },
        'Delete',
      );
      if (choice !== 'Delete') return;
      try {
        await deps.connections.get().invoke({ action: 'deleteSession', sessionId: session.sessionId });
        deps.controller.forget(session.sessionId);
        deps.costs.forget(session.sessionId);
        tree.refresh();
      } catch (error) {
        report(error);
      }
    }),
    vscode.commands.registerCommand(COMMANDS.sessionsFilter, async () => {
      const query = await vscode.window.showInputBox({
        title: 'Filter Sessions',
        value: tree.model.query ?? '',
        placeHolder: 'Words from a title or from what was said; empty clears the filter',
      });
      if (query !== undefined) await setFilter(query);
    }),
    vscode.commands.registerCommand(COMMANDS.sessionsClearFilter, () => setFilter(undefined)),
  );
  return tree;
}
