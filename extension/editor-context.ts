/** The active editor's selection as chat context: the text, the workspace-relative file name, the language. */
import * as vscode from 'vscode';
import type { ChatContext } from '../backend/src/protocol';

const MAX_SELECTION = 16 * 1024;

export function editorContext(editor = vscode.window.activeTextEditor): ChatContext | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const selection = editor.document.getText(editor.selection).slice(0, MAX_SELECTION);
  return {
    selection,
    fileName: vscode.workspace.asRelativePath(editor.document.uri),
    languageId: editor.document.languageId,
  };
}
