/** What the chat's code blocks, tool cards and diagrams can do in the editor. */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { diagramFileName } from '../../shared/diagram-file';

/** Inserts at every cursor; with no editor open, a new document in the block's language. */
export async function insertAtCursor(text: string, language?: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return openInEditor(text, language);
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
  await vscode.window.showTextDocument(editor.document, editor.viewColumn);
}

export async function openInEditor(text: string, language?: string): Promise<void> {
  const id = language ? languageId(language) : undefined;
  const known = id !== undefined && (await vscode.languages.getLanguages()).includes(id);
  const document = await vscode.workspace.openTextDocument({
    content: text,
    ...(known ? { language: id } : {}),
  });
  await vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Opens a diagram in an editor tab with VS Code's image preview (zoom with the mouse wheel or the
 * status bar). The SVG is written to a file named for its content, so opening it twice reuses it;
 * as an image, nothing in it can run.
 */
export async function openDiagram(svg: string): Promise<void> {
  const dir = join(tmpdir(), 'cloud-engineer-diagrams');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `diagram-${createHash('sha256').update(svg).digest('hex').slice(0, 12)}.svg`;
  const file = vscode.Uri.file(join(dir, name));
  await writeFile(file.fsPath, svg, { mode: 0o600 });
  await vscode.commands.executeCommand('vscode.openWith', file, 'imagePreview.previewEditor', {
    preview: false,
  });
}

const SVG = { label: 'SVG', description: 'scalable, for docs and the web', format: 'svg' } as const;
const PNG = { label: 'PNG', description: 'an image, for slides and tickets', format: 'png' } as const;

/**
 * Save Diagram…: SVG or PNG (when the webview could draw one), then where, defaulting to the
 * workspace folder and a name from the diagram's title. The name the webview proposes is
 * sanitized again here: the dialog's default never points outside the folder.
 */
export async function saveDiagram(diagram: { svg: string; png?: string; title?: string }): Promise<void> {
  const choice = diagram.png
    ? await vscode.window.showQuickPick([SVG, PNG], { title: 'Save Diagram As' })
    : SVG;
  if (!choice) return;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(base, diagramFileName(diagram.title, choice.format)),
    filters: choice.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    saveLabel: 'Save Diagram',
  });
  if (!target) return;
  const bytes =
    choice.format === 'png' ? Buffer.from(diagram.png!, 'base64') : new TextEncoder().encode(diagram.svg);
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.setStatusBarMessage(`$(save) Saved ${vscode.workspace.asRelativePath(target)}`, 4000);
}

/** Fence names to VS Code language ids where they differ. */
export function languageId(fence: string): string {
  const map: Record<string, string> = {
    yml: 'yaml',
    ts: 'typescript',
    js: 'javascript',
    sh: 'shellscript',
    bash: 'shellscript',
    shell: 'shellscript',
    py: 'python',
    tf: 'terraform',
    hcl: 'terraform',
    cfn: 'yaml',
  };
  return map[fence.toLowerCase()] ?? fence.toLowerCase();
}
