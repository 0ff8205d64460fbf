/**
 * Where approval tests start: the model plans a change to stack `web` (an empty template), and the
 * turn stops at the approval card.
 */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../backend/src/protocol';
import { toolTurn } from '../fakes/bedrock';

export type ApprovalCard = Extract<StreamEvent, { type: 'approval_required' }>;

/** The model's turn that plans the change, as tool call `id` (for the Bedrock fake's queue). */
export const planWebTurn = (id: string) =>
  toolTurn([
    { id, name: 'cloudformation_plan_change', input: { stackName: 'web', templateBody: 'Resources: {}' } },
  ]);

/** The session a chat's events opened and the approval card they stopped at (there must be one). */
export function plannedIn(events: StreamEvent[]): { sessionId: string; card: ApprovalCard } {
  const card = events.find((e): e is ApprovalCard => e.type === 'approval_required');
  assert.ok(card, 'the change waits for approval');
  return { sessionId: (events[0] as { sessionId: string }).sessionId, card };
}
