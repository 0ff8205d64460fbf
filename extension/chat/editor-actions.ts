/** What the chat's code blocks can do in the editor. */
import * as vscode from 'vscode';

export async function insertAtCursor(text: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return openInEditor(text);
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
  await vscode.window.showTextDocument(editor.document, editor.viewColumn);
}

export async function openInEditor(text: string, language?: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({
    content: text,
    ...(language ? { language: languageId(language) } : {}),
  });
  await vscode.window.showTextDocument(document, { preview: false });
}

/** Fence names to VS Code language ids where they differ. */
function languageId(fence: string): string {
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
