/**
 * What the agent costs: prices the model in use for the chat (per answer and per conversation), and
 * remembers each conversation's total for the Sessions tree's tooltip.
 */
import * as vscode from 'vscode';
import { sessionUsage } from '../../shared/conversation-state';
import type { ChatController } from '../chat/chat-controller';
import { readSettings, SECTION, SETTINGS } from '../common/settings';
import type { SessionsTree } from '../sessions/sessions-tree';
import { pricedModelId } from './model';
import { priceFor, usageLine, type Price } from '../../shared/prices';
import { SessionUsage } from './session-usage';

let known: SessionUsage | undefined;
let currentPrice: Price | undefined;

/** "1,234 in · 567 out tokens · ~$0.012" for a session this window has seen, else undefined. */
export function sessionUsageLine(sessionId: string): string | undefined {
  const usage = known?.get(sessionId);
  return usage ? usageLine(usage, currentPrice) : undefined;
}

export function registerUsage(
  context: vscode.ExtensionContext,
  deps: { controller: ChatController; sessions: SessionsTree },
): void {
  known = new SessionUsage(context.globalState);
  const updatePrice = () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    const settings = readSettings(config);
    const modelId = pricedModelId({
      ...settings,
      usageModelId: config.get<string>(SETTINGS.usageModelId) ?? '',
    });
    currentPrice = priceFor(modelId, config.get<unknown>(SETTINGS.usagePrices));
    deps.controller.setPrice(currentPrice);
    deps.sessions.redraw();
  };
  updatePrice();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) updatePrice();
    }),
    deps.controller.onDidChangeSession(({ sessionId }) => {
      const total = sessionUsage(deps.controller.snapshot);
      if (sessionId && total && known?.remember(sessionId, total)) deps.sessions.redraw();
    }),
  );
}
