/**
 * `cloudEngineer.tools.mode` from every level it is set at. A workspace's settings come with the
 * repository, so they may make the agent stricter, never looser: `read-only` anywhere wins. No `vscode`.
 */
export type ToolsMode = 'read-only' | 'approve-writes';

/** What `WorkspaceConfiguration.inspect` reports for the setting (the levels that matter here). */
export interface ToolsModeLevels {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export function strictestToolsMode(levels: ToolsModeLevels | undefined): ToolsMode {
  const set = [
    levels?.defaultValue,
    levels?.globalValue,
    levels?.workspaceValue,
    levels?.workspaceFolderValue,
  ];
  return set.includes('read-only') ? 'read-only' : 'approve-writes';
}
