/**
 * Open Diff on a stack change's approval card: the deployed template against the proposed one in
 * VS Code's diff editor, both as YAML, from read-only in-memory documents (nothing written to disk,
 * nothing editable). The templates come with the approval from the backend, so this works the same
 * in every connection mode.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ApprovalDetails } from '../../backend/src/protocol';
import { diffTitle, parseTemplatePath, TEMPLATE_SCHEME, templatePath } from './template-uris';

type Template = NonNullable<ApprovalDetails['template']>;

/** Diffs opened in this window; the oldest are forgotten past this many. */
const KEEP = 20;

class TemplateDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, { deployed: string; proposed: string }>();

  add(template: Template): string {
    const key = randomUUID();
    this.texts.set(key, {
      deployed: template.deployed ?? '',
      proposed: template.proposed,
    });
    while (this.texts.size > KEEP) this.texts.delete(this.texts.keys().next().value!);
    return key;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const named = parseTemplatePath(uri.path);
    const texts = named && this.texts.get(named.key);
    return texts ? texts[named.side] : '# This template is no longer available: open the diff again.\n';
  }
}

const documents = new TemplateDocuments();

export function registerTemplateDiff(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(TEMPLATE_SCHEME, documents),
  );
}

export async function openTemplateDiff(template: Template): Promise<void> {
  if (template.deployed === undefined) {
    void vscode.window.showWarningMessage('The deployed template could not be read, so there is no diff.');
    return;
  }
  const key = documents.add(template);
  const uri = (side: 'deployed' | 'proposed') =>
    vscode.Uri.from({ scheme: TEMPLATE_SCHEME, path: templatePath(key, side, template.stackName) });
  // The `.yaml` paths give both sides YAML highlighting.
  await vscode.commands.executeCommand(
    'vscode.diff',
    uri('deployed'),
    uri('proposed'),
    diffTitle(template.stackName, template.deployed === ''),
    { preview: false },
  );
}
