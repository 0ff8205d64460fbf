/** Configure Backend…: pick a mode and fill what it needs, written to the user settings. */
import * as vscode from 'vscode';
import type { CognitoAuthProvider } from './auth/cognito-auth-provider';
import { COMMANDS } from './common/ids';
import { readSettings, SECTION, SETTINGS, type BackendMode } from './common/settings';

const MODES: (vscode.QuickPickItem & { mode?: BackendMode })[] = [
  {
    label: '$(vm) Local',
    description: 'nothing deployed',
    detail:
      'The agent runs in VS Code with your AWS profile: Bedrock, or Anthropic, OpenAI, Gemini or Ollama (Select Model…).',
    mode: 'local',
  },
  {
    label: '$(server) HTTP backend',
    description: 'Lambda Function URL or the local server',
    detail: 'A deployed backend, with Cognito sign-in when it asks for it.',
    mode: 'http',
  },
  {
    label: '$(cloud) AgentCore Runtime',
    description: 'a deployed runtime',
    detail: 'Cognito bearer token, or your AWS credentials (SigV4) when no pool is set.',
    mode: 'agentcore',
  },
  { label: '', kind: vscode.QuickPickItemKind.Separator },
  { label: '$(settings-gear) Open all Cloud Engineer settings' },
];

export function registerConfigure(context: vscode.ExtensionContext, auth: CognitoAuthProvider): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.configureBackend, () => configure(auth)),
  );
}

async function configure(auth: CognitoAuthProvider): Promise<void> {
  const current = readSettings();
  const pick = await vscode.window.showQuickPick(
    MODES.map((m) => ({
      ...m,
      ...(m.mode === current.mode ? { description: `${m.description} (current)` } : {}),
    })),
    { title: 'Cloud Engineer: Configure Backend', placeHolder: 'Where should the agent run?' },
  );
  if (!pick) return;
  if (!pick.mode)
    return void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId()}`);
  const config = vscode.workspace.getConfiguration(SECTION);
  const set = (key: string, value: string) => config.update(key, value, vscode.ConfigurationTarget.Global);
  const ask = (prompt: string, value: string, placeHolder: string) =>
    vscode.window.showInputBox({
      title: 'Configure Backend',
      prompt,
      value,
      placeHolder,
      ignoreFocusOut: true,
    });

  if (pick.mode === 'local') {
    const profile = await ask(
      'AWS profile (empty: the default credential chain)',
      current.profile,
      'default',
    );
    if (profile === undefined) return;
    await set(SETTINGS.profile, profile.trim());
  } else if (pick.mode === 'http') {
    const url = await ask(
      'Backend URL',
      current.url,
      'https://abc123.lambda-url.us-east-1.on.aws/ or http://127.0.0.1:8080',
    );
    if (url === undefined) return;
    await set(SETTINGS.url, url.trim());
  } else {
    const arn = await ask(
      'AgentCore runtime ARN',
      current.runtimeArn,
      'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/cloud_engineer-abc',
    );
    if (arn === undefined) return;
    await set(SETTINGS.runtimeArn, arn.trim());
  }
  if (pick.mode !== 'local') {
    const pool = await ask(
      'Cognito user pool id (empty: no sign-in)',
      current.userPoolId,
      'us-east-1_AbCdEfGhI',
    );
    if (pool === undefined) return;
    if (pool.trim() !== current.userPoolId) {
      // Another pool: its hosted UI and company provider are not the old pool's.
      for (const key of [SETTINGS.domain, SETTINGS.identityProvider])
        await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await set(SETTINGS.userPoolId, pool.trim());
    if (pool.trim()) {
      const client = await ask('Cognito app client id', current.clientId, '1example23456789');
      if (client === undefined) return;
      await set(SETTINGS.clientId, client.trim());
    }
  }
  await set(SETTINGS.mode, pick.mode);
  const next = readSettings();
  // Tokens are kept per pool and client: a user already signed in to this one is not asked again.
  const signedIn = Boolean(await auth.currentLabel());
  if (next.mode !== 'local' && next.userPoolId && next.clientId && !signedIn) {
    const choice = await vscode.window.showInformationMessage(
      `Cloud Engineer now uses the ${pick.mode} backend.`,
      'Sign In',
    );
    if (choice) await vscode.commands.executeCommand(COMMANDS.signIn);
  } else {
    void vscode.window.showInformationMessage(`Cloud Engineer now uses the ${pick.mode} backend.`);
  }
}

function extensionId(): string {
  return (
    vscode.extensions.all.find((e) => e.packageJSON?.name === 'cloud-engineer')?.id ??
    'cloud-engineer.cloud-engineer'
  );
}
