/** The extension's log: a LogOutputChannel (levels, timestamps, "Show Logs"). Never tokens or message text. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  return (channel ??= vscode.window.createOutputChannel('Cloud Engineer', { log: true }));
}
