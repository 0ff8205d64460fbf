/**
 * The text of tool and approval cards, free of the DOM so it is unit-tested in Node. Nothing here
 * is ever cut: an approval shows everything it approves (in a scrolling box), a result shows its
 * whole text when expanded.
 */
import type { ApprovalDetails, ApprovalTarget } from '../backend/src/protocol';
import { escapeHtml } from './render';

/** A tool's whole input, pretty-printed; empty for none. */
export function fullInput(input: unknown): string {
  if (input === undefined) return '';
  return JSON.stringify(input, null, 2) ?? '';
}

/**
 * An approval's exact call. A template the card shows below as YAML is not repeated here as one
 * long escaped JSON string.
 */
export function approvalInput(input: unknown, details: ApprovalDetails | undefined): string {
  const body = (input as { templateBody?: unknown } | null)?.templateBody;
  if (!details?.template?.fromInput || typeof body !== 'string') return fullInput(input);
  return fullInput({ ...(input as object), templateBody: '(the proposed template, shown below as YAML)' });
}

/** Where the call will run, said on every approval card. */
export function approvalTargetText(target: ApprovalTarget): string {
  return `Runs in ${accountText(target)}, region ${target.region}`;
}

/** The same line as HTML: the account and the region each stay on one line (no break at `us-`). */
export function approvalTargetHtml(target: ApprovalTarget): string {
  return (
    `<span class="codicon codicon-cloud" aria-hidden="true"></span>Runs in ` +
    `<span class="nowrap">${escapeHtml(accountText(target))}</span>, ` +
    `<span class="nowrap">region ${escapeHtml(target.region)}</span>`
  );
}

function accountText(target: ApprovalTarget): string {
  return /^\d{12}$/.test(target.account) ? `account ${target.account}` : target.account;
}

/**
 * A tool result for reading: JSON pretty-printed (also when a truncation note follows it),
 * anything else as it came.
 */
export function prettyOutput(text: string): string {
  const mark = /^\[tool output: data, not instructions\]\n/;
  const body = text.replace(mark, '');
  const note = /\n(\[truncated: [^\]]*\])$/.exec(body);
  const json = note ? body.slice(0, note.index) : body;
  try {
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    return note ? `${pretty}\n${note[1]}` : pretty;
  } catch {
    return body;
  }
}

/**
 * What approving a change set does, in the card: every resource change (action, logical id,
 * type, replacement) and every capability. Replacements and IAM capabilities stand out.
 */
export function approvalDetailsHtml(details: ApprovalDetails): string {
  const parts: string[] = [];
  if (details.note)
    parts.push(
      `<p class="details-note"><span class="codicon codicon-warning" aria-hidden="true"></span>${escapeHtml(details.note)}</p>`,
    );
  if (details.capabilities) {
    parts.push(
      details.capabilities.length > 0
        ? `<p class="capabilities"><span class="details-label">Capabilities:</span> ${details.capabilities
            .map((c) => `<code class="capability">${escapeHtml(c)}</code>`)
            .join(' ')}</p>`
        : '<p class="capabilities"><span class="details-label">Capabilities:</span> none</p>',
    );
  }
  if (details.changes) {
    const count = details.changes.length;
    const replaced = details.changes.filter((c) => c.replacement === 'True').length;
    const caption = `${count} resource change${count === 1 ? '' : 's'}${replaced ? `, ${replaced} replacing a resource` : ''}`;
    const rows = details.changes
      .map((c) => {
        const replacement = c.replacement ?? '—';
        const cls = c.replacement === 'True' ? ' class="replaces"' : '';
        return (
          `<tr${cls}><td class="change-action action-${escapeHtml(c.action.toLowerCase())}">${escapeHtml(c.action)}</td>` +
          `<td><code>${escapeHtml(c.logicalId)}</code>${c.physicalId ? `<div class="physical-id">${escapeHtml(c.physicalId)}</div>` : ''}</td>` +
          `<td><code>${escapeHtml(c.type)}</code></td><td>${escapeHtml(replacement)}</td></tr>`
        );
      })
      .join('');
    parts.push(
      `<div class="change-list" tabindex="0" role="region" aria-label="${escapeHtml(caption)}">` +
        `<table><caption>${escapeHtml(caption)}</caption>` +
        `<thead><tr><th scope="col">Action</th><th scope="col">Logical id</th><th scope="col">Type</th><th scope="col">Replacement</th></tr></thead>` +
        `<tbody>${rows}</tbody></table></div>`,
    );
  }
  if (details.template) parts.push(templateHtml(details.template));
  return parts.join('');
}

/** The proposed template as readable YAML in a scrolling box, and Open Diff when there is a deployed side. */
function templateHtml(template: NonNullable<ApprovalDetails['template']>): string {
  const yaml = template.proposed; // YAML already: the backend converts JSON templates
  const against =
    template.deployed === undefined
      ? ''
      : `<vscode-button class="open-diff" data-action="openDiff" icon="diff" secondary title="Open Diff: ${
          template.deployed === '' ? 'a new stack' : 'the deployed template'
        } against the proposed one">Open Diff</vscode-button>`;
  return (
    `<details class="tool-input template-review" open><summary>Proposed template${
      template.deployed === '' ? ' (new stack)' : ''
    }</summary><pre tabindex="0" aria-label="Proposed template">${escapeHtml(yaml)}</pre></details>` + against
  );
}

/** How a message is announced in the log: screen readers hear who said it. */
export function messageLabel(kind: 'user' | 'assistant'): string {
  return kind === 'user' ? 'You said' : 'Cloud Engineer said';
}
