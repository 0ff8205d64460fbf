/** The templates of a pending approval, as the extension's own copy of the conversation holds them. */
import type { ApprovalDetails } from '../../backend/src/protocol';
import type { ConversationState } from '../../shared/conversation-state';

export function approvalTemplate(
  state: ConversationState,
  toolUseId: string,
): NonNullable<ApprovalDetails['template']> | undefined {
  for (const item of state.items)
    if (item.kind === 'approval' && item.id === toolUseId) return item.details?.template;
  return undefined;
}
