/**
 * The card of a call that changes AWS: where it runs, the exact call, what it will do, and the
 * decision. A person outside the approver groups may deny it or copy it for an approver.
 */
import type { Approver } from '../backend/src/protocol';
import type { ItemOf } from '../shared/conversation-state';
import {
  approvalDetailsHtml,
  approvalInput,
  approvalTargetHtml,
  approvalTargetText,
  prettyOutput,
} from './cards';
import { button, details, div, iconText, statusText, type Send } from './dom';
import { approverText, askApproverText, needsApproverText, nonApproverReason } from './labels';
import { escapeHtml, toolLabel } from './render';

export function approvalCard(item: ItemOf<'approval'>, send: Send): HTMLElement {
  const mayApprove = item.canApprove !== false;
  const el = div(`approval-card${item.decision ? ` decided decided-${item.decision}` : ''}`);
  el.dataset.toolId = item.id;
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', `Approval needed: ${toolLabel(item.name)}`);
  const head = div('approval-head');
  const badge =
    item.decision === 'approve'
      ? 'approved'
      : item.decision === 'deny'
        ? 'denied'
        : mayApprove
          ? 'needs approval'
          : 'needs an approver';
  head.innerHTML = `<span class="codicon codicon-warning" aria-hidden="true"></span><span class="tool-name">${escapeHtml(toolLabel(item.name))}</span><span class="approval-badge">${badge}</span>`;
  el.append(head);
  if (item.target) {
    const where = div('approval-target');
    where.innerHTML = approvalTargetHtml(item.target); // every value escaped
    where.title = approvalTargetText(item.target);
    el.append(where);
  }
  el.append(
    div('approval-reason', mayApprove ? item.reason : nonApproverReason(item.reason, item.confirmText)),
  );
  // Everything approved is on the card: the whole input in a scrolling box, and what it will do.
  const input = approvalInput(item.input, item.details);
  if (input) el.append(details('Exact call', input, { send, language: 'json', open: true }));
  if (item.details) {
    const what = div('approval-details');
    what.innerHTML = approvalDetailsHtml(item.details); // every value escaped
    const openDiff = what.querySelector('.open-diff');
    openDiff?.addEventListener('click', () => send({ type: 'openDiff', toolUseId: item.id }));
    el.append(what);
  }
  if (item.decision) {
    const outcome =
      item.decision === 'deny'
        ? 'Denied'
        : item.result
          ? `Approved · ${statusText(item.result.status, false)}`
          : 'Approved · running…';
    el.append(div('approval-decision', outcome));
    if (item.result?.approvedBy) el.append(approvedByLine(item.result.approvedBy));
    if (item.result && item.result.status !== 'denied') {
      el.append(div('tool-summary one-line', item.result.summary));
      const result = item.result.output ?? item.result.summary;
      if (result) el.append(details('Result', prettyOutput(result), { send, language: 'json' }));
    }
    return el;
  }
  const deny = button('Deny', 'close', 'secondary');
  deny.addEventListener('click', () => send({ type: 'decide', toolUseId: item.id, decision: 'deny' }));
  const actions = div('approval-actions');
  if (!mayApprove) {
    // Sessions stay private: the call goes to an approver as text, copied by the extension.
    const needs = div('approver-needed');
    needs.append(
      iconText('approver-needed-title', 'organization', needsApproverText(item.approverGroups)),
      div('approver-needed-hint', askApproverText(item.approverGroups)),
    );
    const copy = button('Copy Call', 'copy', 'primary');
    copy.addEventListener('click', () => send({ type: 'copyCall', toolUseId: item.id }));
    actions.append(copy, deny);
    el.append(needs, actions);
    return el;
  }
  let confirm: HTMLInputElement | undefined;
  const approve = button('Approve', 'check', 'primary');
  const approveNow = () =>
    send({
      type: 'decide',
      toolUseId: item.id,
      decision: 'approve',
      ...(confirm ? { confirmText: confirm.value } : {}),
    });
  if (item.confirmText) {
    // A visible label names the field (no placeholder standing in for it); Enter approves once it matches.
    const id = `confirm-${item.id.replace(/[^\w-]/g, '_')}`;
    const label = document.createElement('label');
    label.className = 'confirm-label';
    label.htmlFor = id;
    label.append('Type ');
    const code = document.createElement('code');
    code.textContent = item.confirmText;
    label.append(code, ' to approve');
    confirm = document.createElement('vscode-textfield') as unknown as HTMLInputElement;
    confirm.id = id;
    confirm.className = 'confirm-input';
    confirm.setAttribute('label', `Type ${item.confirmText} to approve`);
    approve.disabled = true;
    const matches = () => confirm!.value === item.confirmText;
    confirm.addEventListener('input', () => (approve.disabled = !matches()));
    confirm.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.isComposing) return;
      e.preventDefault();
      if (matches()) approveNow();
    });
    el.append(label, confirm);
  }
  approve.addEventListener('click', approveNow);
  actions.append(approve, deny);
  el.append(actions);
  return el;
}

/** "Approved by alice@example.com at 14:03", the exact time and the person's id as its tooltip. */
export function approvedByLine(approver: Approver): HTMLElement {
  const line = iconText('approved-by', 'verified', approverText(approver, new Date()));
  line.title = `${approver.name ? `${approver.name} · ` : ''}${approver.sub} · ${approver.at}`;
  return line;
}
