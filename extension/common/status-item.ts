/** The extension's status bar items sit on the left, side by side (the priority orders them). */
import * as vscode from 'vscode';

/** A left-hand status bar item; `name` is how the status bar's own context menu lists it. */
export function leftStatusItem(
  id: string,
  priority: number,
  name: string,
  command: string,
): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, priority);
  item.name = name;
  item.command = command;
  return item;
}
