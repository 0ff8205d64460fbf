/**
 * Who may do what. ALLOWED_GROUPS alone decides who may use the agent at all (an approver must be
 * in one of them too), APPROVER_GROUPS who may approve a call that changes AWS. Group names compare
 * exactly, code point for code point (Cognito's names are case-sensitive): `Approvers`,
 * ` approvers` or a Cyrillic `аpprovers` is not `approvers`. Under AUTH_MODE=none there is one
 * local user and no rule applies.
 */
import { ForbiddenError } from '../errors';
import type { Actor } from './authenticator';

export interface GroupRules {
  allowed?: readonly string[];
  approvers?: readonly string[];
}

function isMember(actor: Actor, groups: readonly string[]): boolean {
  return (actor.groups ?? []).some((g) => groups.includes(g));
}

/** Throws 403 for a verified user outside ALLOWED_GROUPS. */
export function ensureAllowed(actor: Actor, rules: GroupRules | undefined): void {
  if (actor.authMode === 'none' || !rules?.allowed) return;
  if (isMember(actor, rules.allowed)) return;
  throw new ForbiddenError(
    `you are not in a group that may use Cloud Engineer: ask an administrator to add you to ${groupNames(rules.allowed)}`,
  );
}

export function canApprove(actor: Actor, rules: GroupRules | undefined): boolean {
  return actor.authMode === 'none' || !rules?.approvers || isMember(actor, rules.approvers);
}

/** The groups a client names when it tells a user to ask an approver; none without a rule. */
export function approverGroups(actor: Actor, rules: GroupRules | undefined): readonly string[] | undefined {
  return actor.authMode === 'none' ? undefined : rules?.approvers;
}

export function ensureApprover(actor: Actor, rules: GroupRules | undefined): void {
  if (canApprove(actor, rules)) return;
  throw new ForbiddenError(
    `only members of ${groupNames(rules!.approvers!)} may approve calls that change AWS; deny it, or ask a member to make this change`,
  );
}

function groupNames(groups: readonly string[]): string {
  const quoted = groups.map((g) => JSON.stringify(g));
  return quoted.length === 1 ? `the group ${quoted[0]}` : `one of the groups ${quoted.join(', ')}`;
}
