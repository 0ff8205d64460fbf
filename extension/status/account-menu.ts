/**
 * What the connection's status item shows when clicked: who is signed in to which backend, the
 * person's groups, whether they may approve changes, and the account's commands. Group and user
 * names come from a token, so each is made inert for display. No `vscode`: unit-tested.
 */
import type { ReplyOf } from '../../backend/src/protocol';
import { displayText } from '../common/display-text';

export type Whoami = ReplyOf<'whoami'>;

/** More than anyone is in; the rest are counted, not listed. */
export const MAX_GROUPS_SHOWN = 20;
const MAX_NAME = 64;

export type AccountAction = 'signIn' | 'signOut' | 'configure' | 'connect' | 'showLogs';

export interface AccountMenuItem {
  label: string;
  description?: string;
  detail?: string;
  /** A separator line, with `label` as its title. */
  separator?: true;
  action?: AccountAction;
}

export interface AccountState {
  /** Where the agent runs ("127.0.0.1:8080"), or why there is no connection. */
  where: string;
  connected: boolean;
  /** The signed-in person as the token names them. */
  user?: string | undefined;
  /** A user pool is set: Sign In is possible. */
  signInConfigured: boolean;
  offline?: boolean;
  /** The backend's answer to whoami, still on its way, or why there is none. */
  whoami: Whoami | 'loading' | { problem: string } | undefined;
}

/** A group name from a token, fit to show: no codicons, control or bidi characters, capped. */
export function groupLabel(raw: unknown): string {
  return displayText(raw, MAX_NAME);
}

/** The token's groups, as shown: strings only, made inert, duplicates and empties dropped. */
export function groupLabels(groups: unknown): string[] {
  if (!Array.isArray(groups)) return [];
  const seen = new Set<string>();
  for (const group of groups) {
    const label = groupLabel(group);
    if (label) seen.add(label);
  }
  return [...seen];
}

/** "May approve changes", or why not and whom to ask; undefined when the backend does not say. */
export function approvalLine(whoami: Whoami): { label: string; description?: string } | undefined {
  if (whoami.canApprove === undefined) return undefined;
  if (whoami.canApprove) return { label: '$(pass) May approve changes' };
  const approvers = groupLabels(whoami.approverGroups);
  const mine = new Set(groupLabels(whoami.groups));
  // In an approver group and still refused: the backend offers no tool that changes AWS.
  if (!approvers.length || approvers.some((g) => mine.has(g)))
    return { label: '$(circle-slash) Cannot approve changes', description: 'this backend allows none' };
  return {
    label: '$(circle-slash) Cannot approve changes',
    description: `ask a member of ${approvers.slice(0, 3).join(', ')}${approvers.length > 3 ? ', …' : ''}`,
  };
}

export function accountMenu(state: AccountState): AccountMenuItem[] {
  const items: AccountMenuItem[] = [];
  const where = displayText(state.where, 120);
  const whoami = typeof state.whoami === 'object' && 'authMode' in state.whoami ? state.whoami : undefined;
  const user = displayText(state.user ?? whoami?.username, MAX_NAME);
  if (!state.connected) {
    items.push({ label: '$(warning) Not connected', detail: where });
  } else if (whoami?.authMode === 'none' && !user) {
    items.push({
      label: '$(account) No sign-in',
      description: where,
      detail: 'The backend does not check who you are.',
    });
  } else if (user) {
    items.push({
      label: `$(account) ${user}`,
      description: `${where}${state.offline ? ' (offline, retrying)' : ''}`,
    });
  } else {
    items.push({ label: '$(account) Not signed in', description: where });
  }

  if (state.connected && (user || whoami)) {
    if (state.whoami === 'loading') {
      items.push({ label: '$(loading~spin) Looking up your groups…' });
    } else if (state.whoami && 'problem' in state.whoami) {
      items.push({
        label: '$(warning) Could not read your groups',
        detail: displayText(state.whoami.problem, 200),
      });
    } else if (whoami && whoami.authMode !== 'none') {
      const groups = groupLabels(whoami.groups);
      items.push({ label: 'Groups', separator: true });
      if (!groups.length) items.push({ label: '$(organization) In no group' });
      for (const group of groups.slice(0, MAX_GROUPS_SHOWN))
        items.push({ label: `$(organization) ${group}` });
      if (groups.length > MAX_GROUPS_SHOWN)
        items.push({ label: `$(ellipsis) and ${groups.length - MAX_GROUPS_SHOWN} more` });
    }
    const approval = whoami && approvalLine(whoami);
    if (approval) {
      items.push({ label: 'Approvals', separator: true });
      items.push(approval);
    }
  }

  items.push({ label: '', separator: true });
  if (user) items.push({ label: '$(sign-out) Sign Out', action: 'signOut' });
  else if (state.signInConfigured) items.push({ label: '$(sign-in) Sign In', action: 'signIn' });
  items.push(
    { label: '$(settings-gear) Configure Backend…', action: 'configure' },
    { label: '$(plug) Connect to Deployment…', action: 'connect' },
    { label: '$(output) Show Logs', action: 'showLogs' },
  );
  return items;
}
