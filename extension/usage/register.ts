/**
 * What the agent costs: prices the model in use for the chat (per answer and per conversation), and
 * keeps each conversation's total that this window sees, for the Sessions tree (whose own source is
 * the backend's `Session.usage`; the totals seen here stand in for an older backend).
 */
import * as vscode from 'vscode';
import { sessionUsage } from '../../shared/conversation-state';
import type { ChatController } from '../chat/chat-controller';
import { readSettings, SECTION, SETTINGS } from '../common/settings';
import { pricedModelId } from './model';
import type { SessionCosts } from './session-costs';

export function registerUsage(
  context: vscode.ExtensionContext,
  deps: { controller: ChatController; costs: SessionCosts; redraw: () => void },
): void {
  const updatePrice = () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    const settings = readSettings(config);
    const modelId = pricedModelId({
      ...settings,
      usageModelId: config.get<string>(SETTINGS.usageModelId) ?? '',
    });
    const overrides = config.get<unknown>(SETTINGS.usagePrices);
    deps.controller.setPricing(modelId, overrides);
    deps.costs.setPricing(modelId, overrides);
    deps.redraw();
  };
  updatePrice();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) updatePrice();
    }),
    deps.controller.onDidChangeSession(({ sessionId }) => {
      const total = sessionUsage(deps.controller.snapshot);
      if (sessionId && total && deps.costs.remember(sessionId, total)) deps.redraw();
    }),
  );
}
