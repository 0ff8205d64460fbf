/**
 * Cloud Engineer: wiring only. Each feature registers itself; everything goes into
 * `context.subscriptions`. Nothing here loads the AWS SDK: that happens on first use.
 */
import type * as vscode from 'vscode';
import { registerAccount } from './account';
import { registerAuth } from './auth/cognito-auth-provider';
import { registerChat } from './chat/register';
import { registerConfigure } from './configure';
import { registerConnectToDeployment } from './deployment/register';
import { registerExport } from './export/register';
import { registerUsage } from './usage/register';
import { SessionCosts } from './usage/session-costs';
import { SessionUsage } from './usage/session-usage';
import { registerStatus } from './status/register';
import { registerModel } from './model/register';
import { registerTemplateDiff } from './diff/template-diff';
import { ConnectionManager } from './connection/manager';
import { registerSessions } from './sessions/sessions-tree';
import { registerRunTask } from './tasks/run-task';

/** What `activate` returns: the pieces the VS Code integration suite (test/vscode) drives. */
export interface CloudEngineerApi {
  chat: import('./chat/chat-controller').ChatController;
  sessions: import('./sessions/sessions-tree').SessionsTree;
  connections: ConnectionManager;
}

export function activate(context: vscode.ExtensionContext): CloudEngineerApi {
  const auth = registerAuth(context);
  const connections = new ConnectionManager(context, auth);
  context.subscriptions.push(connections);
  const chat = registerChat(context, connections);
  // One instance, handed to the tree that shows each session's cost and to the wiring that prices it.
  const costs = new SessionCosts(new SessionUsage(context.globalState));
  const sessions = registerSessions(context, { connections, costs, ...chat });
  registerRunTask(context, { connections, ...chat });
  registerAccount(context, auth, connections);
  registerConfigure(context, auth);
  registerConnectToDeployment(context);
  registerExport(context, { connections, ...chat });
  registerUsage(context, { controller: chat.controller, costs, redraw: () => sessions.redraw() });
  registerStatus(context, connections);
  registerModel(context, connections);
  registerTemplateDiff(context);
  return { chat: chat.controller, sessions, connections };
}

export function deactivate(): void {}
